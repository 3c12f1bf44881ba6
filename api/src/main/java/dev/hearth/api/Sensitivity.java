package dev.hearth.api;

/**
 * How sensitive the content of a message (and so of a request) is; routing rules decide where each level may be
 * sent. Levels are ordered: a request is as sensitive as its most sensitive message.
 */
public enum Sensitivity {
    /** May go anywhere, cloud providers included (the default). */
    PUBLIC,
    /** Stays on machines the user runs: this process and peers (not third parties, unless a rule allows it). */
    INTERNAL,
    /** Stays in this process and on peers explicitly marked trusted; never sent to a third party. */
    PRIVATE;

    /** The more sensitive of the two. */
    public Sensitivity max(Sensitivity other) {
        return other.compareTo(this) > 0 ? other : this;
    }
}
