package dev.hearth.examples.perf;

/**
 * One llama-bench case: prefill ({@code pp}) or generate ({@code tg}) {@code tokens} tokens after {@code depth}
 * tokens of context, on {@code threads} threads.
 */
public record BenchCase(Kind kind, int tokens, int depth, int threads) {

    public enum Kind {
        PP, TG;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public BenchCase {
        if (tokens < 1) {
            throw new IllegalArgumentException("a " + kind.label() + " case needs at least 1 token, was " + tokens);
        }
        if (depth < 0) {
            throw new IllegalArgumentException("depth must be >= 0, was " + depth);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, was " + threads);
        }
    }

    /** llama-bench's name for the case: {@code pp512}, {@code tg128 @ d4096}. */
    public String label() {
        return kind.label() + tokens + (depth > 0 ? " @ d" + depth : "");
    }

    /** Context positions the case needs. */
    int contextNeeded() {
        return depth + tokens;
    }
}
