package dev.hearth.remote.server;

import dev.hearth.api.GenerationOptions;
import dev.hearth.api.InferenceClient;
import dev.hearth.api.Message;
import dev.hearth.api.Role;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.http.HttpResponse;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Each API's sampling fields and message shapes arrive in the api's {@link GenerationOptions} and messages. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RequestMappingTest {
    private ToolCallingRuntime runtime;
    private InferenceClient client;
    private NodeServer server;

    @BeforeAll
    void start() {
        runtime = new ToolCallingRuntime();
        client = InferenceClient.builder().runtime(runtime).build();
        server = NodeServer.builder().client(client).bind("127.0.0.1", 0).build().start();
    }

    @AfterAll
    void stop() {
        server.close();
        client.close();
    }

    private GenerationOptions post(String path, String body) {
        HttpResponse<String> response = Http.post(server.baseUri() + path, body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return runtime.lastRequest().options();
    }

    @Test
    void openAiSamplingFieldsAndLlamaCppExtensions() {
        GenerationOptions options = post("/v1/chat/completions", "{\"model\":\"tool-model\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"hi\"}],\"max_tokens\":99,\"max_completion_tokens\":7,\"temperature\":0.3,\"top_p\":0.9,"
                + "\"top_k\":12,\"min_p\":0.1,\"repeat_penalty\":1.2,\"seed\":42,\"stop\":[\"END\",\"\\n\\n\"]}");

        assertThat(options.maxTokens()).as("max_completion_tokens wins over the older max_tokens").isEqualTo(7);
        assertThat(options.temperature()).isEqualTo(0.3);
        assertThat(options.topP()).isEqualTo(0.9);
        assertThat(options.topK()).isEqualTo(12);
        assertThat(options.minP()).isEqualTo(0.1);
        assertThat(options.repetitionPenalty()).isEqualTo(1.2);
        assertThat(options.seed()).hasValue(42);
        assertThat(options.stopSequences()).containsExactly("END", "\n\n");

        assertThat(post("/v1/completions", "{\"model\":\"tool-model\",\"prompt\":\"hi\",\"max_tokens\":5,\"stop\":\"x\"}"))
                .satisfies(completion -> {
                    assertThat(completion.maxTokens()).isEqualTo(5);
                    assertThat(completion.stopSequences()).containsExactly("x");
                });
        assertThat(post("/v1/responses", "{\"model\":\"tool-model\",\"input\":\"hi\",\"max_output_tokens\":6,\"temperature\":0}"))
                .satisfies(response -> {
                    assertThat(response.maxTokens()).isEqualTo(6);
                    assertThat(response.isGreedy()).isTrue();
                });
    }

    @Test
    void unsetFieldsKeepTheServersDefaults() {
        GenerationOptions options = post("/v1/chat/completions",
                "{\"model\":\"tool-model\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(options).isEqualTo(GenerationOptions.defaults());
    }

    @Test
    void anthropicSamplingFieldsAndSystemBlocks() {
        GenerationOptions options = post("/v1/messages", "{\"model\":\"tool-model\",\"max_tokens\":11,\"top_k\":5,\"top_p\":0.5,"
                + "\"temperature\":0.2,\"stop_sequences\":[\"Human:\"],\"system\":[{\"type\":\"text\",\"text\":\"Be \"},"
                + "{\"type\":\"text\",\"text\":\"brief.\",\"cache_control\":{\"type\":\"ephemeral\"}}],"
                + "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]},"
                + "{\"role\":\"assistant\",\"content\":\"hello\"},{\"role\":\"user\",\"content\":\"again\"}]}");

        assertThat(options.maxTokens()).isEqualTo(11);
        assertThat(options.topK()).isEqualTo(5);
        assertThat(options.topP()).isEqualTo(0.5);
        assertThat(options.temperature()).isEqualTo(0.2);
        assertThat(options.stopSequences()).containsExactly("Human:");
        List<Message> messages = runtime.lastRequest().messages();
        assertThat(messages).extracting(Message::role).containsExactly(Role.SYSTEM, Role.USER, Role.ASSISTANT, Role.USER);
        assertThat(messages).extracting(Message::content).containsExactly("Be brief.", "hi", "hello", "again");
    }

    @Test
    void ollamaOptionsObject() {
        GenerationOptions options = post("/api/chat", "{\"model\":\"tool-model:latest\",\"stream\":false,"
                + "\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"options\":{\"num_predict\":13,\"temperature\":0.4,\"top_k\":7,\"top_p\":0.8,\"min_p\":0.02,\"seed\":9,"
                + "\"repeat_penalty\":1.1,\"repeat_last_n\":32,\"stop\":[\"<|end|>\"],\"num_ctx\":4096}}");

        assertThat(options.maxTokens()).isEqualTo(13);
        assertThat(options.temperature()).isEqualTo(0.4);
        assertThat(options.topK()).isEqualTo(7);
        assertThat(options.topP()).isEqualTo(0.8);
        assertThat(options.minP()).isEqualTo(0.02);
        assertThat(options.seed()).hasValue(9);
        assertThat(options.repetitionPenalty()).isEqualTo(1.1);
        assertThat(options.repetitionWindow()).isEqualTo(32);
        assertThat(options.stopSequences()).containsExactly("<|end|>");
        assertThat(runtime.lastRequest().model()).as(":latest names the served model").hasValue(ToolCallingRuntime.MODEL);

        assertThat(post("/api/generate", "{\"model\":\"tool-model\",\"prompt\":\"hi\",\"stream\":false,"
                + "\"options\":{\"num_predict\":-1}}").maxTokens()).isEqualTo(GenerationOptions.UNLIMITED);
    }
}
