package dev.hearth.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.hearth.api.ChatResponse;
import dev.hearth.api.FinishReason;
import dev.hearth.api.InferenceClient;
import dev.hearth.api.Message;
import dev.hearth.api.ToolCall;
import dev.hearth.api.ToolChoice;
import dev.hearth.local.testing.SharedModels;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Forced tool calls in both Mistral formats, with the family's real templates on a random-weight parity model (which
 * would never write a call by itself): Nemo's {@code [TOOL_CALLS][{...}]} and Small 3.2's
 * {@code [TOOL_CALLS]name[ARGS]{...}}. Every call names an offered tool with arguments its schema accepts, and the call
 * goes back into the conversation through the template (whose 9-character id rule it satisfies).
 */
class MistralToolCallsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"mistralai-Mistral-Nemo-Instruct-2407.jinja", "Mistral-Small-3.2-24B-Instruct-2506.jinja"})
    void forcedCallsParseValidateAndGoBackThroughTheTemplate(String template) throws Exception {
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
        Map<String, Schema> schemas = Map.of(
                SchemaPropertyTest.WEATHER.name(), registry.getSchema(SchemaPropertyTest.WEATHER.parametersJsonSchema()),
                SchemaPropertyTest.ADD.name(), registry.getSchema(SchemaPropertyTest.ADD.parametersJsonSchema()));
        try (InferenceClient client = InferenceClient.builder()
                .runtime(Gguf.model(SharedModels.file("parity/models/llama-Q8_0.gguf")).threads(1).contextLength(2048)
                        .chatTemplate(SharedModels.file("chat-templates/" + template)))
                .build()) {
            for (long seed = 1; seed <= 4; seed++) {
                ToolChoice choice = seed % 2 == 0 ? ToolChoice.named("add") : ToolChoice.required();
                ChatResponse answer = client.chat().user("What is the weather in Paris, and what is 2 + 3?")
                        .tools(SchemaPropertyTest.WEATHER, SchemaPropertyTest.ADD).toolChoice(choice)
                        .temperature(1.0).topK(0).topP(1.0).minP(0).seed(seed).maxTokens(2000).call();
                String where = template + " seed " + seed + ": " + answer.text() + " " + answer.toolCallErrors();
                assertThat(answer.toolCallErrors()).as(where).isEmpty();
                assertThat(answer.finishReason()).as(where).isEqualTo(FinishReason.TOOL_CALLS);
                assertThat(answer.toolCalls()).as(where).isNotEmpty();
                for (ToolCall call : answer.toolCalls()) {
                    assertThat(schemas).as(where).containsKey(call.name());
                    if (choice.mode() == ToolChoice.Mode.NAMED) {
                        assertThat(call.name()).isEqualTo("add");
                    }
                    assertThat(schemas.get(call.name()).validate(JSON.readTree(call.argumentsJson())))
                            .as(where + " " + call.argumentsJson()).isEmpty();
                    assertThat(call.id()).as("Mistral templates demand 9 alphanumerics").matches("[A-Za-z0-9]{9}");
                }

                List<Message> history = List.of(Message.user("What is 2 + 3?"),
                        Message.assistant("", answer.toolCalls()),
                        Message.toolResult(answer.toolCalls().getFirst().id(), "5"));
                ChatResponse next = client.chat().messages(history)
                        .tools(SchemaPropertyTest.WEATHER, SchemaPropertyTest.ADD).toolChoice(ToolChoice.none())
                        .temperature(0).maxTokens(4).call();
                assertThat(next.usage().promptTokens()).as("the call and its result were rendered").isPositive();
            }
        }
    }
}
