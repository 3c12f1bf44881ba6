package dev.hearth.api;

import dev.hearth.api.spi.Locality;
import dev.hearth.api.testing.ScriptedRuntime;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class CostReportTest {

    @Test
    void reportCountsTokensAndPricesEachRuntimeAndTheWholeWorkloadOnEach() {
        ScriptedRuntime local = ScriptedRuntime.builder().name("local").tokens("a", "b", "c").build();
        ScriptedRuntime cloud = ScriptedRuntime.builder().name("cloud").locality(Locality.THIRD_PARTY).tokens("x", "y").build();
        try (InferenceClient client = InferenceClient.builder().runtime(local).runtime(cloud)
                .routing(Routing.inOrder()
                        .price("cloud", Price.perMillionTokens(2.0, 0.5, 10.0))
                        .price("local", Price.perHour(3600.0))) // one unit per second: cost equals busy seconds
                .build()) {
            // the same workload on each: "one two three" is 4 prompt tokens (3 words + 1 per message)
            for (int i = 0; i < 2; i++) {
                client.chat().user("one two three").call();
                client.chat().user("one two three").model("scripted-model").call();
            }
            try (InferenceClient cloudOnly = InferenceClient.builder().runtime(ScriptedRuntime.builder().build()).build()) {
                assertThat(cloudOnly.costReport().rows()).singleElement().satisfies(row -> assertThat(row.cost()).isZero());
            }
            CostReport report = client.costReport();

            CostReport.Row localRow = report.row("local");
            CostReport.Row cloudRow = report.row("cloud");
            assertThat(localRow.requests()).isEqualTo(4); // both runtimes serve "scripted-model": local is first
            assertThat(cloudRow.requests()).isZero();
            assertThat(localRow.promptTokens()).isEqualTo(16);
            assertThat(localRow.completionTokens()).isEqualTo(12);
            assertThat(localRow.cost()).isCloseTo(localRow.busy().toNanos() / 1e9, within(1e-9));
            assertThat(localRow.decodeTokensPerSecond()).isPositive();
            assertThat(cloudRow.workloadCost()).isZero(); // it served nothing, so it has no measured speed to scale
        }
    }

    @Test
    void cloudCostIsTokensTimesPricesAndTheMarkdownTableHasARowPerRuntime() {
        ScriptedRuntime local = ScriptedRuntime.builder().name("local").tokens("a", "b", "c").build();
        ScriptedRuntime cloud = ScriptedRuntime.builder().name("cloud").locality(Locality.THIRD_PARTY).models("big").tokens("x", "y", "z").build();
        try (InferenceClient client = InferenceClient.builder().runtime(local).runtime(cloud)
                .routing(Routing.localFirst().price("cloud", Price.perMillionTokens(2.0, 0.5, 10.0)).price("local", Price.perHour(1.0)))
                .build()) {
            for (int i = 0; i < 3; i++) {
                client.chat().user("one two three").call();
                client.chat().user("one two three").model("big").call();
            }
            CostReport report = client.costReport();

            CostReport.Row cloudRow = report.row("cloud");
            assertThat(cloudRow.locality()).isEqualTo(Locality.THIRD_PARTY);
            assertThat(cloudRow.requests()).isEqualTo(3);
            assertThat(cloudRow.promptTokens()).isEqualTo(12);
            assertThat(cloudRow.completionTokens()).isEqualTo(9);
            assertThat(cloudRow.cost()).isCloseTo((12 * 2.0 + 9 * 10.0) / 1e6, within(1e-12));
            assertThat(cloudRow.costPerRequest()).isCloseTo((4 * 2.0 + 3 * 10.0) / 1e6, within(1e-12));
            // the whole workload (both runtimes' 24 prompt and 18 completion tokens) at the cloud's prices
            assertThat(cloudRow.workloadCost()).isCloseTo((24 * 2.0 + 18 * 10.0) / 1e6, within(1e-12));
            CostReport.Row localRow = report.row("local");
            assertThat(localRow.workloadCost()).isCloseTo(localRow.cost() * 2, within(1e-12));

            String table = report.toMarkdown();
            assertThat(table.lines()).hasSize(4);
            assertThat(table).startsWith("| runtime | locality | requests |").contains("| cloud | THIRD_PARTY | 3 | 0 | 12 | 0 | 9 |")
                    .contains("| local | IN_PROCESS | 3 |");
            assertThatThrownBy(() -> report.row("nowhere")).isInstanceOf(InvalidRequestException.class);
        }
    }

    @Test
    void pricesMustNameConfiguredRuntimesAndBeValidAmounts() {
        assertThatThrownBy(() -> InferenceClient.builder().runtime(ScriptedRuntime.builder().build())
                .routing(Routing.inOrder().price("typo", Price.FREE)).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("'typo'");
        assertThatThrownBy(() -> Price.perMillionTokens(-1, 2)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("inputPerMillion");
    }
}
