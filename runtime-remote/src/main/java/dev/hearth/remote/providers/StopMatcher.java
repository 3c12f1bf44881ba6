package dev.hearth.remote.providers;

import java.util.List;

/**
 * Finds the request's stop sequences in streamed text, across delta boundaries. Text that may be the start of a stop
 * sequence is held back until the next delta decides it; the stop sequence itself is never released.
 */
final class StopMatcher {
    private final List<String> stops;
    private final StringBuilder pending = new StringBuilder();
    private boolean stopped;

    StopMatcher(List<String> stops) {
        this.stops = List.copyOf(stops);
    }

    /** Adds a delta and returns the text that is now safe to emit. */
    String accept(String delta) {
        if (stopped) {
            return "";
        }
        pending.append(delta);
        int stopAt = earliestStop();
        if (stopAt >= 0) {
            String emit = pending.substring(0, stopAt);
            pending.setLength(0);
            stopped = true;
            return emit;
        }
        int hold = heldBack();
        String emit = pending.substring(0, pending.length() - hold);
        pending.delete(0, pending.length() - hold);
        return emit;
    }

    /** The text held back when the stream ends without completing a stop sequence. */
    String flush() {
        String rest = pending.toString();
        pending.setLength(0);
        return rest;
    }

    boolean stopped() {
        return stopped;
    }

    private int earliestStop() {
        String text = pending.toString();
        int earliest = -1;
        for (String stop : stops) {
            int at = text.indexOf(stop);
            if (at >= 0 && (earliest < 0 || at < earliest)) {
                earliest = at;
            }
        }
        return earliest;
    }

    /** Length of the longest end of the pending text that begins some stop sequence. */
    private int heldBack() {
        int longest = 0;
        for (String stop : stops) {
            for (int k = Math.min(stop.length() - 1, pending.length()); k > longest; k--) {
                if (stop.startsWith(pending.substring(pending.length() - k))) {
                    longest = k;
                    break;
                }
            }
        }
        return longest;
    }
}
