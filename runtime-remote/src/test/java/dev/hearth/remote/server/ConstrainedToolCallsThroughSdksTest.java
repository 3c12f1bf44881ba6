package dev.hearth.remote.server;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.ToolChoiceAny;
import com.anthropic.models.messages.ToolUseBlock;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionToolChoiceOption;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tool calls made by the real engine — stories260K with Hearth's ChatML template, whose calls can only come from
 * constrained decoding — received through the official openai-java and anthropic-java SDKs: with a call required,
 * every answer at temperature 1 is a call of an offered tool whose arguments parse and satisfy the tool's schema.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConstrainedToolCallsThroughSdksTest {
    // small, because stories260K has a 512-token context and the tool schemas are part of the prompt
    private static final Map<String, Object> WEATHER_PROPERTIES = Map.of(
            "city", Map.of("type", "string", "maxLength", 8),
            "unit", Map.of("enum", List.of("C", "F")));
    private static final List<String> WEATHER_REQUIRED = List.of("city", "unit");

    private StoriesNode node;
    private OpenAIClient openai;
    private AnthropicClient anthropic;

    @BeforeAll
    void start() {
        node = StoriesNode.start(builder -> builder, spec -> spec.chatTemplate("chatml"));
        openai = OpenAIOkHttpClient.builder().baseUrl(node.baseUrl() + "/v1").apiKey("x").maxRetries(0).build();
        anthropic = AnthropicOkHttpClient.builder().baseUrl(node.baseUrl()).apiKey("x").maxRetries(0).build();
    }

    @AfterAll
    void stop() {
        openai.close();
        anthropic.close();
        node.close();
    }

    private static void assertValidWeatherArguments(Map<String, Object> arguments) {
        assertThat(arguments).containsOnlyKeys(WEATHER_REQUIRED);
        assertThat(arguments.get("city")).isInstanceOfSatisfying(String.class,
                city -> assertThat(city.codePointCount(0, city.length())).isLessThanOrEqualTo(8));
        assertThat(arguments.get("unit")).isIn("C", "F");
    }

    @Test
    void openAiSdkGetsAStrictCallWithValidArgumentsOnEverySeed() throws Exception {
        ChatCompletionFunctionTool weather = ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder()
                .name("get_weather").strict(true)
                .parameters(FunctionParameters.builder().putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(WEATHER_PROPERTIES))
                        .putAdditionalProperty("required", JsonValue.from(WEATHER_REQUIRED))
                        .putAdditionalProperty("additionalProperties", JsonValue.from(false)).build())
                .build()).build();
        for (long seed = 1; seed <= 6; seed++) {
            ChatCompletion completion = openai.chat().completions().create(ChatCompletionCreateParams.builder()
                    .model(StoriesNode.MODEL).addUserMessage("Weather in Paris?").temperature(1.0).seed(seed).maxTokens(300)
                    .addTool(weather)
                    .toolChoice(ChatCompletionToolChoiceOption.Auto.REQUIRED).build());

            ChatCompletion.Choice choice = completion.choices().getFirst();
            assertThat(choice.finishReason()).as(completion.toString()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
            for (var toolCall : choice.message().toolCalls().orElseThrow()) {
                ChatCompletionMessageFunctionToolCall call = toolCall.asFunction();
                assertThat(call.function().name()).isEqualTo("get_weather");
                JsonNode arguments = Http.json(call.function().arguments());
                assertThat(arguments.isObject()).as(call.function().arguments()).isTrue();
                assertValidWeatherArguments(Http.JSON.convertValue(arguments, new TypeReference<Map<String, Object>>() { }));
            }
        }
    }

    @Test
    void anthropicSdkGetsAToolUseBlockWithValidInputOnEverySeed() {
        com.anthropic.models.messages.Tool weather = com.anthropic.models.messages.Tool.builder().name("get_weather")
                .inputSchema(com.anthropic.models.messages.Tool.InputSchema.builder()
                        .properties(com.anthropic.core.JsonValue.from(WEATHER_PROPERTIES))
                        .required(WEATHER_REQUIRED)
                        .putAdditionalProperty("additionalProperties", com.anthropic.core.JsonValue.from(false)).build())
                .build();
        for (int seed = 1; seed <= 4; seed++) {
            com.anthropic.models.messages.Message message = anthropic.messages().create(MessageCreateParams.builder()
                    .model(StoriesNode.MODEL).maxTokens(300)
                    .putAdditionalBodyProperty("temperature", com.anthropic.core.JsonValue.from(1.0)).addUserMessage("Weather in Paris? (" + seed + ")")
                    .addTool(weather).toolChoice(ToolChoiceAny.builder().build()).build());

            assertThat(message.stopReason()).contains(StopReason.TOOL_USE);
            ToolUseBlock toolUse = message.content().stream().flatMap(block -> block.toolUse().stream())
                    .findFirst().orElseThrow();
            assertThat(toolUse.name()).isEqualTo("get_weather");
            assertValidWeatherArguments(toolUse._input().convert(new TypeReference<Map<String, Object>>() { }));
        }
    }
}
