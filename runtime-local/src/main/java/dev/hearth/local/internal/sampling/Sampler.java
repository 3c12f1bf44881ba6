package dev.hearth.local.internal.sampling;

import dev.hearth.api.GenerationOptions;

import java.util.Arrays;
import java.util.BitSet;
import java.util.SplittableRandom;

/**
 * Picks the next token from logits, with llama.cpp's default chain: repetition penalty, top-k, top-p, min-p,
 * temperature, then a draw from what remains. Temperature 0 is greedy (argmax after the penalty). The same seed and
 * the same logits give the same tokens. One sampler per generation; not thread-safe.
 *
 * <p>Only the candidates that can survive are sorted: min-p's threshold depends on the largest logit alone, so tokens
 * below it are dropped before sorting, while top-p still measures probability mass over the whole top-k set, exactly as
 * when the filters run one after another. With a 128k vocabulary that keeps a sampling step well under a millisecond.
 *
 * <p>With a {@link TokenConstraint} (a grammar), the disallowed tokens' logits become negative infinity after the
 * penalty and before every filter, those tokens never become candidates, and the constraint learns the chosen token.
 * Without one, nothing changes.
 *
 * <p>OpenAI's adjustments come after the repetition penalty and before the mask: the frequency and presence penalties
 * over the tokens this sampler has chosen (the answer so far), then the logit bias, where -100 bans a token outright
 * (its logit becomes negative infinity, so it is never drawn, not even as the draw's rounding fallback). With none of
 * them asked for, no logit is touched. When log probabilities are asked for, {@link #lastLogprobs()} reports the chosen
 * token's log-softmax over the adjusted, masked logits (temperature 1, before the truncation filters).
 */
public final class Sampler {
    private final GenerationOptions options;
    private final SplittableRandom random;
    private final BitSet penalised = new BitSet();
    /** Candidates packed as (sortable logit bits, token id) so a primitive sort orders them; reused between tokens. */
    private long[] packed = new long[0];
    /** Scratch copy of the logits for the top-k selection. */
    private float[] selection = new float[0];

    /** Null when generation is unconstrained. */
    private final TokenConstraint constraint;
    /** Whether a logit may be negative infinity because it was masked or banned (such tokens are never candidates). */
    private final boolean masking;
    /** Token ids and biases of the logit bias, as arrays for the hot loop. */
    private final int[] biasTokens;
    private final float[] biasValues;
    private final boolean penalisesAnswer;
    /** How often each token was chosen so far (frequency and presence penalties); sized on first use. */
    private int[] chosenCounts = new int[0];
    /** The distinct tokens chosen so far, in order of first choice. */
    private int[] chosenTokens = new int[16];
    private int chosenDistinct;
    private Logprobs lastLogprobs;

    /**
     * The log probability of the last chosen token and the {@code topN} most likely tokens at its position, most likely
     * first (ties by token id).
     */
    public record Logprobs(int token, double logprob, int[] topTokens, double[] topLogprobs) {
    }

    public Sampler(GenerationOptions options, long seed) {
        this(options, seed, null);
    }

    /** A sampler whose every choice {@code constraint} allows (null for none). */
    public Sampler(GenerationOptions options, long seed, TokenConstraint constraint) {
        this.options = options;
        this.random = new SplittableRandom(seed);
        this.constraint = constraint;
        this.biasTokens = options.logitBias().keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
        this.biasValues = new float[biasTokens.length];
        for (int i = 0; i < biasTokens.length; i++) {
            biasValues[i] = options.logitBias().get(biasTokens[i]);
        }
        this.masking = constraint != null || biasTokens.length > 0;
        this.penalisesAnswer = options.frequencyPenalty() != 0 || options.presencePenalty() != 0;
    }

    /**
     * Chooses a token. {@code logits} is modified in place by the penalty; {@code recent} holds the last tokens
     * (prompt and answer) in [recentStart, recentEnd) for the repetition penalty.
     */
    public int sample(float[] logits, int[] recent, int recentStart, int recentEnd) {
        applyRepetitionPenalty(logits, recent, recentStart, recentEnd);
        if (penalisesAnswer) {
            applyAnswerPenalties(logits);
        }
        for (int i = 0; i < biasTokens.length; i++) {
            int token = biasTokens[i];
            if (token >= logits.length) {
                throw new dev.hearth.api.InvalidRequestException("logitBias names token " + token
                        + ", outside this model's vocabulary of " + logits.length + " tokens");
            }
            logits[token] = biasValues[i] <= -100 ? Float.NEGATIVE_INFINITY : logits[token] + biasValues[i];
        }
        if (constraint != null) {
            constraint.mask(logits);
        }
        double logSum = options.wantsLogprobs() ? logSumExp(logits) : 0;
        int token = choose(logits);
        if (constraint != null) {
            constraint.accept(token);
        }
        if (options.wantsLogprobs()) {
            lastLogprobs = logprobs(logits, token, logSum, options.logprobs());
        }
        if (penalisesAnswer) {
            countChosen(token, logits.length);
        }
        return token;
    }

    /** The log probabilities of the last choice; null unless the options ask for them. */
    public Logprobs lastLogprobs() {
        return lastLogprobs;
    }

    private void applyAnswerPenalties(float[] logits) {
        float frequency = (float) options.frequencyPenalty();
        float presence = (float) options.presencePenalty();
        for (int i = 0; i < chosenDistinct; i++) {
            int token = chosenTokens[i];
            if (token < logits.length) {
                logits[token] -= chosenCounts[token] * frequency + presence;
            }
        }
    }

    private void countChosen(int token, int vocabulary) {
        if (chosenCounts.length < vocabulary) {
            chosenCounts = Arrays.copyOf(chosenCounts, vocabulary);
        }
        if (chosenCounts[token]++ == 0) {
            if (chosenDistinct == chosenTokens.length) {
                chosenTokens = Arrays.copyOf(chosenTokens, chosenDistinct * 2);
            }
            chosenTokens[chosenDistinct++] = token;
        }
    }

    private static double logSumExp(float[] logits) {
        float max = logits[argmax(logits)];
        if (max == Float.NEGATIVE_INFINITY) {
            return max;
        }
        double sum = 0;
        for (float logit : logits) {
            sum += Math.exp(logit - max);
        }
        return max + Math.log(sum);
    }

    /** The chosen token's log probability and the topN best, by repeated selection (topN is at most 20). */
    private static Logprobs logprobs(float[] logits, int chosen, double logSum, int topN) {
        int n = Math.min(topN, logits.length);
        int[] topTokens = new int[n];
        double[] topLogprobs = new double[n];
        for (int rank = 0; rank < n; rank++) {
            int best = -1;
            for (int token = 0; token < logits.length; token++) {
                if (best >= 0 && !(logits[token] > logits[best])) {
                    continue;
                }
                boolean taken = false;
                for (int i = 0; i < rank; i++) {
                    if (topTokens[i] == token) {
                        taken = true;
                        break;
                    }
                }
                if (!taken) {
                    best = token;
                }
            }
            topTokens[rank] = best;
            topLogprobs[rank] = logits[best] - logSum;
        }
        return new Logprobs(chosen, logits[chosen] - logSum, topTokens, topLogprobs);
    }

    private int choose(float[] logits) {
        if (options.isGreedy()) {
            return argmax(logits);
        }
        int vocabulary = logits.length;
        if (packed.length < vocabulary) {
            packed = new long[vocabulary];
        }
        float max = logits[argmax(logits)];

        // top-k: the k largest logits (all of them when top-k is off)
        int topK = options.topK() > 0 ? Math.min(options.topK(), vocabulary) : vocabulary;
        float topKFloor = topK == vocabulary ? Float.NEGATIVE_INFINITY : kthLargest(logits, topK);

        // ties at the floor are admitted in token-id order, only as many as top-k leaves room for
        int tiesAllowed = topK;
        if (topK < vocabulary) {
            for (float logit : logits) {
                if (logit > topKFloor) {
                    tiesAllowed--;
                }
            }
        }

        // one pass: the top-k set's probability mass at temperature 1 (what top-p measures against), and the
        // candidates that min-p lets through (only tokens at least minP times as likely as the best can survive)
        double minPFloor = options.minP() > 0 ? max + Math.log(options.minP()) : Double.NEGATIVE_INFINITY;
        double total = 0;
        int candidates = 0;
        int tiesAdmitted = 0;
        for (int token = 0; token < vocabulary; token++) {
            float logit = logits[token];
            if (logit < topKFloor || (logit == topKFloor && topK < vocabulary && tiesAdmitted++ >= tiesAllowed)) {
                continue;
            }
            if (masking && logit == Float.NEGATIVE_INFINITY) {
                continue; // masked: never a candidate, even as the draw's rounding fallback
            }
            total += Math.exp(logit - max);
            if (logit >= minPFloor) {
                packed[candidates++] = pack(logit, token);
            }
        }
        Arrays.sort(packed, 0, candidates); // ascending packed value = descending logit, then ascending token id

        // top-p: the shortest prefix whose mass reaches topP of the top-k mass
        int kept = candidates;
        if (options.topP() < 1) {
            double target = options.topP() * total;
            double cumulative = 0;
            for (int i = 0; i < candidates; i++) {
                cumulative += Math.exp(logit(packed[i]) - max);
                if (cumulative >= target) {
                    kept = i + 1;
                    break;
                }
            }
        }

        // temperature and the draw
        double temperature = options.temperature();
        double sum = 0;
        for (int i = 0; i < kept; i++) {
            sum += Math.exp((logit(packed[i]) - max) / temperature);
        }
        double draw = random.nextDouble() * sum;
        double cumulative = 0;
        for (int i = 0; i < kept; i++) {
            cumulative += Math.exp((logit(packed[i]) - max) / temperature);
            if (draw < cumulative) {
                return token(packed[i]);
            }
        }
        return token(packed[kept - 1]);
    }

    /**
     * Packs so that ascending order of the long is descending order of the logit, then ascending token id. Flipping
     * the low 31 bits of a negative float's bits makes signed int order equal float order; inverting that key makes it
     * descending.
     */
    private static long pack(float logit, int token) {
        int bits = Float.floatToRawIntBits(logit);
        int ordered = bits ^ ((bits >> 31) & Integer.MAX_VALUE);
        return (long) ~ordered << 32 | token;
    }

    private static float logit(long packed) {
        int ordered = ~(int) (packed >> 32);
        return Float.intBitsToFloat(ordered ^ ((ordered >> 31) & Integer.MAX_VALUE));
    }

    private static int token(long packed) {
        return (int) packed;
    }

    /** The k-th largest value, by a partial selection (quickselect) over a scratch copy. */
    private float kthLargest(float[] logits, int k) {
        if (selection.length < logits.length) {
            selection = new float[logits.length];
        }
        float[] values = selection;
        System.arraycopy(logits, 0, values, 0, logits.length);
        int left = 0;
        int right = logits.length - 1;
        int target = k - 1; // index in descending order
        while (true) {
            if (left == right) {
                return values[left];
            }
            // the pivot is chosen without the random source, so top-k never shifts the seeded draws
            float pivot = values[(left + right) >>> 1];
            int i = left;
            int j = right;
            while (i <= j) {
                while (values[i] > pivot) {
                    i++;
                }
                while (values[j] < pivot) {
                    j--;
                }
                if (i <= j) {
                    float swap = values[i];
                    values[i] = values[j];
                    values[j] = swap;
                    i++;
                    j--;
                }
            }
            if (target <= j) {
                right = j;
            } else if (target >= i) {
                left = i;
            } else {
                return values[target];
            }
        }
    }

    private void applyRepetitionPenalty(float[] logits, int[] recent, int start, int end) {
        double penalty = options.repetitionPenalty();
        if (penalty == 1 || options.repetitionWindow() == 0) {
            return;
        }
        int from = Math.max(start, end - options.repetitionWindow());
        // each distinct token is penalised once, however often it occurs (as llama.cpp does)
        penalised.clear();
        for (int i = from; i < end; i++) {
            int token = recent[i];
            if (token < 0 || token >= logits.length || penalised.get(token)) {
                continue;
            }
            penalised.set(token);
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
