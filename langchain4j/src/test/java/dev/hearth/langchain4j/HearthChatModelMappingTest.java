package dev.hearth.langchain4j;

import dev.hearth.api.FinishReason;
import dev.hearth.api.GenerationOptions;
import dev.hearth.api.InferenceClient;
import dev.hearth.api.Message;
import dev.hearth.api.RateLimitedException;
import dev.hearth.api.RequestTimeoutException;
import dev.hearth.api.ResponseFormat;
import dev.hearth.api.Role;
import dev.hearth.api.Route;
import dev.hearth.api.Timings;
import dev.hearth.api.Tool;
import dev.hearth.api.ToolCall;
import dev.hearth.api.ToolCallError;
import dev.hearth.api.Usage;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HearthChatModelMappingTest {
    private static final Route ROUTE = new Route("recording", "recorded-model", "test");
    private static final ToolSpecification WEATHER = ToolSpecification.builder().name("weather")
            .description("Weather in a city")
            .parameters(JsonObjectSchema.builder().addStringProperty("city").required("city").build())
            .build();

    private InferenceClient client;

    @AfterEach
    void close() {
        if (client != null) {
            client.close();
        }
    }

    private RecordingRuntime runtime(Function<dev.hearth.api.ChatRequest, dev.hearth.api.ChatResponse> answer) {
        RecordingRuntime runtime = new RecordingRuntime(answer);
        client = InferenceClient.builder().runtime(runtime).build();
        return runtime;
    }

    private static dev.hearth.api.ChatResponse answer(String text, List<ToolCall> calls, FinishReason reason) {
        return new dev.hearth.api.ChatResponse(text, calls, reason, new Usage(20, 12, 5), Timings.NONE, ROUTE);
    }

    @Test
    void aConversationWithToolsArrivesAsHearthMessagesToolsAndOptions() {
        RecordingRuntime runtime = runtime(request -> answer("It is sunny.", List.of(), FinishReason.STOP));
        HearthChatModel model = HearthChatModel.builder().client(client).temperature(0.0).topK(5).topP(0.5)
                .maxOutputTokens(32).stopSequences(List.of("END")).frequencyPenalty(0.5).presencePenalty(-0.5)
                .generationOptions(GenerationOptions.builder().seed(7).minP(0.1).build()).build();
        ToolExecutionRequest call = ToolExecutionRequest.builder().id("call-1").name("weather")
                .arguments("{\"city\":\"Paris\"}").build();

        ChatResponse response = model.chat(ChatRequest.builder()
                .messages(SystemMessage.from("Be brief."), UserMessage.from("Weather in Paris?"), AiMessage.from(call),
                        ToolExecutionResultMessage.from(call, "sunny"))
                .parameters(ChatRequestParameters.builder().toolSpecifications(WEATHER)
                        .toolChoice(dev.langchain4j.model.chat.request.ToolChoice.REQUIRED).build())
                .build());

        dev.hearth.api.ChatRequest sent = runtime.last();
        assertThat(sent.messages()).containsExactly(Message.system("Be brief."), Message.user("Weather in Paris?"),
                Message.assistant("", List.of(new ToolCall("call-1", "weather", "{\"city\":\"Paris\"}"))),
                Message.toolResult("call-1", "sunny"));
        assertThat(sent.tools()).containsExactly(new Tool("weather", "Weather in a city",
                "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}", false));
        GenerationOptions options = sent.options();
        assertThat(options.temperature()).isZero();
        assertThat(options.topK()).isEqualTo(5);
        assertThat(options.topP()).isEqualTo(0.5);
        assertThat(options.maxTokens()).isEqualTo(32);
        assertThat(options.stopSequences()).containsExactly("END");
        assertThat(options.frequencyPenalty()).isEqualTo(0.5);
        assertThat(options.presencePenalty()).isEqualTo(-0.5);
        assertThat(options.toolChoice()).isEqualTo(dev.hearth.api.ToolChoice.required());
        assertThat(options.seed()).hasValue(7);
        assertThat(options.minP()).isEqualTo(0.1);
        assertThat(response.aiMessage().text()).isEqualTo("It is sunny.");
        assertThat(response.finishReason()).isEqualTo(dev.langchain4j.model.output.FinishReason.STOP);
        assertThat(response.modelName()).isEqualTo("recorded-model");
    }

    @Test
    void strictToolsAndJsonSchemaFormatsAreSentStrict() {
        RecordingRuntime runtime = runtime(request -> answer("{}", List.of(), FinishReason.STOP));
        HearthChatModel model = HearthChatModel.builder().client(client).strictTools(true).strictJsonSchema(true).build();

        model.chat(ChatRequest.builder().messages(UserMessage.from("Describe Ann"))
                .parameters(ChatRequestParameters.builder().toolSpecifications(WEATHER)
                        .responseFormat(JsonSchema.builder().name("Person").rootElement(JsonObjectSchema.builder()
                                .addStringProperty("name").required("name").build()).build())
                        .build())
                .build());

        dev.hearth.api.ChatRequest sent = runtime.last();
        assertThat(sent.tools().getFirst().strict()).isTrue();
        assertThat(sent.tools().getFirst().parametersJsonSchema()).endsWith("\"additionalProperties\":false}");
        assertThat(sent.options().responseFormat()).isEqualTo(ResponseFormat.jsonSchema("Person",
                "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"}},\"required\":[\"name\"],"
                        + "\"additionalProperties\":false}", true));
    }

    @Test
    void jsonWithoutSchemaAndToolChoiceNoneMap() {
        RecordingRuntime runtime = runtime(request -> answer("{}", List.of(), FinishReason.STOP));
        HearthChatModel model = HearthChatModel.builder().client(client)
                .responseFormat(dev.langchain4j.model.chat.request.ResponseFormat.JSON)
                .toolChoice(dev.langchain4j.model.chat.request.ToolChoice.NONE).build();

        model.chat(UserMessage.from("JSON please"));

        assertThat(runtime.last().options().responseFormat()).isEqualTo(ResponseFormat.json());
        assertThat(runtime.last().options().toolChoice()).isEqualTo(dev.hearth.api.ToolChoice.none());
    }

    @Test
    void toolCallsUsageAndHearthDetailsComeBack() {
        ToolCallError malformed = new ToolCallError("<tool_call>{", "unterminated JSON");
        runtime(request -> new dev.hearth.api.ChatResponse("", List.of(new ToolCall("c1", "weather", "{\"city\":\"Oslo\"}")),
                FinishReason.TOOL_CALLS, new Usage(20, 12, 5), Timings.NONE, ROUTE, List.of(malformed)));
        HearthChatModel model = HearthChatModel.builder().client(client).build();

        ChatResponse response = model.chat(ChatRequest.builder().messages(UserMessage.from("Oslo?"))
                .parameters(ChatRequestParameters.builder().toolSpecifications(WEATHER).build()).build());

        assertThat(response.aiMessage().text()).isNull();
        assertThat(response.aiMessage().toolExecutionRequests()).containsExactly(ToolExecutionRequest.builder()
                .id("c1").name("weather").arguments("{\"city\":\"Oslo\"}").build());
        assertThat(response.finishReason()).isEqualTo(dev.langchain4j.model.output.FinishReason.TOOL_EXECUTION);
        HearthTokenUsage usage = (HearthTokenUsage) response.tokenUsage();
        assertThat(usage.inputTokenCount()).isEqualTo(20);
        assertThat(usage.cachedInputTokenCount()).isEqualTo(12);
        assertThat(usage.outputTokenCount()).isEqualTo(5);
        assertThat(usage.totalTokenCount()).isEqualTo(25);
        assertThat(((HearthTokenUsage) usage.add(usage)).cachedInputTokenCount()).isEqualTo(24);
        HearthChatResponseMetadata metadata = (HearthChatResponseMetadata) response.metadata();
        assertThat(metadata.route().runtime()).isEqualTo("recording");
        assertThat(metadata.hearthFinishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(metadata.toolCallErrors()).containsExactly(malformed);
        assertThat(metadata.toBuilder().build()).isEqualTo(metadata);
    }

    @Test
    void finishReasonsMapOntoLangChain4js() {
        for (var expected : List.of(
                new Object[]{FinishReason.STOP_SEQUENCE, dev.langchain4j.model.output.FinishReason.STOP},
                new Object[]{FinishReason.LENGTH, dev.langchain4j.model.output.FinishReason.LENGTH},
                new Object[]{FinishReason.CONTEXT_FULL, dev.langchain4j.model.output.FinishReason.LENGTH},
                new Object[]{FinishReason.TOOL_CALLS, dev.langchain4j.model.output.FinishReason.OTHER},
                new Object[]{FinishReason.CANCELLED, dev.langchain4j.model.output.FinishReason.OTHER})) {
            assertThat(ResponseMapper.finishReason(answer("x", List.of(), (FinishReason) expected[0])))
                    .as("%s", expected[0]).isEqualTo(expected[1]);
        }
    }

    @Test
    void whatHearthCannotCarryIsRefusedByName() {
        RecordingRuntime runtime = runtime(request -> answer("x", List.of(), FinishReason.STOP));
        HearthChatModel model = HearthChatModel.builder().client(client).build();

        assertThatThrownBy(() -> model.chat(UserMessage.from(TextContent.from("look"),
                ImageContent.from("https://example.invalid/cat.png"))))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("IMAGE");
        assertThatThrownBy(() -> model.chat(UserMessage.from("ann", "hi")))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("name 'ann'");
        assertThatThrownBy(() -> model.chat(ChatRequest.builder().messages(UserMessage.from("hi"))
                .parameters(ChatRequestParameters.builder()
                        .toolChoice(dev.langchain4j.model.chat.request.ToolChoice.REQUIRED).build()).build()))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("needs at least one tool");
        assertThat(runtime.requests).isEmpty();
    }

    @Test
    void hearthFailuresArriveAsLangChain4jExceptionsWithTheCause() {
        RateLimitedException limited = new RateLimitedException("openai", 429, "rate_limit", "slow down", Duration.ofSeconds(3));
        runtime(request -> {
            throw request.messages().getLast().content().equals("limit") ? limited
                    : new RequestTimeoutException("read timeout of 5 s", null);
        });
        HearthChatModel model = HearthChatModel.builder().client(client).build();

        assertThatThrownBy(() -> model.chat(UserMessage.from("limit"))).isInstanceOf(RateLimitException.class)
                .hasMessageContaining("slow down").hasCauseReference(limited);
        assertThatThrownBy(() -> model.chat(UserMessage.from("wait"))).isInstanceOf(TimeoutException.class)
                .hasMessageContaining("read timeout of 5 s").cause().isInstanceOf(RequestTimeoutException.class);
    }

    @Test
    void buildersNameTheBadValue() {
        runtime(request -> answer("x", List.of(), FinishReason.STOP));
        assertThatThrownBy(() -> HearthChatModel.builder().temperature(-1.0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("temperature").hasMessageContaining("-1");
        assertThatThrownBy(() -> HearthStreamingChatModel.builder().topP(1.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("topP").hasMessageContaining("1.5");
        assertThatThrownBy(() -> HearthChatModel.builder().maxOutputTokens(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxTokens").hasMessageContaining("0");
        assertThatThrownBy(() -> HearthChatModel.builder().build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("client");
        assertThatThrownBy(() -> HearthChatModel.builder().client(client)
                .defaultRequestParameters(ChatRequestParameters.builder().temperature(-2.0).build()).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-2");
        assertThatThrownBy(() -> HearthEmbeddingModel.builder().client(client).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("embeddings");
        assertThat(Role.values()).isNotEmpty();
    }
}
