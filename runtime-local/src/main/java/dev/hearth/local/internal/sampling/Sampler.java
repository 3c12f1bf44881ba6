package dev.hearth.local.internal.sampling;

import dev.hearth.api.GenerationOptions;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks the next token from logits, in llama.cpp's default order: repetition penalty, top-k, top-p, min-p,
 * temperature, then a draw from the remaining distribution. Temperature 0 is greedy (argmax after the penalty).
 * The same seed and the same logits give the same tokens. One sampler per generation; not thread-safe.
 */
public final class Sampler {
    private final GenerationOptions options;
    private final SplittableRandom random;
    /** Candidate indices sorted by logit, reused between tokens. */
    private Integer[] order = new Integer[0];
    private float[] probabilities = new float[0];

    public Sampler(GenerationOptions options, long seed) {
        this.options = options;
        this.random = new SplittableRandom(seed);
    }

    /**
     * Chooses a token. {@code logits} is modified in place by the penalty; {@code recent} holds the last tokens
     * (prompt and answer) in [recentStart, recentEnd) for the repetition penalty.
     */
    public int sample(float[] logits, int[] recent, int recentStart, int recentEnd) {
        applyRepetitionPenalty(logits, recent, recentStart, recentEnd);
        if (options.isGreedy()) {
            return argmax(logits);
        }
        int vocabulary = logits.length;
        if (order.length != vocabulary) {
            order = new Integer[vocabulary];
            probabilities = new float[vocabulary];
        }
        for (int i = 0; i < vocabulary; i++) {
            order[i] = i;
        }
        // Sorting the whole vocabulary is O(V log V); fine for today's vocabularies, revisit with the performance work.
        Arrays.sort(order, (a, b) -> Float.compare(logits[b], logits[a]));
        int kept = options.topK() > 0 ? Math.min(options.topK(), vocabulary) : vocabulary;

        kept = truncateTopP(logits, kept);
        kept = truncateMinP(logits, kept);

        double temperature = options.temperature();
        float max = logits[order[0]];
        double sum = 0;
        for (int i = 0; i < kept; i++) {
            double p = Math.exp((logits[order[i]] - max) / temperature);
            probabilities[i] = (float) p;
            sum += p;
        }
        double draw = random.nextDouble() * sum;
        double cumulative = 0;
        for (int i = 0; i < kept; i++) {
            cumulative += probabilities[i];
            if (draw < cumulative) {
                return order[i];
            }
        }
        return order[kept - 1];
    }

    /** Keeps the smallest prefix whose softmax probability mass (at temperature 1) reaches top-p. */
    private int truncateTopP(float[] logits, int kept) {
        if (options.topP() >= 1) {
            return kept;
        }
        double total = softmaxMass(logits, kept);
        double target = options.topP() * total;
        double cumulative = 0;
        float max = logits[order[0]];
        for (int i = 0; i < kept; i++) {
            cumulative += Math.exp(logits[order[i]] - max);
            if (cumulative >= target) {
                return i + 1;
            }
        }
        return kept;
    }

    /** Drops tokens whose probability is below min-p times the most likely token's: logit < max + ln(min-p). */
    private int truncateMinP(float[] logits, int kept) {
        if (options.minP() <= 0) {
            return kept;
        }
        double threshold = logits[order[0]] + Math.log(options.minP());
        for (int i = 1; i < kept; i++) {
            if (logits[order[i]] < threshold) {
                return i;
            }
        }
        return kept;
    }

    private double softmaxMass(float[] logits, int kept) {
        float max = logits[order[0]];
        double sum = 0;
        for (int i = 0; i < kept; i++) {
            sum += Math.exp(logits[order[i]] - max);
        }
        return sum;
    }

    private void applyRepetitionPenalty(float[] logits, int[] recent, int start, int end) {
        double penalty = options.repetitionPenalty();
        if (penalty == 1 || options.repetitionWindow() == 0) {
            return;
        }
        int from = Math.max(start, end - options.repetitionWindow());
        // each distinct token is penalised once, however often it occurs (as llama.cpp does)
        java.util.BitSet seen = new java.util.BitSet(logits.length);
        for (int i = from; i < end; i++) {
            int token = recent[i];
            if (token < 0 || token >= logits.length || seen.get(token)) {
                continue;
            }
            seen.set(token);
            logits[token] = logits[token] > 0 ? (float) (logits[token] / penalty) : (float) (logits[token] * penalty);
        }
    }

    /** The index of the largest logit; the lowest index wins ties, so greedy decoding is deterministic. */
    public static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }
}
