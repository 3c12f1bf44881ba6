package dev.hearth.local.internal.engine;

import dev.hearth.api.InvalidRequestException;
import dev.hearth.api.Tool;
import dev.hearth.api.ToolChoice;
import dev.hearth.local.internal.grammar.GrammarConstraint;
import dev.hearth.local.internal.sampling.TokenConstraint;
import dev.hearth.local.internal.grammar.Grammar;
import dev.hearth.local.internal.grammar.JsonSchemaGrammar;
import dev.hearth.local.internal.grammar.JsonSchemaGrammar.CallableTool;
import dev.hearth.local.internal.grammar.ToolCallConstraint;
import dev.hearth.local.internal.grammar.TokenVocabulary;
import dev.hearth.local.internal.template.ToolCallFormat;
import dev.hearth.local.internal.template.ToolCallStream;
import dev.hearth.local.internal.tokenizer.Tokenizer;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * When a request offers a strict tool, constrains every tool call the model opens in its own format to name an offered
 * tool and to give arguments that satisfy that tool's schema (strict tools' schemas; any JSON object for the others).
 * Text outside calls stays free. Supported: the Hermes/Qwen format ({@code <tool_call>{"name": ..., "arguments": ...}
 * </tool_call>}), Llama 3's ({@code <|python_tag|>{"name": ..., "parameters": ...}}) and Mistral's, both as Nemo
 * writes it ({@code [TOOL_CALLS][{"name": ..., "arguments": ...}, ...]}) and as Small 3.2 does
 * ({@code [TOOL_CALLS]name[ARGS]{...}}); constrained calls carry no id (the engine assigns one).
 */
final class StrictToolCalls {
    private static final int CACHE = 16;
    /** Compiled call grammars: an agent offers the same tools on every turn. */
    private static final Map<Key, Grammar> COMPILED = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Grammar> eldest) {
            return size() > CACHE;
        }
    };

    private record Key(ToolCallFormat format, List<Tool> tools, boolean forced) {
    }

    private StrictToolCalls() {
    }

    /**
     * The constraint for a request's tool calls, or empty when no offered tool is strict.
     *
     * @throws InvalidRequestException if a strict tool's schema is outside the supported subset, or the model's
     *                                 tool-call format cannot be constrained yet
     */
    static Optional<ToolCallConstraint> constraint(ToolCallStream calls, Tokenizer tokenizer, Set<Integer> markerTokens) {
        List<Tool> tools = calls.tools();
        if (tools.stream().noneMatch(Tool::strict)) {
            return Optional.empty();
        }
        ToolCallFormat format = calls.format();
        Grammar grammar = grammar(format, tools, false, "strict tools");
        return Optional.of(new ToolCallConstraint(grammar, TokenVocabulary.withMarkers(tokenizer, markerTokens),
                format.opener()));
    }

    /**
     * The constraint for an answer that must be one tool call (tool choice required or named): from the first token,
     * the format's opener, an offered tool's name (the named one only) and arguments (the schema for strict tools,
     * any JSON object otherwise), then the format's closer, after which the answer ends.
     */
    static TokenConstraint forcedCall(ToolCallStream calls, Tokenizer tokenizer, Set<Integer> markerTokens,
                                      ToolChoice choice) {
        List<Tool> tools = choice.mode() == ToolChoice.Mode.NAMED
                ? calls.tools().stream().filter(tool -> tool.name().equals(choice.toolName())).toList()
                : calls.tools();
        if (tools.isEmpty()) {
            throw new InvalidRequestException("tool choice " + choice + " names no offered tool");
        }
        Grammar grammar = grammar(calls.format(), tools, true, "tool choice " + choice);
        return new GrammarConstraint(grammar, TokenVocabulary.withMarkers(tokenizer, markerTokens));
    }

    /**
     * The schema a call's arguments are held to: a strict tool's always; when a call is forced, also a loose tool's
     * if it lies in the supported subset (so the forced answer ends), else any JSON object.
     */
    private static String constrainedSchema(Tool tool, boolean forced) {
        if (tool.strict()) {
            return tool.parametersJsonSchema();
        }
        if (!forced) {
            return null;
        }
        try {
            JsonSchemaGrammar.compile(tool.parametersJsonSchema());
            return tool.parametersJsonSchema();
        } catch (dev.hearth.local.internal.grammar.UnsupportedSchemaException e) {
            return null;
        }
    }

    private static Grammar grammar(ToolCallFormat format, List<Tool> tools, boolean forced, String why) {
        JsonSchemaGrammar.CallSyntax syntax = switch (format) {
            case HERMES -> new JsonSchemaGrammar.CallSyntax.JsonObject("arguments");
            case LLAMA3_JSON -> new JsonSchemaGrammar.CallSyntax.JsonObject("parameters");
            case MISTRAL -> new JsonSchemaGrammar.CallSyntax.JsonArray();
            case MISTRAL_ARGS -> new JsonSchemaGrammar.CallSyntax.BareName("[ARGS]");
        };
        String after = format == ToolCallFormat.HERMES ? "</tool_call>" : "";
        Key key = new Key(format, tools, forced);
        Grammar grammar;
        synchronized (COMPILED) {
            grammar = COMPILED.get(key);
        }
        if (grammar == null) {
            List<CallableTool> callable = tools.stream()
                    .map(tool -> new CallableTool(tool.name(), constrainedSchema(tool, forced)))
                    .toList();
            grammar = JsonSchemaGrammar.toolCall(callable, syntax, forced ? format.opener() : "", after);
            synchronized (COMPILED) {
                COMPILED.put(key, grammar);
            }
        }
        return grammar;
    }
}
