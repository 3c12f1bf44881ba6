package dev.hearth.remote.providers;

/**
 * Turns the lines of a {@code text/event-stream} into events (the WHATWG server-sent events rules that providers
 * use): {@code event:} names the event, {@code data:} lines are joined with newlines, a blank line dispatches,
 * lines starting with {@code :} are comments (keep-alives).
 */
final class SseDecoder {

    @FunctionalInterface
    interface Sink {
        void event(String name, String data);
    }

    private final Sink sink;
    private String name;
    private StringBuilder data;

    SseDecoder(Sink sink) {
        this.sink = sink;
    }

    void line(String line) {
        if (line.isEmpty()) {
            dispatch();
            return;
        }
        if (line.startsWith(":")) {
            return;
        }
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (field) {
            case "event" -> name = value;
            case "data" -> {
                if (data == null) {
                    data = new StringBuilder(value);
                } else {
                    data.append('\n').append(value);
                }
            }
            default -> { } // id, retry and unknown fields do not matter to a one-shot request
        }
    }

    /** Dispatches an event the stream ended in without its blank line. */
    void end() {
        dispatch();
    }

    private void dispatch() {
        if (data != null) {
            String eventName = name;
            String eventData = data.toString();
            name = null;
            data = null;
            sink.event(eventName, eventData);
        } else {
            name = null;
        }
    }
}
