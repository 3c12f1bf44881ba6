package dev.hearth.local.internal.template;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.api.InvalidRequestException;
import dev.hearth.api.Message;
import dev.hearth.api.Role;
import dev.hearth.api.Tool;
import dev.hearth.api.ToolCall;
import dev.hearth.local.testing.SharedModels;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every real template in shared/models/chat-templates renders every conversation recorded in
 * parity/chat-templates-rendered.json exactly as llama.cpp's llama-server rendered it (with stories260K's
 * {@code <s>}/{@code </s>} and the recorded date), and a template that refused a conversation refuses it here too,
 * with the template's own message.
 */
class ChatTemplateParityTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestFactory
    Stream<DynamicTest> everyRecordedRenderingMatchesLlamaCpp() throws IOException {
        JsonNode recorded = JSON.readTree(SharedModels.file("parity/chat-templates-rendered.json").toFile());
        Clock clock = Clock.fixed(Instant.parse(recorded.get("rendered_at_utc").asText()), ZoneOffset.UTC);
        List<DynamicTest> tests = new ArrayList<>();
        for (Map.Entry<String, JsonNode> template : recorded.get("templates").properties()) {
            Path file = SharedModels.file("chat-templates/" + template.getKey());
            String source = Files.readString(file);
            ChatTemplate chatTemplate = new ChatTemplate(source, "<s>", "</s>", clock);
            for (Map.Entry<String, JsonNode> rendering : template.getValue().properties()) {
                JsonNode conversation = recorded.get("conversations").get(rendering.getKey());
                tests.add(DynamicTest.dynamicTest(template.getKey() + " / " + rendering.getKey(), () -> {
                    List<Message> messages = messages(conversation.get("messages"));
                    List<Tool> tools = tools(conversation.get("tools"));
                    boolean addGenerationPrompt = conversation.get("add_generation_prompt").asBoolean();
                    if (rendering.getValue().has("prompt")) {
                        String rendered = chatTemplate.render(messages, tools, addGenerationPrompt);
                        String prompt = ChatTemplate.withoutTokenizerAddedSpecials(rendered, "<s>", "</s>", true, false);
                        assertThat(prompt).isEqualTo(rendering.getValue().get("prompt").asText());
                    } else {
                        String body = rendering.getValue().get("error").get("body").asText();
                        String templateMessage = body.substring(body.indexOf("Jinja Exception: ") + "Jinja Exception: ".length(),
                                body.indexOf('"', body.indexOf("Jinja Exception: ")));
                        assertThatThrownBy(() -> chatTemplate.render(messages, tools, addGenerationPrompt))
                                .isInstanceOf(InvalidRequestException.class)
                                .hasMessageContaining(templateMessage);
                    }
                }));
            }
        }
        return tests.stream();
    }

    static List<Message> messages(JsonNode array) {
        List<Message> messages = new ArrayList<>();
        for (JsonNode node : array) {
            Role role = Role.valueOf(node.get("role").asText().toUpperCase());
            String content = node.hasNonNull("content") ? node.get("content").asText() : "";
            List<ToolCall> calls = new ArrayList<>();
            if (node.has("tool_calls")) {
                for (JsonNode call : node.get("tool_calls")) {
                    calls.add(new ToolCall(call.get("id").asText(), call.get("function").get("name").asText(),
                            call.get("function").get("arguments").asText()));
                }
            }
            String toolCallId = node.has("tool_call_id") ? node.get("tool_call_id").asText() : null;
            messages.add(new Message(role, content, calls, toolCallId));
        }
        return messages;
    }

    static List<Tool> tools(JsonNode array) {
        List<Tool> tools = new ArrayList<>();
        if (array != null) {
            for (JsonNode tool : array) {
                JsonNode function = tool.get("function");
                tools.add(new Tool(function.get("name").asText(), function.get("description").asText(),
                        function.get("parameters").toString()));
            }
        }
        return tools;
    }
}
