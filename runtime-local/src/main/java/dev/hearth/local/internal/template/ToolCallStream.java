package dev.hearth.local.internal.template;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.api.Tool;
import dev.hearth.api.ToolCall;
import dev.hearth.api.ToolCallError;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Separates tool calls from the text of a streamed answer. Text that cannot belong to a call is released at once;
 * text that might be the start of a call (a prefix of a marker such as {@code <tool_call>}, or for Llama 3 an answer
 * that starts with {@code {}) is held back, and once a call has begun everything after it is kept out of the text.
 * {@link #finish()} parses what was kept: well-formed calls go to {@link #toolCalls()}, malformed ones to
 * {@link #errors()} (never an exception), and held text that turned out not to be a call is released.
 *
 * <p>Not thread-safe: one instance per generation.
 */
public final class ToolCallStream {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern XML_FUNCTION = Pattern.compile("<function=([^>\\s]+)>(.*?)(?:</function>|$)", Pattern.DOTALL);
    private static final Pattern XML_PARAMETER = Pattern.compile("<parameter=([^>\\s]+)>\\n?(.*?)\\n?</parameter>", Pattern.DOTALL);
    private static final Pattern LLAMA_CALL_START = Pattern.compile("^\\s*(<\\|python_tag\\|>|\\{\\s*\"(name|type|function)\")");

    private final ToolCallFormat format;
    private final Set<String> toolNames;
    private final List<Tool> tools;
    private final Supplier<String> ids;
    private final StringBuilder pending = new StringBuilder();
    private final List<ToolCall> calls = new ArrayList<>();
    private final List<ToolCallError> errors = new ArrayList<>();
    private boolean capturing;
    private boolean plainText;

    /**
     * @param toolNames the tools offered; a call to another name is reported as an error
     * @param ids       makes ids for calls the model did not number itself
     */
    public ToolCallStream(ToolCallFormat format, Set<String> toolNames, Supplier<String> ids) {
        this(format, toolNames, List.of(), ids);
    }

    /**
     * @param tools the tools offered, kept for whoever constrains the calls ({@link #tools()}); their names must be
     *              {@code toolNames}
     */
    public ToolCallStream(ToolCallFormat format, Set<String> toolNames, List<Tool> tools, Supplier<String> ids) {
        this.format = format;
        this.toolNames = Set.copyOf(toolNames);
        this.tools = List.copyOf(tools);
        this.ids = ids;
    }

    public ToolCallFormat format() {
        return format;
    }

    /** The tools offered, with their schemas and strictness (empty when only names were given). */
    public List<Tool> tools() {
        return tools;
    }

    /** Adds generated text; returns the part that is plain answer text and can be shown now. */
    public String accept(String text) {
        pending.append(text);
        if (capturing) {
            return "";
        }
        if (format == ToolCallFormat.LLAMA3_JSON) {
            return acceptLlama();
        }
        String marker = format.opener();
        int at = pending.indexOf(marker);
        if (at >= 0) {
            capturing = true;
            String released = pending.substring(0, at);
            pending.delete(0, at);
            return released;
        }
        return release(pending.length() - heldPrefix(marker));
    }

    private String acceptLlama() {
        if (plainText) {
            return release(pending.length());
        }
        String held = pending.toString();
        String stripped = held.stripLeading();
        if (stripped.isEmpty()) {
            return "";
        }
        if (LLAMA_CALL_START.matcher(held).lookingAt()) {
            capturing = true;
            return "";
        }
        // still a possible start: "{", "{ \"na", "<|pyth"
        boolean possibleStart = stripped.startsWith("{") && stripped.length() < 12 && !stripped.contains("}")
                || "<|python_tag|>".startsWith(stripped);
        if (possibleStart) {
            return "";
        }
        plainText = true;
        return release(pending.length());
    }

    /**
     * Ends the stream: parses the held tool-call text and returns the text still to release (held text that was not
     * a call, or text the model wrote around its calls).
     */
    public String finish() {
        String held = pending.toString();
        pending.setLength(0);
        if (!capturing) {
            return held;
        }
        return switch (format) {
            case HERMES -> parseHermes(held);
            case MISTRAL, MISTRAL_ARGS -> parseMistral(held);
            case LLAMA3_JSON -> parseLlama(held);
        };
    }

    public List<ToolCall> toolCalls() {
        return List.copyOf(calls);
    }

    public List<ToolCallError> errors() {
        return List.copyOf(errors);
    }

    /** Whether the model began at least one tool call (well-formed or not). */
    public boolean calledTools() {
        return !calls.isEmpty() || !errors.isEmpty();
    }

    private String parseHermes(String held) {
        StringBuilder text = new StringBuilder();
        int at = 0;
        while (at < held.length()) {
            int open = held.indexOf("<tool_call>", at);
            if (open < 0) {
                text.append(held, at, held.length());
                break;
            }
            text.append(held, at, open);
            int bodyStart = open + "<tool_call>".length();
            int close = held.indexOf("</tool_call>", bodyStart);
            String body = held.substring(bodyStart, close < 0 ? held.length() : close).strip();
            String raw = held.substring(open, close < 0 ? held.length() : close + "</tool_call>".length());
            if (body.startsWith("<function=")) {
                parseXmlFunction(body, raw);
            } else {
                parseJsonCall(body, raw, "arguments");
            }
            at = close < 0 ? held.length() : close + "</tool_call>".length();
        }
        return text.toString().isBlank() ? "" : text.toString().strip();
    }

    private void parseXmlFunction(String body, String raw) {
        Matcher function = XML_FUNCTION.matcher(body);
        if (!function.find()) {
            errors.add(new ToolCallError(raw, "expected <function=NAME> inside <tool_call>"));
            return;
        }
        ObjectNode arguments = JSON.createObjectNode();
        Matcher parameter = XML_PARAMETER.matcher(function.group(2));
        while (parameter.find()) {
            String value = parameter.group(2);
            try {
                JsonNode parsed = JSON.readTree(value);
                arguments.set(parameter.group(1), parsed == null || parsed.isMissingNode() ? JSON.getNodeFactory().textNode(value) : parsed);
            } catch (JsonProcessingException e) {
                arguments.put(parameter.group(1), value);
            }
        }
        addCall(function.group(1), arguments, null, raw);
    }

    private String parseMistral(String held) {
        String rest = held;
        StringBuilder text = new StringBuilder();
        while (true) {
            int marker = rest.indexOf("[TOOL_CALLS]");
            if (marker < 0) {
                text.append(rest);
                break;
            }
            text.append(rest, 0, marker);
            rest = rest.substring(marker + "[TOOL_CALLS]".length()).stripLeading();
            if (rest.startsWith("[")) {
                int[] consumed = new int[1];
                JsonNode array = readFirstValue(rest, consumed);
                if (array == null || !array.isArray()) {
                    errors.add(new ToolCallError("[TOOL_CALLS]" + rest, "expected a JSON array of {\"name\", \"arguments\"} objects after [TOOL_CALLS]"));
                    return text.toString().strip();
                }
                for (JsonNode call : array) {
                    callFromObject(call, call.toString(), "arguments");
                }
                rest = rest.substring(consumed[0]);
                continue;
            }
            int args = rest.indexOf("[ARGS]");
            if (args < 0) {
                errors.add(new ToolCallError("[TOOL_CALLS]" + rest, "expected NAME[ARGS]{...} or a JSON array after [TOOL_CALLS]"));
                return text.toString().strip();
            }
            String name = rest.substring(0, args);
            String id = null;
            int callId = name.indexOf("[CALL_ID]");
            if (callId >= 0) {
                id = name.substring(callId + "[CALL_ID]".length()).strip();
                name = name.substring(0, callId);
            }
            String afterArgs = rest.substring(args + "[ARGS]".length());
            int[] consumed = new int[1];
            JsonNode arguments = readFirstValue(afterArgs, consumed);
            String raw = "[TOOL_CALLS]" + rest.substring(0, args + "[ARGS]".length() + (arguments == null ? afterArgs.length() : consumed[0]));
            if (arguments == null) {
                errors.add(new ToolCallError(raw, "the arguments after [ARGS] are not valid JSON"));
                return text.toString().strip();
            }
            addCall(name.strip(), arguments, id, raw);
            rest = afterArgs.substring(consumed[0]);
        }
        return text.toString().isBlank() ? "" : text.toString().strip();
    }

    private String parseLlama(String held) {
        String body = held.strip();
        boolean tagged = body.startsWith("<|python_tag|>");
        if (tagged) {
            body = body.substring("<|python_tag|>".length()).strip();
        }
        int[] consumed = new int[1];
        JsonNode call = readFirstValue(body, consumed);
        if (call == null) {
            errors.add(new ToolCallError(held, "the tool call is not valid JSON; write {\"name\": ..., \"parameters\": {...}}"));
            return "";
        }
        callFromObject(call, body.substring(0, consumed[0]), call.has("parameters") ? "parameters" : "arguments");
        String rest = body.substring(consumed[0]).strip();
        return rest.startsWith(";") ? parseLlama(rest.substring(1)) : rest;
    }

    private void parseJsonCall(String body, String raw, String argumentsKey) {
        int[] consumed = new int[1];
        JsonNode call = readFirstValue(body, consumed);
        if (call == null) {
            errors.add(new ToolCallError(raw, "the tool call is not valid JSON; write {\"name\": ..., \"" + argumentsKey + "\": {...}}"));
            return;
        }
        callFromObject(call, raw, argumentsKey);
    }

    private void callFromObject(JsonNode call, String raw, String argumentsKey) {
        if (!call.isObject()) {
            errors.add(new ToolCallError(raw, "a tool call must be a JSON object with \"name\" and \"" + argumentsKey + "\""));
            return;
        }
        JsonNode function = call.has("function") && call.get("function").isObject() ? call.get("function") : call;
        JsonNode name = function.get("name");
        if (name == null || !name.isTextual() || name.asText().isBlank()) {
            errors.add(new ToolCallError(raw, "the tool call has no \"name\""));
            return;
        }
        JsonNode arguments = function.has(argumentsKey) ? function.get(argumentsKey)
                : function.has("arguments") ? function.get("arguments") : function.get("parameters");
        if (arguments == null) {
            arguments = JSON.createObjectNode();
        }
        if (arguments.isTextual()) {
            // some models write the arguments as a JSON string
            JsonNode parsed = readFirstValue(arguments.asText(), new int[1]);
            if (parsed == null) {
                errors.add(new ToolCallError(raw, "the arguments of '" + name.asText() + "' are not a JSON object"));
                return;
            }
            arguments = parsed;
        }
        JsonNode id = call.get("id");
        addCall(name.asText(), arguments, id != null && id.isTextual() ? id.asText() : null, raw);
    }

    private void addCall(String name, JsonNode arguments, String id, String raw) {
        if (!arguments.isObject()) {
            errors.add(new ToolCallError(raw, "the arguments of '" + name + "' must be a JSON object"));
            return;
        }
        if (!toolNames.contains(name)) {
            errors.add(new ToolCallError(raw, "there is no tool named '" + name + "'; the tools are " + toolNames.stream().sorted().toList()));
            return;
        }
        calls.add(new ToolCall(id == null || id.isBlank() ? ids.get() : id, name, arguments.toString()));
    }

    /** Parses the first JSON value of the text; {@code consumed[0]} receives the number of characters it took. */
    private static JsonNode readFirstValue(String text, int[] consumed) {
        try (JsonParser parser = JSON.createParser(text)) {
            JsonNode value = JSON.readTree(parser);
            if (value == null || value.isMissingNode()) {
                return null;
            }
            consumed[0] = (int) Math.min(text.length(), parser.currentLocation().getCharOffset());
            return value;
        } catch (IOException e) {
            return null;
        }
    }

    private int heldPrefix(String marker) {
        for (int length = Math.min(marker.length() - 1, pending.length()); length > 0; length--) {
            if (pending.lastIndexOf(marker.substring(0, length)) == pending.length() - length) {
                return length;
            }
        }
        return 0;
    }

    private String release(int count) {
        String released = pending.substring(0, count);
        pending.delete(0, count);
        return released;
    }
}
