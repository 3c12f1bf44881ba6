package dev.hearth.local.internal.sampling;

import dev.hearth.api.GenerationOptions;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class SamplerTest {

    /** The chain as llama.cpp documents it, one filter after another over a fully sorted list. */
    private static int reference(float[] logits, GenerationOptions o, SplittableRandom random) {
        Integer[] order = IntStream.range(0, logits.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> -logits[i]).thenComparingInt(i -> i));
        int kept = o.topK() > 0 ? Math.min(o.topK(), logits.length) : logits.length;
        double max = logits[order[0]];
        if (o.topP() < 1) {
            // the mass is summed in token-id order, as the sampler does, so the cut-off agrees to the last bit
            boolean[] inTopK = new boolean[logits.length];
            for (int i = 0; i < kept; i++) {
                inTopK[order[i]] = true;
            }
            double total = 0;
            for (int token = 0; token < logits.length; token++) {
                total += inTopK[token] ? Math.exp(logits[token] - max) : 0;
            }
            double cumulative = 0;
            for (int i = 0; i < kept; i++) {
                cumulative += Math.exp(logits[order[i]] - max);
                if (cumulative >= o.topP() * total) {
                    kept = i + 1;
                    break;
                }
            }
        }
        if (o.minP() > 0) {
            double floor = max + Math.log(o.minP());
            for (int i = 1; i < kept; i++) {
                if (logits[order[i]] < floor) {
                    kept = i;
                    break;
                }
            }
        }
        double sum = 0;
        for (int i = 0; i < kept; i++) {
            sum += Math.exp((logits[order[i]] - max) / o.temperature());
        }
        double draw = random.nextDouble() * sum;
        double cumulative = 0;
        for (int i = 0; i < kept; i++) {
            cumulative += Math.exp((logits[order[i]] - max) / o.temperature());
            if (draw < cumulative) {
                return order[i];
            }
        }
        return order[kept - 1];
    }

    @Test
    void matchesTheSequentialFilterChainOnRandomLogits() {
        SplittableRandom data = new SplittableRandom(5);
        int[] none = new int[0];
        for (int trial = 0; trial < 300; trial++) {
            float[] logits = new float[1 + data.nextInt(700)];
            for (int i = 0; i < logits.length; i++) {
                // coarse values produce ties, which both implementations must break by token id
                logits[i] = (float) Math.round(data.nextGaussian() * 40) / 8f;
            }
            GenerationOptions options = GenerationOptions.builder()
                    .temperature(0.1 + data.nextDouble() * 1.5)
                    .topK(data.nextInt(4) == 0 ? 0 : 1 + data.nextInt(60))
                    .topP(data.nextInt(3) == 0 ? 1 : 0.05 + data.nextDouble() * 0.95)
                    .minP(data.nextInt(3) == 0 ? 0 : data.nextDouble() * 0.5)
                    .build();
            long seed = data.nextLong();
            Sampler sampler = new Sampler(options, seed);
            SplittableRandom referenceRandom = new SplittableRandom(seed);
            for (int draw = 0; draw < 5; draw++) {
                int expected = reference(logits, options, referenceRandom);
                assertThat(sampler.sample(logits.clone(), none, 0, 0)).as("trial %d draw %d", trial, draw).isEqualTo(expected);
            }
        }
    }

    @Test
    void greedyTakesTheArgmaxAndBreaksTiesByLowestId() {
        Sampler greedy = new Sampler(GenerationOptions.greedy(), 1);
        assertThat(greedy.sample(new float[] {1, 3, 3, 2}, new int[0], 0, 0)).isEqualTo(1);
    }

    @Test
    void frequenciesFollowTheSoftmaxAtTemperatureOne() {
        float[] logits = {0, (float) Math.log(2), (float) Math.log(4)}; // probabilities 1/7, 2/7, 4/7
        Sampler sampler = new Sampler(GenerationOptions.builder().temperature(1).topK(0).topP(1).minP(0).build(), 99);
        int[] counts = new int[3];
        for (int i = 0; i < 70_000; i++) {
            counts[sampler.sample(logits.clone(), new int[0], 0, 0)]++;
        }
        assertThat(counts[0]).isBetween(9_000, 11_000);
        assertThat(counts[1]).isBetween(19_000, 21_000);
        assertThat(counts[2]).isBetween(39_000, 41_000);
    }

    @Test
    void repetitionPenaltyDemotesRecentTokensOnce() {
        GenerationOptions options = GenerationOptions.builder().temperature(0).repetitionPenalty(2).repetitionWindow(3).build();
        float[] logits = {4, 3, -1};
        new Sampler(options, 0).sample(logits, new int[] {0, 0, 2, 0}, 0, 4);
        assertThat(logits).containsExactly(2f, 3f, -2f);
        // outside the window: token 1 at index 0 is not penalised when the window is the last three
        float[] again = {4, 3, -1};
        new Sampler(options, 0).sample(again, new int[] {1, 0, 2, 2}, 0, 4);
        assertThat(again).containsExactly(2f, 3f, -2f);
    }

    @Test
    void sameSeedSameDraws() {
        GenerationOptions options = GenerationOptions.builder().temperature(1).build();
        float[] logits = new float[100];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (i * 37 % 11) / 3f;
        }
        int[] first = IntStream.range(0, 50).map(i -> 0).toArray();
        Sampler a = new Sampler(options, 42);
        Sampler b = new Sampler(options, 42);
        for (int i = 0; i < first.length; i++) {
            assertThat(a.sample(logits.clone(), new int[0], 0, 0)).isEqualTo(b.sample(logits.clone(), new int[0], 0, 0));
        }
    }

    /** Allows only even token ids, and records what it was told. */
    private static final class EvenTokens implements TokenConstraint {
        final java.util.List<Integer> accepted = new java.util.ArrayList<>();

        @Override
        public void mask(float[] logits) {
            for (int token = 1; token < logits.length; token += 2) {
                logits[token] = Float.NEGATIVE_INFINITY;
            }
        }

        @Override
        public void accept(int token) {
            accepted.add(token);
        }
    }

    @Test
    void constrainedSamplingNeverPicksAMaskedTokenWhateverTheFilters() {
        GenerationOptions[] settings = {
                GenerationOptions.greedy(),
                GenerationOptions.builder().temperature(1).topK(0).topP(1).minP(0).seed(1).build(),
                GenerationOptions.builder().temperature(5).topK(0).topP(1).minP(0).seed(2).build(),
                GenerationOptions.builder().temperature(1).topK(3).seed(3).build(),
                GenerationOptions.defaults().toBuilder().seed(4).build()};
        SplittableRandom random = new SplittableRandom(9);
        for (GenerationOptions options : settings) {
            EvenTokens constraint = new EvenTokens();
            Sampler sampler = new Sampler(options, options.seed().orElse(0), constraint);
            for (int step = 0; step < 300; step++) {
                float[] logits = new float[50];
                for (int token = 0; token < logits.length; token++) {
                    // odd tokens are the most likely, so an unconstrained sampler would pick them
                    logits[token] = (float) random.nextDouble() + (token % 2 == 1 ? 8 : 0);
                }
                int token = sampler.sample(logits, new int[0], 0, 0);
                assertThat(token % 2).as("%s step %d", options, step).isZero();
                assertThat(constraint.accepted.getLast()).isEqualTo(token);
            }
        }
    }

    @Test
    void logitBiasIsAddedAndMinusHundredBans() {
        float[] logits = {5f, 4f, 3f, 0f};
        // +3 lifts token 2 above token 0 under greedy decoding
        GenerationOptions lift = GenerationOptions.builder().temperature(0).logitBias(java.util.Map.of(2, 3f)).build();
        assertThat(new Sampler(lift, 1).sample(logits.clone(), new int[0], 0, 0)).isEqualTo(2);
        // a banned token is never drawn, whatever the seed, even when it is the most likely by far
        GenerationOptions ban = GenerationOptions.builder().temperature(1).topK(0).topP(1).minP(0)
                .logitBias(java.util.Map.of(0, -100f)).build();
        for (long seed = 0; seed < 2000; seed++) {
            assertThat(new Sampler(ban, seed).sample(logits.clone(), new int[0], 0, 0)).isNotEqualTo(0);
        }
    }

    @Test
    void frequencyAndPresencePenaltiesCountTheAnswerSoFar() {
        // greedy with a presence penalty of 2 and frequency 1.5: token 0 (5) wins, then pays 3.5 -> 1.5, so token 1 (4)
        // wins, pays 3.5 -> 0.5; token 2 (3) wins next; then token 0 (1.5) again, paying 1.5 more -> 0
        GenerationOptions options = GenerationOptions.builder().temperature(0).presencePenalty(2)
                .frequencyPenalty(1.5).build();
        Sampler sampler = new Sampler(options, 1);
        int[] chosen = new int[4];
        for (int i = 0; i < chosen.length; i++) {
            chosen[i] = sampler.sample(new float[] {5f, 4f, 3f, -1f}, new int[0], 0, 0);
        }
        assertThat(chosen).containsExactly(0, 1, 2, 0);
        int next = sampler.sample(new float[] {5f, 4f, 3f, -1f}, new int[0], 0, 0);
        assertThat(next).isEqualTo(1); // 0 is now at 5 - 2*1.5 - 2 = 0, 1 at 0.5, 2 at -0.5
    }

    @Test
    void logprobsAreTheLogSoftmaxOfTheAdjustedLogits() {
        float[] logits = {2f, 1f, 0f, 1f};
        GenerationOptions options = GenerationOptions.builder().temperature(0).logprobs(3).build();
        Sampler sampler = new Sampler(options, 1);
        int token = sampler.sample(logits.clone(), new int[0], 0, 0);
        double logSum = Math.log(Math.exp(2) + 2 * Math.exp(1) + 1);
        Sampler.Logprobs logprobs = sampler.lastLogprobs();
        assertThat(token).isZero();
        assertThat(logprobs.logprob()).isCloseTo(2 - logSum, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(logprobs.topTokens()).containsExactly(0, 1, 3); // ties by token id
        assertThat(logprobs.topLogprobs()[1]).isCloseTo(1 - logSum, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(new Sampler(GenerationOptions.greedy(), 1).lastLogprobs()).isNull();
    }

    @Test
    void neutralOpenAiAdjustmentsChangeNoDraw() {
        // a zero bias and zero penalties leave every draw as it was (unconstrained output stays bit-identical)
        GenerationOptions plain = GenerationOptions.builder().temperature(0.9).seed(3).build();
        GenerationOptions neutral = plain.toBuilder().logitBias(java.util.Map.of(1, 0f)).logprobs(2).build();
        SplittableRandom logitsSource = new SplittableRandom(11);
        Sampler a = new Sampler(plain, 42);
        Sampler b = new Sampler(neutral, 42);
        for (int step = 0; step < 500; step++) {
            float[] logits = new float[64];
            for (int i = 0; i < logits.length; i++) {
                logits[i] = (float) logitsSource.nextGaussian() * 3;
            }
            assertThat(b.sample(logits.clone(), new int[0], 0, 0)).isEqualTo(a.sample(logits.clone(), new int[0], 0, 0));
        }
    }
}
