package dev.hearth.local.internal.template;

import java.util.List;
import java.util.Optional;

/**
 * How a model family writes tool calls in its answer, recognised from the markers its chat template teaches it.
 * {@link #opener()} is the text that starts a call; {@link #markers()} are all the marker texts of the format, which
 * the engine must decode as text when a vocabulary makes them control tokens (those detokenise to nothing).
 */
public enum ToolCallFormat {
    /** Hermes / Qwen: {@code <tool_call>{"name": ..., "arguments": {...}}</tool_call>}, several in a row allowed;
     * Qwen3-Coder writes the body as {@code <function=name><parameter=key>value</parameter></function>}. */
    HERMES("<tool_call>", List.of("<tool_call>", "</tool_call>")),
    /** Llama 3.1/3.2: the whole answer is {@code {"name": ..., "parameters": {...}}}, optionally after
     * {@code <|python_tag|>}. */
    LLAMA3_JSON("<|python_tag|>", List.of("<|python_tag|>")),
    /** Mistral Nemo: {@code [TOOL_CALLS][{"name": ..., "arguments": {...}, "id": ...}]}. Parsing also accepts the
     * {@link #MISTRAL_ARGS} form, since one family's models write both. */
    MISTRAL("[TOOL_CALLS]", List.of("[TOOL_CALLS]", "[CALL_ID]", "[ARGS]")),
    /** Mistral Small 3.2, Magistral: {@code [TOOL_CALLS]name[CALL_ID]id[ARGS]{...}} or {@code [TOOL_CALLS]name[ARGS]{...}};
     * parsing also accepts the {@link #MISTRAL} form. */
    MISTRAL_ARGS("[TOOL_CALLS]", List.of("[TOOL_CALLS]", "[CALL_ID]", "[ARGS]"));

    private final String opener;
    private final List<String> markers;

    ToolCallFormat(String opener, List<String> markers) {
        this.opener = opener;
        this.markers = markers;
    }

    public String opener() {
        return opener;
    }

    public List<String> markers() {
        return markers;
    }

    /** The format a chat template teaches, or empty when it shows no tool-call format this engine can parse. */
    public static Optional<ToolCallFormat> detect(String templateSource) {
        if (templateSource.contains("[TOOL_CALLS]")) {
            return Optional.of(templateSource.contains("[ARGS]") ? MISTRAL_ARGS : MISTRAL);
        }
        if (templateSource.contains("<tool_call>")) {
            return Optional.of(HERMES);
        }
        if (templateSource.contains("<|python_tag|>") || templateSource.contains("\"parameters\": dictionary of argument name")) {
            return Optional.of(LLAMA3_JSON);
        }
        return Optional.empty();
    }
}
