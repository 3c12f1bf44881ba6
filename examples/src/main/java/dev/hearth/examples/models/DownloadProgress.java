package dev.hearth.examples.models;

/** Told how a download goes; {@code total} is -1 when neither the hub nor the server said. */
public interface DownloadProgress {
    /** The transfer starts, {@code resumedFrom} bytes being already in the part file. */
    void start(String name, long resumedFrom, long total);

    void advance(long bytesSoFar);

    /** Called once after {@link #start}, however the transfer ended. */
    void finish();

    DownloadProgress NONE = new DownloadProgress() {
        @Override
        public void start(String name, long resumedFrom, long total) {
        }

        @Override
        public void advance(long bytesSoFar) {
        }

        @Override
        public void finish() {
        }
    };
}
