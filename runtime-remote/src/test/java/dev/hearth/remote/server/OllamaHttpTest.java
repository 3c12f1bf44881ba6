package dev.hearth.remote.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Ollama's endpoints over plain HTTP, as Ollama clients call them, against the real stories260K model. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OllamaHttpTest {
    private static final String GREEDY = "\"options\":{\"temperature\":0,\"num_predict\":12}";
    private StoriesNode node;

    @BeforeAll
    void start() {
        node = StoriesNode.start();
    }

    @AfterAll
    void stop() {
        node.close();
    }

    @Test
    void chatStreamsNdjsonByDefaultAndMatchesTheBlockingAnswer() {
        String request = "{\"model\":\"stories260K\",\"messages\":[{\"role\":\"user\",\"content\":\"Once upon a time\"}]," + GREEDY;
        HttpResponse<String> streamed = Http.post(node.baseUrl() + "/api/chat", request + "}");
        HttpResponse<String> blocking = Http.post(node.baseUrl() + "/api/chat", request + ",\"stream\":false}");

        assertThat(streamed.statusCode()).isEqualTo(200);
        assertThat(streamed.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/x-ndjson"));
        List<JsonNode> lines = Http.lines(streamed);
        assertThat(lines.size()).isGreaterThan(3);
        assertThat(lines.subList(0, lines.size() - 1)).allSatisfy(line -> {
            assertThat(line.path("done").asBoolean()).isFalse();
            assertThat(line.path("message").path("role").asText()).isEqualTo("assistant");
            assertThat(line.path("model").asText()).isEqualTo("stories260K");
        });
        JsonNode last = lines.getLast();
        assertThat(last.path("done").asBoolean()).isTrue();
        assertThat(last.path("done_reason").asText()).isEqualTo("length");
        assertThat(last.path("eval_count").asInt()).isEqualTo(12);
        assertThat(last.path("prompt_eval_count").asInt()).isPositive();
        assertThat(last.path("total_duration").asLong()).isPositive();
        String text = lines.stream().map(line -> line.path("message").path("content").asText()).collect(Collectors.joining());

        assertThat(blocking.statusCode()).isEqualTo(200);
        JsonNode answer = Http.json(blocking);
        assertThat(answer.path("done").asBoolean()).isTrue();
        assertThat(answer.path("message").path("content").asText()).isEqualTo(text).isNotBlank();
        assertThat(answer.path("eval_count").asInt()).isEqualTo(12);
    }

    @Test
    void generateStreamsAndBlocksAlikeAndHonoursStop() {
        String request = "{\"model\":\"stories260K:latest\",\"prompt\":\"Once upon a time\"," + GREEDY;
        List<JsonNode> lines = Http.lines(Http.post(node.baseUrl() + "/api/generate", request + "}"));
        String streamed = lines.stream().map(line -> line.path("response").asText()).collect(Collectors.joining());
        JsonNode blocking = Http.json(Http.post(node.baseUrl() + "/api/generate", request + ",\"stream\":false}"));

        assertThat(blocking.path("response").asText()).isEqualTo(streamed).isNotBlank();
        assertThat(lines.getLast().path("done").asBoolean()).isTrue();

        String stop = streamed.substring(streamed.length() / 2, streamed.length() / 2 + 2);
        JsonNode stopped = Http.json(Http.post(node.baseUrl() + "/api/generate", "{\"model\":\"stories260K\","
                + "\"prompt\":\"Once upon a time\",\"stream\":false,\"options\":{\"temperature\":0,\"num_predict\":12,"
                + "\"stop\":[\"" + stop + "\"]}}"));
        assertThat(streamed).startsWith(stopped.path("response").asText());
        assertThat(stopped.path("response").asText()).doesNotContain(stop);
        assertThat(stopped.path("done_reason").asText()).isEqualTo("stop");
    }

    @Test
    void generateWithoutAPromptReportsTheModelLoaded() {
        JsonNode loaded = Http.json(Http.post(node.baseUrl() + "/api/generate", "{\"model\":\"stories260K\"}"));
        assertThat(loaded.path("done").asBoolean()).isTrue();
        assertThat(loaded.path("done_reason").asText()).isEqualTo("load");
    }

    @Test
    void tagsListTheServedModel() {
        JsonNode tags = Http.json(Http.get(node.baseUrl() + "/api/tags"));
        assertThat(tags.path("models")).hasSize(1);
        assertThat(tags.path("models").get(0).path("name").asText()).isEqualTo("stories260K");
        assertThat(tags.path("models").get(0).path("details").path("format").asText()).isEqualTo("gguf");
    }

    @Test
    void unknownModelIsAnOllamaStyle404() {
        HttpResponse<String> response = Http.post(node.baseUrl() + "/api/chat",
                "{\"model\":\"llama3\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(Http.json(response).path("error").asText()).contains("llama3");
    }
}
