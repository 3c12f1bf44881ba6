package dev.hearth.local.internal.engine;

import java.util.List;

/**
 * Holds back generated text that might be the beginning of a stop sequence, and cuts the answer where one appears,
 * so that a stop sequence split across tokens never reaches the caller.
 */
public final class StopSequenceFilter {
    private final List<String> stops;
    private final StringBuilder pending = new StringBuilder();
    private boolean stopped;

    public StopSequenceFilter(List<String> stops) {
        this.stops = stops;
    }

    /** Adds newly decoded text and returns what can be released now. */
    public String accept(String text) {
        if (stopped) {
            return "";
        }
        pending.append(text);
        if (stops.isEmpty()) {
            return drain(pending.length());
        }
        int earliest = -1;
        for (String stop : stops) {
            int at = pending.indexOf(stop);
            if (at >= 0 && (earliest < 0 || at < earliest)) {
                earliest = at;
            }
        }
        if (earliest >= 0) {
            stopped = true;
            String released = pending.substring(0, earliest);
            pending.setLength(0);
            return released;
        }
        return drain(pending.length() - longestStopPrefixAtEnd());
    }

    /** Releases whatever is held when generation ends for another reason. */
    public String flush() {
        return stopped ? "" : drain(pending.length());
    }

    public boolean stopped() {
        return stopped;
    }

    private int longestStopPrefixAtEnd() {
        int longest = 0;
        String held = pending.toString();
        for (String stop : stops) {
            for (int length = Math.min(stop.length() - 1, pending.length()); length > longest; length--) {
                if (held.regionMatches(held.length() - length, stop, 0, length)) {
                    longest = length;
                    break;
                }
            }
        }
        return longest;
    }

    private String drain(int count) {
        String released = pending.substring(0, count);
        pending.delete(0, count);
        return released;
    }
}
