package dev.hearth.remote.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.api.InferenceClient;
import dev.hearth.api.Message;
import dev.hearth.api.Role;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonRawSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.ollama.OllamaChatModel;
import dev.langchain4j.model.ollama.OllamaStreamingChatModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * LangChain4j's Ollama client (langchain4j-ollama) against the node server's {@code /api/chat}: structured output on
 * the real stories260K model (LangChain4j sends the schema as Ollama's {@code format}), and tool calls both ways —
 * the call the model makes, and the tool result the client sends back — on a runtime that calls a tool when offered
 * one (Ollama's API has no tool choice, and stories260K never calls a tool by itself).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LangChain4jOllamaTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private StoriesNode stories;
    private ToolCallingRuntime toolRuntime;
    private InferenceClient toolClient;
    private NodeServer toolServer;

    @BeforeAll
    void start() {
        stories = StoriesNode.start();
        toolRuntime = new ToolCallingRuntime();
        toolClient = InferenceClient.builder().runtime(toolRuntime).build();
        toolServer = NodeServer.builder().client(toolClient).bind("127.0.0.1", 0).build().start();
    }

    @AfterAll
    void stop() {
        toolServer.close();
        toolClient.close();
        stories.close();
    }

    /**
     * A schema built with LangChain4j's typed elements. stories260K has a 512-token context and writes long strings at
     * temperature 1, so the string and the array are bounded through raw elements (the typed ones have no
     * maxLength or maxItems).
     */
    private static JsonSchema storySchema() {
        return JsonSchema.builder().name("Story").rootElement(JsonObjectSchema.builder()
                .addProperty("hero", JsonRawSchema.from("{\"type\":\"string\",\"maxLength\":16}"))
                .addEnumProperty("mood", List.of("happy", "sad"))
                .addIntegerProperty("age")
                .addBooleanProperty("brave")
                .addProperty("pets", JsonRawSchema.from("{\"type\":\"array\",\"items\":{\"enum\":[\"cat\",\"dog\"]},\"maxItems\":3}"))
                .required("hero", "mood", "age", "brave", "pets")
                .additionalProperties(false)
                .build()).build();
    }

    @Test
    void structuredOutputFromASchemaParsesAndFollowsIt() {
        for (int seed = 1; seed <= 3; seed++) {
            OllamaChatModel model = OllamaChatModel.builder().baseUrl(stories.baseUrl()).modelName(StoriesNode.MODEL)
                    .temperature(1.0).seed(seed).numPredict(300).timeout(TIMEOUT).maxRetries(0)
                    .responseFormat(ResponseFormat.builder().type(ResponseFormatType.JSON).jsonSchema(storySchema()).build())
                    .build();
            ChatResponse response = model.chat(ChatRequest.builder().messages(UserMessage.from(StoriesNode.PROMPT)).build());

            String text = response.aiMessage().text();
            assertThat(response.finishReason()).as(text).isEqualTo(FinishReason.STOP);
            JsonNode story = Http.json(text);
            assertThat(story.path("hero").isTextual()).as(text).isTrue();
            assertThat(story.path("hero").asText().codePointCount(0, story.path("hero").asText().length())).isLessThanOrEqualTo(16);
            assertThat(story.path("mood").asText()).isIn("happy", "sad");
            assertThat(story.path("age").isIntegralNumber()).isTrue();
            assertThat(story.path("brave").isBoolean()).isTrue();
            assertThat(story.path("pets").isArray()).isTrue();
            assertThat(story.path("pets").size()).isLessThanOrEqualTo(3);
            story.path("pets").forEach(pet -> assertThat(pet.asText()).isIn("cat", "dog"));
            assertThat(story.size()).as("no property beyond the schema's").isEqualTo(5);
        }
    }

    @Test
    void anyJsonFormatGivesAnObject() {
        OllamaChatModel model = OllamaChatModel.builder().baseUrl(stories.baseUrl()).modelName(StoriesNode.MODEL)
                .temperature(1.0).seed(5).numPredict(300).timeout(TIMEOUT).maxRetries(0)
                .responseFormat(ResponseFormat.JSON).build();
        ChatResponse response = model.chat(ChatRequest.builder().messages(UserMessage.from(StoriesNode.PROMPT)).build());
        String text = response.aiMessage().text();
        if (response.finishReason() == FinishReason.STOP) {
            assertThat(Http.json(text).isObject()).as(text).isTrue();
        } else {
            // out of tokens mid-object: what came is still a prefix of a JSON object, never free text
            assertThat(response.finishReason()).isEqualTo(FinishReason.LENGTH);
            assertThat(text.stripLeading()).as(text).startsWith("{");
        }
    }

    @Test
    void streamedTextArrivesInPiecesAndMatchesTheWhole() throws Exception {
        OllamaStreamingChatModel model = OllamaStreamingChatModel.builder().baseUrl(stories.baseUrl())
                .modelName(StoriesNode.MODEL).temperature(0.0).numPredict(24).timeout(TIMEOUT).build();
        StringBuilder pieces = new StringBuilder();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        model.chat(ChatRequest.builder().messages(UserMessage.from(StoriesNode.PROMPT)).build(),
                new StreamingChatResponseHandler() {
                    @Override
                    public void onPartialResponse(String partial) {
                        pieces.append(partial);
                    }

                    @Override
                    public void onCompleteResponse(ChatResponse response) {
                        done.complete(response);
                    }

                    @Override
                    public void onError(Throwable error) {
                        done.completeExceptionally(error);
                    }
                });
        ChatResponse response = done.get(60, TimeUnit.SECONDS);
        assertThat(pieces.toString()).isNotBlank().isEqualTo(response.aiMessage().text());
        assertThat(response.tokenUsage().outputTokenCount()).isEqualTo(24);
    }

    @Test
    void toolCallsAndToolResultsMapBothWays() {
        OllamaChatModel model = OllamaChatModel.builder().baseUrl(toolServer.baseUri().toString())
                .modelName(ToolCallingRuntime.MODEL).timeout(TIMEOUT).maxRetries(0).build();
        ToolSpecification weather = ToolSpecification.builder().name("get_weather").description("The weather in a city")
                .parameters(JsonObjectSchema.builder().addStringProperty("city").required("city").build()).build();
        UserMessage question = UserMessage.from("Weather in Paris?");

        ChatResponse call = model.chat(ChatRequest.builder().messages(question).toolSpecifications(weather).build());

        dev.hearth.api.Tool received = toolRuntime.lastRequest().tools().getFirst();
        assertThat(received.name()).isEqualTo("get_weather");
        assertThat(received.description()).isEqualTo("The weather in a city");
        assertThat(Http.json(received.parametersJsonSchema()).path("required").get(0).asText()).isEqualTo("city");
        AiMessage aiMessage = call.aiMessage();
        assertThat(aiMessage.hasToolExecutionRequests()).isTrue();
        ToolExecutionRequest request = aiMessage.toolExecutionRequests().getFirst();
        assertThat(request.name()).isEqualTo("get_weather");
        assertThat(Http.json(request.arguments()).path("city").asText()).isEqualTo("Paris");

        ChatResponse answer = model.chat(ChatRequest.builder()
                .messages(question, aiMessage, ToolExecutionResultMessage.from(request, "sunny, 24 C"))
                .toolSpecifications(weather).build());

        List<Message> messages = toolRuntime.lastRequest().messages();
        Message result = messages.stream().filter(message -> message.role() == Role.TOOL).findFirst().orElseThrow();
        assertThat(result.content()).isEqualTo("sunny, 24 C");
        Message assistant = messages.stream().filter(message -> message.role() == Role.ASSISTANT).findFirst().orElseThrow();
        assertThat(result.toolCallId()).as("the result answers the call the client echoed")
                .isEqualTo(assistant.toolCalls().getFirst().id());
        assertThat(answer.aiMessage().text()).isEqualTo("It is sunny.");
    }
}
