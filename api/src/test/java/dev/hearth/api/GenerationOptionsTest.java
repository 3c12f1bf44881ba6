package dev.hearth.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GenerationOptionsTest {

    private static void assertRejected(UnaryOperator<GenerationOptions.Builder> change, String option, String value) {
        assertThatThrownBy(() -> change.apply(GenerationOptions.builder()).build())
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining(option)
                .hasMessageContaining(value);
    }

    @Test
    void defaultsFollowLlamaCpp() {
        GenerationOptions defaults = GenerationOptions.defaults();

        assertThat(defaults.temperature()).isEqualTo(0.8);
        assertThat(defaults.topK()).isEqualTo(40);
        assertThat(defaults.topP()).isEqualTo(0.95);
        assertThat(defaults.minP()).isEqualTo(0.05);
        assertThat(defaults.maxTokens()).isEqualTo(GenerationOptions.UNLIMITED);
        assertThat(defaults.seed()).isEmpty();
        assertThat(defaults.isGreedy()).isFalse();
        assertThat(GenerationOptions.greedy().isGreedy()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(doubles = {-0.1, Double.NaN, Double.POSITIVE_INFINITY})
    void rejectsTemperatureThatIsNegativeOrNotFinite(double temperature) {
        assertRejected(b -> b.temperature(temperature), "temperature", String.valueOf(temperature));
    }

    @ParameterizedTest
    @ValueSource(doubles = {0, 1.5, -0.5, Double.NaN})
    void rejectsTopPOutsideZeroExclusiveToOne(double topP) {
        assertRejected(b -> b.topP(topP), "topP", String.valueOf(topP));
    }

    @Test
    void acceptsTopPOfOne() {
        assertThat(GenerationOptions.builder().topP(1).build().topP()).isEqualTo(1);
    }

    @Test
    void rejectsNegativeTopK() {
        assertRejected(b -> b.topK(-1), "topK", "-1");
    }

    @ParameterizedTest
    @ValueSource(doubles = {-0.01, 1, Double.NaN})
    void rejectsMinPOutsideZeroToOneExclusive(double minP) {
        assertRejected(b -> b.minP(minP), "minP", String.valueOf(minP));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -5})
    void rejectsMaxTokensBelowOne(int maxTokens) {
        assertRejected(b -> b.maxTokens(maxTokens), "maxTokens", String.valueOf(maxTokens));
    }

    @Test
    void rejectsRepetitionSettingsOutOfRange() {
        assertRejected(b -> b.repetitionPenalty(0), "repetitionPenalty", "0.0");
        assertRejected(b -> b.repetitionWindow(-1), "repetitionWindow", "-1");
    }

    @Test
    void rejectsTooManyStopSequences() {
        List<String> seventeen = Collections.nCopies(GenerationOptions.MAX_STOP_SEQUENCES + 1, "x");

        assertRejected(b -> b.stopSequences(seventeen), "stopSequences", "17");
        assertThat(GenerationOptions.builder().stopSequences(seventeen.subList(0, 16)).build().stopSequences()).hasSize(16);
    }

    @Test
    void rejectsEmptyOrMissingStopSequence() {
        assertRejected(b -> b.stopSequences("ok", ""), "stopSequences", "\"\"");
        assertRejected(b -> b.stopSequences("ok", null), "stopSequences", "null");
    }

    @Test
    void stopSequencesAreCopied() {
        String[] stops = {"a", "b"};
        GenerationOptions options = GenerationOptions.builder().stopSequences(stops).build();
        stops[0] = "changed";

        assertThat(options.stopSequences()).containsExactly("a", "b");
    }

    @Test
    void toBuilderKeepsEverySetting() {
        GenerationOptions options = GenerationOptions.builder().maxTokens(3).temperature(0.1).topK(2).topP(0.3).minP(0.2)
                .repetitionPenalty(1.1).repetitionWindow(5).seed(9).stopSequences("z").build();

        assertThat(options.toBuilder().build()).isEqualTo(options);
        assertThat(options.seed()).isEqualTo(OptionalLong.of(9));
        assertThat(options.toBuilder().randomSeed().build().seed()).isEmpty();
    }
}
