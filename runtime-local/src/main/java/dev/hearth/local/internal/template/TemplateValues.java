package dev.hearth.local.internal.template;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hubspot.jinjava.objects.PyWrapper;
import com.hubspot.jinjava.objects.SafeString;
import com.hubspot.jinjava.objects.collections.PyList;
import com.hubspot.jinjava.objects.collections.PyMap;
import dev.hearth.api.InvalidRequestException;
import dev.hearth.api.Message;
import dev.hearth.api.Role;
import dev.hearth.api.Tool;
import dev.hearth.api.ToolCall;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns API messages and tools into the plain maps and lists a chat template reads, shaped like the OpenAI chat
 * format that Hugging Face and llama.cpp pass to templates: {@code {"role": "assistant", "content": ...,
 * "tool_calls": [{"id", "type": "function", "function": {"name", "arguments"}}]}}, tool results with
 * {@code tool_call_id} and the tool's {@code name}, and tools as {@code {"type": "function", "function": {"name",
 * "description", "parameters"}}}. Tool-call arguments are passed as a parsed JSON object, as llama.cpp does, so that
 * templates that iterate over them or print them with {@code tojson} see an object, not a string.
 */
final class TemplateValues {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TemplateValues() {
    }

    static List<Object> messages(List<Message> messages) {
        Map<String, String> toolNamesByCallId = new HashMap<>();
        List<Object> rendered = new ArrayList<>(messages.size());
        for (Message message : messages) {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("role", message.role().name().toLowerCase(Locale.ROOT));
            map.put("content", message.content());
            if (!message.toolCalls().isEmpty()) {
                List<Object> calls = new ArrayList<>();
                for (ToolCall call : message.toolCalls()) {
                    toolNamesByCallId.put(call.id(), call.name());
                    Map<String, Object> function = new LinkedHashMap<>();
                    function.put("name", call.name());
                    function.put("arguments", arguments(call));
                    Map<String, Object> rendererCall = new LinkedHashMap<>();
                    rendererCall.put("id", call.id());
                    rendererCall.put("type", "function");
                    rendererCall.put("function", function);
                    calls.add(rendererCall);
                }
                map.put("tool_calls", calls);
            }
            if (message.role() == Role.TOOL) {
                map.put("tool_call_id", message.toolCallId());
                String name = toolNamesByCallId.get(message.toolCallId());
                if (name != null) {
                    map.put("name", name);
                }
            }
            rendered.add(map);
        }
        return rendered;
    }

    static List<Object> tools(List<Tool> tools) {
        List<Object> rendered = new ArrayList<>(tools.size());
        for (Tool tool : tools) {
            Map<String, Object> function = new LinkedHashMap<>();
            function.put("name", tool.name());
            function.put("description", tool.description());
            function.put("parameters", parse(tool.parametersJsonSchema(),
                    "The parameters schema of tool '" + tool.name() + "'"));
            Map<String, Object> wrapper = new LinkedHashMap<>();
            wrapper.put("type", "function");
            wrapper.put("function", function);
            rendered.add(wrapper);
        }
        return rendered;
    }

    private static Object arguments(ToolCall call) {
        try {
            Object parsed = JSON.readValue(call.argumentsJson(), Object.class);
            return parsed instanceof Map<?, ?> ? parsed : call.argumentsJson();
        } catch (JsonProcessingException e) {
            // keep what the caller sent: a template that prints strings as they are still shows it
            return call.argumentsJson();
        }
    }

    private static Object parse(String json, String what) {
        try {
            return JSON.readValue(json, Object.class);
        } catch (JsonProcessingException e) {
            throw new InvalidRequestException(what + " is not valid JSON: " + e.getOriginalMessage());
        }
    }

    /** The plain Java value behind jinjava's wrappers. */
    static Object unwrap(Object value) {
        return switch (value) {
            case SafeString safe -> safe.getValue();
            case PyMap map -> map.toMap();
            case PyList list -> list.toList();
            case PyWrapper other -> other;
            case null, default -> value;
        };
    }
}
