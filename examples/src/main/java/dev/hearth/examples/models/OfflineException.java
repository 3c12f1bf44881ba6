package dev.hearth.examples.models;

/** {@code --offline} was given and the model is not in the cache, so answering would need the network. */
public final class OfflineException extends PullException {
    private static final long serialVersionUID = 1L;

    public OfflineException(String what) {
        super("--offline: " + what + " is not in the local cache and fetching it would need the network;"
                + " run the same command without --offline first.");
    }
}
