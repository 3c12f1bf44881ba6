package dev.hearth.api;

import java.util.Objects;

/**
 * Whether the answer may, must or must not call the offered tools: {@link #auto()} lets the model choose (the default),
 * {@link #none()} offers no tool, {@link #required()} makes the answer a call to one of them and {@link #named(String)}
 * a call to that tool. Runtimes that cannot enforce a choice refuse it rather than ignore it.
 *
 * @param mode     which of the four choices
 * @param toolName the tool a {@link Mode#NAMED} choice calls; null otherwise
 */
public record ToolChoice(Mode mode, String toolName) {
    /** The four choices OpenAI and Anthropic expose. */
    public enum Mode { AUTO, NONE, REQUIRED, NAMED }

    private static final ToolChoice AUTO = new ToolChoice(Mode.AUTO, null);
    private static final ToolChoice NONE = new ToolChoice(Mode.NONE, null);
    private static final ToolChoice REQUIRED = new ToolChoice(Mode.REQUIRED, null);

    public ToolChoice {
        Objects.requireNonNull(mode, "mode");
        if ((mode == Mode.NAMED) != (toolName != null)) {
            throw new InvalidRequestException("a tool choice names a tool exactly when its mode is NAMED, got "
                    + mode + " with tool " + toolName);
        }
    }

    public static ToolChoice auto() {
        return AUTO;
    }

    public static ToolChoice none() {
        return NONE;
    }

    public static ToolChoice required() {
        return REQUIRED;
    }

    public static ToolChoice named(String toolName) {
        return new ToolChoice(Mode.NAMED, Objects.requireNonNull(toolName, "toolName"));
    }

    /** Whether the answer must be a tool call. */
    public boolean forcesCall() {
        return mode == Mode.REQUIRED || mode == Mode.NAMED;
    }

    @Override
    public String toString() {
        return mode == Mode.NAMED ? "named(" + toolName + ")" : mode.name().toLowerCase(java.util.Locale.ROOT);
    }
}
