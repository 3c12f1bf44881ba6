package dev.hearth.remote.providers;

import dev.hearth.api.Fallback;
import dev.hearth.api.InferenceClient;
import dev.hearth.api.PolicyViolationException;
import dev.hearth.api.Routing;
import dev.hearth.api.Sensitivity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The audit log (logger {@code dev.hearth.audit}, here through slf4j-simple on standard error): one line per routing
 * decision, naming the runtimes and rules, never the prompt.
 */
class RouterAuditLogTest {
    private static final String SECRET = "the launch code is 7781";

    private final FakeServer server = new FakeServer();

    @AfterEach
    void close() {
        server.close();
    }

    @Test
    void everyDecisionIsOneAuditLineWithoutPromptText() {
        server.enqueue(FakeServer.json(429, FakeServer.recorded("openai-error-429.json")));
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try (InferenceClient client = InferenceClient.builder()
                .runtime(OpenAi.chatCompletions().apiKey("sk-test-audit").model("gpt-4.1-mini").name("cloud")
                        .baseUrl(server.baseUri("/v1")).maxRetries(0))
                .runtime(LocalModel.stories(256))
                .routing(Routing.cloudFirst().fallbackOn(Fallback.UNAVAILABLE))
                .build()) {
            client.chat().user(SECRET).maxTokens(2).call();                                   // cloud 429, then local
            client.chat().system(SECRET).user(SECRET, Sensitivity.PRIVATE).maxTokens(2).call(); // local only
            try (InferenceClient pinned = InferenceClient.builder()
                    .runtime(OpenAi.chatCompletions().apiKey("sk-test-audit").model("gpt-4.1-mini").name("cloud")
                            .baseUrl(server.baseUri("/v1")))
                    .routing(Routing.pinned("cloud")).build()) {
                assertThatThrownBy(() -> pinned.chat().user(SECRET, Sensitivity.PRIVATE).call())
                        .isInstanceOf(PolicyViolationException.class);
            }
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        List<String> audit = log.lines().filter(line -> line.contains("dev.hearth.audit")).toList();

        assertThat(log).doesNotContain("7781");
        assertThat(audit).hasSize(3);
        assertThat(audit.get(0)).contains("sensitivity=PUBLIC", "policy=cloud-first", "decision=served", "runtime=local-gguf",
                "attempts=[cloud:failed:unavailable]");
        assertThat(audit.get(1)).contains("sensitivity=PRIVATE", "decision=served", "runtime=local-gguf",
                "attempts=[cloud:skipped:policy]");
        assertThat(audit.get(2)).contains("sensitivity=PRIVATE", "policy=pinned:cloud", "decision=refused",
                "rule=privacy.PRIVATE", "refused=[cloud]");
    }
}
