package dev.hearth.remote.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.RateLimitException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.hearth.api.ConfigurationException;
import dev.hearth.api.RuntimeFailureException;
import dev.hearth.api.testing.ScriptedRuntime;
import dev.hearth.api.testing.TokenGate;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The server's own rules, each answered in the shape of the API the path belongs to: malformed JSON (400), unknown
 * model (404), oversized body (413), wrong method (405), missing or wrong token (401), full queue (429), errors after
 * a stream began, the loopback-only default, and the metrics.
 */
class ServerRulesTest {
    private static final String CHAT = "{\"model\":\"scripted-model\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String MESSAGES = "{\"model\":\"scripted-model\",\"max_tokens\":8,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private static ScriptedNode node() {
        return new ScriptedNode(ScriptedRuntime.builder().build(), builder -> builder);
    }

    private static void assertOpenAiError(HttpResponse<String> response, int status, String type) {
        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(value -> assertThat(value).startsWith("application/json"));
        JsonNode error = Http.json(response).path("error");
        assertThat(error.path("type").asText()).isEqualTo(type);
        assertThat(error.path("message").asText()).isNotBlank();
    }

    private static void assertAnthropicError(HttpResponse<String> response, int status, String type) {
        assertThat(response.statusCode()).isEqualTo(status);
        JsonNode body = Http.json(response);
        assertThat(body.path("type").asText()).isEqualTo("error");
        assertThat(body.path("error").path("type").asText()).isEqualTo(type);
        assertThat(body.path("error").path("message").asText()).isNotBlank();
    }

    private static void assertOllamaError(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(Http.json(response).path("error").asText()).isNotBlank();
    }

    @Test
    void malformedJsonIsA400InEachApisShape() {
        try (ScriptedNode node = node()) {
            assertOpenAiError(Http.post(node.url("/v1/chat/completions"), "{\"model\": "), 400, "invalid_request_error");
            assertAnthropicError(Http.post(node.url("/v1/messages"), "not json"), 400, "invalid_request_error");
            assertOllamaError(Http.post(node.url("/api/chat"), "[1,2]"), 400);
            assertOpenAiError(Http.post(node.url("/v1/responses"), ""), 400, "invalid_request_error");
        }
    }

    @Test
    void wrongFieldTypesNameTheField() {
        try (ScriptedNode node = node()) {
            HttpResponse<String> response = Http.post(node.url("/v1/chat/completions"),
                    "{\"model\":\"scripted-model\",\"max_tokens\":\"many\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertOpenAiError(response, 400, "invalid_request_error");
            assertThat(Http.json(response).path("error").path("param").asText()).isEqualTo("max_tokens");
            assertAnthropicError(Http.post(node.url("/v1/messages"),
                    "{\"model\":\"scripted-model\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), 400, "invalid_request_error");
        }
    }

    @Test
    void optionsTheServerCannotHonourAreRefusedNotIgnored() {
        try (ScriptedNode node = node()) {
            HttpResponse<String> penalty = Http.post(node.url("/v1/chat/completions"), CHAT.replace("}]}", "}],\"presence_penalty\":2.5}"));
            assertOpenAiError(penalty, 400, "invalid_request_error");
            assertThat(Http.json(penalty).path("error").path("message").asText()).contains("presence_penalty");
            assertThat(Http.json(penalty).path("error").path("param").asText()).isEqualTo("presence_penalty");
            HttpResponse<String> choice = Http.post(node.url("/v1/chat/completions"), CHAT.replace("}]}", "}],\"tool_choice\":\"sometimes\"}"));
            assertOpenAiError(choice, 400, "invalid_request_error");
            assertThat(Http.json(choice).path("error").path("message").asText()).contains("tool_choice");
            HttpResponse<String> bias = Http.post(node.url("/v1/chat/completions"), CHAT.replace("}]}", "}],\"logit_bias\":{\"x\":1}}"));
            assertOpenAiError(bias, 400, "invalid_request_error");
            assertThat(Http.json(bias).path("error").path("message").asText()).contains("logit_bias");
            HttpResponse<String> legacy = Http.post(node.url("/v1/completions"), "{\"model\":\"scripted-model\",\"prompt\":\"x\",\"logprobs\":true}");
            assertOpenAiError(legacy, 400, "invalid_request_error");
            assertThat(Http.json(legacy).path("error").path("message").asText()).contains("logprobs");
            assertOpenAiError(Http.post(node.url("/v1/chat/completions"), CHAT.replace("}]}", "}],\"n\":2}")), 400, "invalid_request_error");
            // formats are passed to the runtime (StructuredOutputTest); ones no runtime could honour are refused here
            assertOllamaError(Http.post(node.url("/api/chat"), CHAT.replace("}]}", "}],\"format\":\"yaml\"}")), 400);
            assertOpenAiError(Http.post(node.url("/v1/chat/completions"),
                    CHAT.replace("}]}", "}],\"response_format\":{\"type\":\"xml\"}}")), 400, "invalid_request_error");
            // the neutral values clients send by default are accepted
            assertThat(Http.post(node.url("/v1/chat/completions"), CHAT.replace("}]}", "}],\"presence_penalty\":0.5,\"frequency_penalty\":-0.5,\"n\":1,\"logprobs\":false,\"logit_bias\":{\"7\":-100}}"))
                    .statusCode()).isEqualTo(200);
        }
    }

    @Test
    void unknownModelIsA404InEachApisShape() {
        try (ScriptedNode node = node()) {
            HttpResponse<String> openAi = Http.post(node.url("/v1/chat/completions"), CHAT.replace("scripted-model", "gpt-5"));
            assertOpenAiError(openAi, 404, "invalid_request_error");
            assertThat(Http.json(openAi).path("error").path("code").asText()).isEqualTo("model_not_found");
            assertAnthropicError(Http.post(node.url("/v1/messages"), MESSAGES.replace("scripted-model", "claude")), 404, "not_found_error");
            assertOllamaError(Http.post(node.url("/api/generate"), "{\"model\":\"llama3\",\"prompt\":\"hi\"}"), 404);
            assertOpenAiError(Http.get(node.url("/v1/models/gpt-5")), 404, "invalid_request_error");
        }
    }

    @Test
    void oversizedBodyIsA413WhetherDeclaredOrChunked() {
        try (ScriptedNode node = new ScriptedNode(ScriptedRuntime.builder().build(), builder -> builder.maxBodyBytes(1024))) {
            String big = CHAT.replace("\"hi\"", "\"" + "word ".repeat(400) + "\"");
            assertOpenAiError(Http.post(node.url("/v1/chat/completions"), big), 413, "invalid_request_error");
            assertAnthropicError(Http.post(node.url("/v1/messages"), big), 413, "request_too_large");

            HttpRequest chunked = HttpRequest.newBuilder(URI.create(node.url("/api/chat")))
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big.getBytes())))
                    .header("Content-Type", "application/json").build();
            HttpResponse<String> chunkedResponse = Http.send(chunked);
            assertThat(chunkedResponse.statusCode()).as(chunkedResponse.body()).isEqualTo(413);
            assertOllamaError(chunkedResponse, 413);

            assertThat(Http.post(node.url("/v1/chat/completions"), CHAT).statusCode()).as("a body within the limit").isEqualTo(200);
        }
    }

    @Test
    void wrongMethodIsA405NamingTheAllowedOne() {
        try (ScriptedNode node = node()) {
            HttpResponse<String> get = Http.get(node.url("/v1/chat/completions"));
            assertOpenAiError(get, 405, "invalid_request_error");
            assertThat(get.headers().firstValue("Allow")).contains("POST");
            assertAnthropicError(Http.get(node.url("/v1/messages")), 405, "invalid_request_error");
            HttpResponse<String> post = Http.post(node.url("/api/tags"), "{}");
            assertOllamaError(post, 405);
            assertThat(post.headers().firstValue("Allow")).contains("GET");
        }
    }

    @Test
    void unknownPathIsA404() {
        try (ScriptedNode node = node()) {
            assertOpenAiError(Http.get(node.url("/v1/nothing")), 404, "invalid_request_error");
            assertOllamaError(Http.get(node.url("/api/nothing")), 404);
        }
    }

    @Test
    void withATokenEveryEndpointButHealthNeedsIt() {
        try (ScriptedNode node = new ScriptedNode(ScriptedRuntime.builder().build(), builder -> builder.bearerToken("t0ken"))) {
            HttpResponse<String> missing = Http.post(node.url("/v1/chat/completions"), CHAT);
            assertOpenAiError(missing, 401, "authentication_error");
            assertThat(missing.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(value -> assertThat(value).startsWith("Bearer"));
            assertOpenAiError(Http.post(node.url("/v1/chat/completions"), CHAT, "Authorization", "Bearer nope"), 401, "authentication_error");
            assertAnthropicError(Http.post(node.url("/v1/messages"), MESSAGES, "x-api-key", "nope"), 401, "authentication_error");
            assertOllamaError(Http.get(node.url("/api/tags")), 401);
            assertOpenAiError(Http.get(node.url("/metrics")), 401, "authentication_error");

            assertThat(Http.get(node.url("/health")).statusCode()).isEqualTo(200);
            assertThat(Http.post(node.url("/v1/chat/completions"), CHAT, "Authorization", "Bearer t0ken").statusCode()).isEqualTo(200);
            assertThat(Http.post(node.url("/v1/messages"), MESSAGES, "x-api-key", "t0ken").statusCode()).isEqualTo(200);
            assertThat(Http.get(node.url("/api/tags"), "Authorization", "Bearer t0ken").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void refusesToBindBeyondLoopbackWithoutAToken() {
        try (ScriptedNode node = node()) {
            assertThatThrownBy(() -> NodeServer.builder().client(node.client).bind("0.0.0.0", 0).build())
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("0.0.0.0").hasMessageContaining("token");
            // with a token it builds (not started: tests stay on loopback)
            assertThat(NodeServer.builder().client(node.client).bind("0.0.0.0", 0).bearerToken("t0ken").build()).isNotNull();
            assertThat(NodeServer.builder().client(node.client).bind("localhost", 0).build()).isNotNull();
            assertThatThrownBy(() -> NodeServer.builder().bind("127.0.0.1", 0).build())
                    .isInstanceOf(ConfigurationException.class).hasMessageContaining("client");
            assertThatThrownBy(() -> NodeServer.builder().maxConcurrentRequests(0))
                    .isInstanceOf(ConfigurationException.class).hasMessageContaining("maxConcurrentRequests");
        }
    }

    @Test
    void aPortInUseIsAConfigurationErrorNamingIt() {
        try (ScriptedNode node = node()) {
            NodeServer second = NodeServer.builder().client(node.client).bind("127.0.0.1", node.server.port()).build();
            assertThatThrownBy(second::start).isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("127.0.0.1:" + node.server.port());
            second.close();
        }
    }

    @Test
    void beyondTheRunningAndQueuedRequestsTheServerAnswers429() throws Exception {
        TokenGate gate = new TokenGate(1);
        try (ScriptedNode node = new ScriptedNode(ScriptedRuntime.builder().gate(gate).build(),
                builder -> builder.maxConcurrentRequests(1).queueCapacity(0));
             java.net.http.HttpClient client = Http.client()) {
            // a stream's headers arrive with its first token, so it holds the only slot then; the gate holds the second
            CompletableFuture<HttpResponse<Stream<String>>> holder = client.sendAsync(
                    HttpRequest.newBuilder(URI.create(node.url("/v1/chat/completions")))
                            .POST(HttpRequest.BodyPublishers.ofString(CHAT.replace("}]}", "}],\"stream\":true}")))
                            .header("Content-Type", "application/json").build(),
                    HttpResponse.BodyHandlers.ofLines());
            HttpResponse<Stream<String>> streaming = holder.get();
            assertThat(streaming.statusCode()).isEqualTo(200);

            HttpResponse<String> refused = Http.post(node.url("/v1/chat/completions"), CHAT);
            assertOpenAiError(refused, 429, "rate_limit_error");
            assertThat(refused.headers().firstValue("Retry-After")).contains("1");
            assertAnthropicError(Http.post(node.url("/v1/messages"), MESSAGES), 429, "rate_limit_error");
            assertOllamaError(Http.post(node.url("/api/chat"), CHAT), 429);
            OpenAIClient openai = OpenAIOkHttpClient.builder().baseUrl(node.url("/v1")).apiKey("x").maxRetries(0).build();
            try {
                assertThatThrownBy(() -> openai.chat().completions().create(ChatCompletionCreateParams.builder()
                        .model(ScriptedNode.MODEL).addUserMessage("hi").build())).isInstanceOf(RateLimitException.class);
            } finally {
                openai.close();
            }
            // endpoints that do not generate are not queued
            assertThat(Http.get(node.url("/v1/models")).statusCode()).isEqualTo(200);
            assertThat(Http.get(node.url("/metrics")).body())
                    .contains("hearth_server_generations_running 1\n", "hearth_server_generations_waiting 0\n");

            gate.open();
            assertThat(streaming.body().filter(line -> !line.isBlank()).toList()).last().isEqualTo("data: [DONE]");
            assertThat(Http.post(node.url("/v1/chat/completions"), CHAT).statusCode()).as("the slot is free again").isEqualTo(200);
        }
    }

    @Test
    void aRuntimeFailureBeforeTheAnswerIsA500AndAfterTheStreamBeganAnErrorEvent() {
        ScriptedRuntime failing = ScriptedRuntime.builder().tokens("one", " two", " three")
                .failAt(2, () -> new RuntimeFailureException("the scripted runtime broke", null)).build();
        try (ScriptedNode node = new ScriptedNode(failing, builder -> builder)) {
            assertOpenAiError(Http.post(node.url("/v1/chat/completions"), CHAT), 500, "server_error");
            assertAnthropicError(Http.post(node.url("/v1/messages"), MESSAGES), 500, "api_error");

            HttpResponse<String> openAiStream = Http.post(node.url("/v1/chat/completions"), CHAT.replace("}]}", "}],\"stream\":true}"));
            assertThat(openAiStream.statusCode()).isEqualTo(200);
            String lastEvent = openAiStream.body().strip().lines().reduce((first, second) -> second).orElseThrow();
            assertThat(lastEvent).startsWith("data: {\"error\"");
            assertThat(Http.json(lastEvent.substring("data: ".length())).path("error").path("message").asText()).contains("broke");
            assertThat(openAiStream.body()).contains("\"content\":\"one\"").doesNotContain("[DONE]");

            HttpResponse<String> anthropicStream = Http.post(node.url("/v1/messages"), MESSAGES.replace("}]}", "}],\"stream\":true}"));
            assertThat(anthropicStream.body()).contains("event: message_start").contains("event: error")
                    .contains("\"api_error\"").doesNotContain("message_stop");

            HttpResponse<String> ollamaStream = Http.post(node.url("/api/chat"), CHAT);
            assertThat(Http.lines(ollamaStream).getLast().path("error").asText()).contains("broke");
        }
    }

    @Test
    void aStreamRefusedBeforeItsFirstTokenIsAPlainErrorWithItsStatus() {
        ScriptedRuntime failing = ScriptedRuntime.builder()
                .failAt(0, () -> new dev.hearth.api.InvalidRequestException("the scripted runtime refuses this prompt")).build();
        try (ScriptedNode node = new ScriptedNode(failing, builder -> builder)) {
            HttpResponse<String> openAi = Http.post(node.url("/v1/chat/completions"), CHAT.replace("}]}", "}],\"stream\":true}"));
            assertOpenAiError(openAi, 400, "invalid_request_error");
            assertThat(Http.json(openAi).path("error").path("message").asText()).contains("refuses this prompt");
            assertAnthropicError(Http.post(node.url("/v1/messages"), MESSAGES.replace("}]}", "}],\"stream\":true}")), 400,
                    "invalid_request_error");
            assertOllamaError(Http.post(node.url("/api/chat"), CHAT), 400);
            assertOpenAiError(Http.post(node.url("/v1/responses"), "{\"model\":\"scripted-model\",\"input\":\"hi\",\"stream\":true}"),
                    400, "invalid_request_error");
        }
    }

    @Test
    void metricsCountRequestsErrorsTokensAndTimeToFirstToken() {
        try (ScriptedNode node = node()) {
            Http.post(node.url("/v1/chat/completions"), CHAT);
            Http.post(node.url("/v1/chat/completions"), CHAT.replace("}]}", "}],\"stream\":true}"));
            Http.post(node.url("/v1/messages"), "{");

            HttpResponse<String> metrics = Http.get(node.url("/metrics"));
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
            assertThat(metrics.body())
                    .contains("hearth_server_requests_total{endpoint=\"/v1/chat/completions\",status=\"200\"} 2")
                    .contains("hearth_server_requests_total{endpoint=\"/v1/messages\",status=\"400\"} 1")
                    .contains("hearth_server_errors_total{endpoint=\"/v1/messages\",kind=\"invalid_request\"} 1")
                    .contains("hearth_server_completion_tokens_total{model=\"scripted-model\"} 8")
                    .contains("hearth_server_prompt_tokens_total{model=\"scripted-model\"} 4")
                    .contains("hearth_server_generations_total{model=\"scripted-model\",finish_reason=\"stop\"} 2")
                    .contains("hearth_server_time_to_first_token_seconds_count{model=\"scripted-model\"} 2")
                    .contains("hearth_server_time_to_first_token_seconds_bucket{model=\"scripted-model\",le=\"+Inf\"} 2")
                    .contains("# TYPE hearth_server_time_to_first_token_seconds histogram");
        }
    }
}
