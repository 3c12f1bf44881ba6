package dev.hearth.examples.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.api.Tool;

import java.util.Objects;

/**
 * A tool the agent offers: the definition the model reads ({@link Tool}: name, description, JSON Schema of the
 * arguments) and the Java code that runs a call. Tools are plain lambdas or method references:
 *
 * <pre>{@code
 * record Add(@ToolParam("first term") long a, @ToolParam("second term") long b) {}
 * AgentTool add = AgentTool.of("add", "Adds two integers.", Add.class, args -> args.a() + args.b());
 * }</pre>
 *
 * The schema of a record's arguments is derived from its components ({@link RecordSchema}); {@link #withSchema} takes
 * one given explicitly and hands the code the arguments as a JSON tree. Definitions are strict, so the local engine
 * constrains a call, once opened, to the tool's schema. A value returned by the code becomes the result's text (a
 * {@link ToolResult} is passed through, a string is used as is, anything else is written as JSON); whatever it throws
 * becomes an error result the model reads.
 */
public record AgentTool(Tool definition, Handler handler) {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES);

    public AgentTool {
        Objects.requireNonNull(definition, "definition");
        Objects.requireNonNull(handler, "handler");
    }

    /** Runs one call with its parsed arguments. */
    @FunctionalInterface
    public interface Handler {
        ToolResult call(JsonNode arguments) throws Exception;
    }

    /** The code of a tool whose arguments are a record. */
    @FunctionalInterface
    public interface Body<A> {
        Object apply(A arguments) throws Exception;
    }

    /** A tool whose arguments are the components of {@code argumentsType}. */
    public static <A extends Record> AgentTool of(String name, String description, Class<A> argumentsType, Body<A> body) {
        Objects.requireNonNull(body, "body");
        Tool definition = Tool.strict(name, description, RecordSchema.of(argumentsType));
        return new AgentTool(definition, arguments -> {
            A parsed;
            try {
                parsed = JSON.treeToValue(arguments, argumentsType);
            } catch (JsonProcessingException | IllegalArgumentException e) {
                throw new ToolArgumentsException("arguments do not fit " + definition.parametersJsonSchema() + ": "
                        + firstLine(e.getMessage()), e);
            }
            return toResult(body.apply(parsed));
        });
    }

    /** A tool with the JSON Schema given as text; the code receives the arguments as a JSON tree. */
    public static AgentTool withSchema(String name, String description, String parametersJsonSchema, Body<JsonNode> body) {
        Objects.requireNonNull(body, "body");
        return new AgentTool(Tool.strict(name, description, parametersJsonSchema),
                arguments -> toResult(body.apply(arguments)));
    }

    public String name() {
        return definition.name();
    }

    /** Parses a call's argument text and runs it; bad JSON is a {@link ToolArgumentsException}. */
    ToolResult call(String argumentsJson) throws Exception {
        JsonNode arguments;
        try {
            arguments = JSON.readTree(argumentsJson.isBlank() ? "{}" : argumentsJson);
        } catch (JsonProcessingException e) {
            throw new ToolArgumentsException("arguments are not JSON: " + firstLine(e.getOriginalMessage()), e);
        }
        if (arguments == null || !arguments.isObject()) {
            throw new ToolArgumentsException("arguments must be a JSON object, got " + argumentsJson);
        }
        return Objects.requireNonNull(handler.call(arguments), "tool " + name() + " returned no result");
    }

    private static ToolResult toResult(Object value) throws JsonProcessingException {
        return switch (value) {
            case null -> ToolResult.of("null");
            case ToolResult result -> result;
            case CharSequence text -> ToolResult.of(text.toString());
            default -> ToolResult.of(JSON.writeValueAsString(value));
        };
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end);
    }
}
