package dev.hearth.remote.server;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlock;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import dev.hearth.api.ChatRequest;
import dev.hearth.api.InferenceClient;
import dev.hearth.api.Message;
import dev.hearth.api.Role;
import dev.hearth.api.Tool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tool definitions, tool calls and tool results in each API, mapped to and from the api's {@link Tool},
 * {@link dev.hearth.api.ToolCall} and tool messages, driven by the official SDKs (and plain HTTP for Ollama).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ToolCallsTest {
    private static final Map<String, Object> CITY_SCHEMA = Map.of("city", Map.of("type", "string"));

    private ToolCallingRuntime runtime;
    private InferenceClient client;
    private NodeServer server;
    private OpenAIClient openai;
    private AnthropicClient anthropic;

    @BeforeAll
    void start() {
        runtime = new ToolCallingRuntime();
        client = InferenceClient.builder().runtime(runtime).build();
        server = NodeServer.builder().client(client).bind("127.0.0.1", 0).build().start();
        openai = OpenAIOkHttpClient.builder().baseUrl(server.baseUri() + "/v1").apiKey("x").maxRetries(0).build();
        anthropic = AnthropicOkHttpClient.builder().baseUrl(server.baseUri().toString()).apiKey("x").maxRetries(0).build();
    }

    @AfterAll
    void stop() {
        openai.close();
        anthropic.close();
        server.close();
        client.close();
    }

    private void assertWeatherToolReceived() {
        Tool tool = runtime.lastRequest().tools().getFirst();
        assertThat(tool.name()).isEqualTo("get_weather");
        assertThat(tool.description()).isEqualTo("The weather in a city");
        JsonNode schema = Http.json(tool.parametersJsonSchema());
        assertThat(schema.path("type").asText()).isEqualTo("object");
        assertThat(schema.path("properties").path("city").path("type").asText()).isEqualTo("string");
    }

    private void assertToolResultReceived(String result) {
        List<Message> messages = runtime.lastRequest().messages();
        Message assistant = messages.stream().filter(message -> message.role() == Role.ASSISTANT).findFirst().orElseThrow();
        assertThat(assistant.toolCalls()).singleElement().satisfies(call -> {
            assertThat(call.id()).isEqualTo(ToolCallingRuntime.CALL_ID);
            assertThat(call.name()).isEqualTo("get_weather");
            assertThat(Http.json(call.argumentsJson()).path("city").asText()).isEqualTo("Paris");
        });
        Message toolResult = messages.stream().filter(message -> message.role() == Role.TOOL).findFirst().orElseThrow();
        assertThat(toolResult.toolCallId()).isEqualTo(ToolCallingRuntime.CALL_ID);
        assertThat(toolResult.content()).isEqualTo(result);
    }

    private ChatCompletionCreateParams.Builder openAiWeather() {
        return ChatCompletionCreateParams.builder().model(ToolCallingRuntime.MODEL).addUserMessage("Weather in Paris?")
                .addTool(ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder()
                        .name("get_weather").description("The weather in a city")
                        .parameters(FunctionParameters.builder().putAdditionalProperty("type", JsonValue.from("object"))
                                .putAdditionalProperty("properties", JsonValue.from(CITY_SCHEMA)).build())
                        .build()).build());
    }

    @Test
    void openAiChatCompletionsCarryToolCallsBothWays() {
        ChatCompletion call = openai.chat().completions().create(openAiWeather().build());

        assertWeatherToolReceived();
        ChatCompletion.Choice choice = call.choices().getFirst();
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        ChatCompletionMessageFunctionToolCall toolCall = choice.message().toolCalls().orElseThrow().getFirst().asFunction();
        assertThat(toolCall.id()).isEqualTo(ToolCallingRuntime.CALL_ID);
        assertThat(toolCall.function().name()).isEqualTo("get_weather");
        assertThat(toolCall.function().arguments()).isEqualTo(ToolCallingRuntime.ARGUMENTS);
        assertThat(call.usage().orElseThrow().promptTokensDetails().orElseThrow().cachedTokens()).contains(4L);

        ChatCompletion answer = openai.chat().completions().create(openAiWeather()
                .addMessage(choice.message())
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(toolCall.id()).content("sunny, 24 C").build())
                .build());
        assertToolResultReceived("sunny, 24 C");
        assertThat(answer.choices().getFirst().message().content()).contains("It is sunny.");
    }

    @Test
    void openAiStreamedToolCallsAccumulateInTheSdk() {
        ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
        try (com.openai.core.http.StreamResponse<ChatCompletionChunk> stream =
                     openai.chat().completions().createStreaming(openAiWeather().build())) {
            stream.stream().forEach(accumulator::accumulate);
        }
        ChatCompletion completion = accumulator.chatCompletion();
        ChatCompletionMessageFunctionToolCall toolCall = completion.choices().getFirst().message().toolCalls()
                .orElseThrow().getFirst().asFunction();
        assertThat(toolCall.function().name()).isEqualTo("get_weather");
        assertThat(toolCall.function().arguments()).isEqualTo(ToolCallingRuntime.ARGUMENTS);
        assertThat(completion.choices().getFirst().finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
    }

    @Test
    void openAiResponsesCarryFunctionCallsBothWays() {
        FunctionTool weather = FunctionTool.builder().name("get_weather").description("The weather in a city").strict(false)
                .parameters(FunctionTool.Parameters.builder().putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(CITY_SCHEMA)).build())
                .build();
        Response response = openai.responses().create(ResponseCreateParams.builder().model(ToolCallingRuntime.MODEL)
                .input("Weather in Paris?").addTool(weather).build());

        assertWeatherToolReceived();
        ResponseFunctionToolCall call = response.output().stream().flatMap(item -> item.functionCall().stream())
                .findFirst().orElseThrow();
        assertThat(call.callId()).isEqualTo(ToolCallingRuntime.CALL_ID);
        assertThat(call.arguments()).isEqualTo(ToolCallingRuntime.ARGUMENTS);
        assertThat(response.usage().orElseThrow().inputTokensDetails().cachedTokens()).isEqualTo(4);

        Response answer = openai.responses().create(ResponseCreateParams.builder().model(ToolCallingRuntime.MODEL)
                .inputOfResponse(List.of(
                        com.openai.models.responses.ResponseInputItem.ofEasyInputMessage(
                                com.openai.models.responses.EasyInputMessage.builder()
                                        .role(com.openai.models.responses.EasyInputMessage.Role.USER)
                                        .content("Weather in Paris?").build()),
                        com.openai.models.responses.ResponseInputItem.ofFunctionCall(call),
                        com.openai.models.responses.ResponseInputItem.ofFunctionCallOutput(
                                com.openai.models.responses.ResponseInputItem.FunctionCallOutput.builder()
                                        .callId(call.callId()).output("sunny, 24 C").build())))
                .addTool(weather).build());
        assertToolResultReceived("sunny, 24 C");
        assertThat(answer.output().stream().flatMap(item -> item.message().stream())
                .flatMap(message -> message.content().stream()).flatMap(content -> content.outputText().stream())
                .map(text -> text.text()).toList()).containsExactly("It is sunny.");
    }

    private MessageCreateParams.Builder anthropicWeather() {
        return MessageCreateParams.builder().model(ToolCallingRuntime.MODEL).maxTokens(64).addUserMessage("Weather in Paris?")
                .addTool(com.anthropic.models.messages.Tool.builder().name("get_weather").description("The weather in a city")
                        .inputSchema(com.anthropic.models.messages.Tool.InputSchema.builder()
                                .putAdditionalProperty("properties", com.anthropic.core.JsonValue.from(CITY_SCHEMA)).build())
                        .build());
    }

    @Test
    void anthropicToolUseAndToolResultBlocksMapBothWays() {
        com.anthropic.models.messages.Message call = anthropic.messages().create(anthropicWeather().build());

        assertWeatherToolReceived();
        assertThat(call.stopReason()).contains(StopReason.TOOL_USE);
        ToolUseBlock toolUse = call.content().stream().flatMap(block -> block.toolUse().stream()).findFirst().orElseThrow();
        assertThat(toolUse.id()).isEqualTo(ToolCallingRuntime.CALL_ID);
        assertThat(toolUse.name()).isEqualTo("get_weather");
        assertThat(toolUse._input().convert(new TypeReference<Map<String, Object>>() { })).isEqualTo(Map.of("city", "Paris"));
        assertThat(call.usage().inputTokens()).as("Anthropic counts cached tokens apart").isEqualTo(6);
        assertThat(call.usage().cacheReadInputTokens()).contains(4L);

        com.anthropic.models.messages.Message answer = anthropic.messages().create(anthropicWeather()
                .addMessage(call)
                .addUserMessageOfContentBlockParams(List.of(ContentBlockParam.ofToolResult(ToolResultBlockParam.builder()
                        .toolUseId(toolUse.id()).content("sunny, 24 C").build())))
                .build());
        assertToolResultReceived("sunny, 24 C");
        assertThat(answer.content().getFirst().text().orElseThrow().text()).isEqualTo("It is sunny.");
        assertThat(answer.stopReason()).contains(StopReason.END_TURN);
    }

    @Test
    void anthropicStreamedToolUseAccumulatesInTheSdk() {
        MessageAccumulator accumulator = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> stream = anthropic.messages().createStreaming(anthropicWeather().build())) {
            stream.stream().forEach(accumulator::accumulate);
        }
        com.anthropic.models.messages.Message message = accumulator.message();
        ToolUseBlock toolUse = message.content().stream().flatMap(block -> block.toolUse().stream()).findFirst().orElseThrow();
        assertThat(toolUse._input().convert(new TypeReference<Map<String, Object>>() { })).isEqualTo(Map.of("city", "Paris"));
        assertThat(message.stopReason()).contains(StopReason.TOOL_USE);
        assertThat(message.usage().cacheReadInputTokens()).contains(4L);
    }

    @Test
    void ollamaToolCallsAndToolMessagesMapBothWays() {
        String tools = "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
                + "\"description\":\"The weather in a city\",\"parameters\":{\"type\":\"object\","
                + "\"properties\":{\"city\":{\"type\":\"string\"}}}}}]";
        JsonNode call = Http.json(Http.post(server.baseUri() + "/api/chat", "{\"model\":\"tool-model\",\"stream\":false,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Weather in Paris?\"}]," + tools + "}"));

        assertWeatherToolReceived();
        JsonNode toolCall = call.path("message").path("tool_calls").get(0);
        assertThat(toolCall.path("function").path("name").asText()).isEqualTo("get_weather");
        assertThat(toolCall.path("function").path("arguments").path("city").asText()).isEqualTo("Paris");

        // Ollama clients echo the call without its id and answer by tool name
        JsonNode answer = Http.json(Http.post(server.baseUri() + "/api/chat", "{\"model\":\"tool-model\",\"stream\":false,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Weather in Paris?\"},"
                + "{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{\"function\":{\"name\":\"get_weather\",\"arguments\":{\"city\":\"Paris\"}}}]},"
                + "{\"role\":\"tool\",\"tool_name\":\"get_weather\",\"content\":\"sunny, 24 C\"}]," + tools + "}"));
        ChatRequest received = runtime.lastRequest();
        String generatedId = received.messages().get(1).toolCalls().getFirst().id();
        assertThat(received.messages().get(2).toolCallId()).as("the result answers the call of that name").isEqualTo(generatedId);
        assertThat(received.messages().get(2).content()).isEqualTo("sunny, 24 C");
        assertThat(answer.path("message").path("content").asText()).isEqualTo("It is sunny.");
    }
}
