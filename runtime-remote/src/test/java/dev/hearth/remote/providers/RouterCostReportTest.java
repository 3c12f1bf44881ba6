package dev.hearth.remote.providers;

import dev.hearth.api.CostReport;
import dev.hearth.api.InferenceClient;
import dev.hearth.api.Price;
import dev.hearth.api.Routing;
import dev.hearth.api.spi.Locality;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The same workload on the real local model and on a (fake) cloud provider: latency and cost side by side. */
class RouterCostReportTest {
    private static final List<String> WORKLOAD = List.of("Once upon a time", "The little fox found a lantern",
            "Lily and Ben went to the park to play");

    private final FakeServer server = new FakeServer().fallback(new FakeModel());

    @AfterEach
    void close() {
        server.close();
    }

    @Test
    void reportComparesLocalAndCloudOnTheSameWorkload() {
        try (InferenceClient client = InferenceClient.builder()
                .runtime(OpenAi.chatCompletions().apiKey("sk-test-cost").model("gpt-4.1-mini").name("cloud")
                        .baseUrl(server.baseUri("/v1")).maxRetries(0))
                .runtime(LocalModel.stories(256))
                .routing(Routing.localFirst()
                        .price("cloud", Price.perMillionTokens(0.40, 0.10, 1.60))
                        .price(LocalModel.RUNTIME, Price.perHour(0.05)))
                .build()) {
            String localModel = client.runtimes().get(1).defaultModel();
            for (String prompt : WORKLOAD) {
                client.chat().user(prompt).model(localModel).maxTokens(8).temperature(0).call();
                client.chat().user(prompt).model("gpt-4.1-mini").maxTokens(8).call();
            }
            CostReport report = client.costReport();

            CostReport.Row cloud = report.row("cloud");
            CostReport.Row local = report.row(LocalModel.RUNTIME);
            assertThat(cloud.locality()).isEqualTo(Locality.THIRD_PARTY);
            assertThat(local.locality()).isEqualTo(Locality.IN_PROCESS);
            assertThat(cloud.requests()).isEqualTo(3);
            assertThat(local.requests()).isEqualTo(3);
            // the fake provider counts one prompt token per word and answers 8 tokens
            assertThat(cloud.promptTokens()).isEqualTo(4 + 6 + 9);
            assertThat(cloud.completionTokens()).isEqualTo(24);
            assertThat(cloud.cost()).isCloseTo((19 * 0.40 + 24 * 1.60) / 1e6, within(1e-12));
            assertThat(local.completionTokens()).isPositive();
            assertThat(local.cost()).isCloseTo(local.busy().toNanos() / 1e9 * 0.05 / 3600, within(1e-15));
            assertThat(local.meanTimeToFirstToken()).isPositive();
            assertThat(local.decodeTokensPerSecond()).isPositive();
            assertThat(cloud.meanLatency()).isPositive();
            // the whole workload priced on the cloud: both runtimes' tokens at its token prices
            long prompt = cloud.promptTokens() + local.promptTokens();
            long completion = cloud.completionTokens() + local.completionTokens();
            assertThat(cloud.workloadCost()).isCloseTo((prompt * 0.40 + completion * 1.60) / 1e6, within(1e-12));
            assertThat(local.workloadCost()).isGreaterThan(local.cost());

            String table = report.toMarkdown();
            assertThat(table.lines()).hasSize(4);
            assertThat(table).contains("| cloud | THIRD_PARTY | 3 | 0 | 19 | 0 | 24 |").contains("| local-gguf | IN_PROCESS | 3 | 0 |");
            LoggerFactory.getLogger(RouterCostReportTest.class).warn("Cost report of the same workload:\n{}", table);
        }
    }
}
