package dev.hearth.examples.agent;

import dev.hearth.api.Sensitivity;

import java.util.Objects;

/**
 * What a tool call gave back to the model: its text, how sensitive that text is, and whether the call failed (a failed
 * call's text says why, in words the model can act on). A {@link Sensitivity#PRIVATE} result taints the rest of the
 * run: every later step is private, so routing keeps it on this machine.
 */
public record ToolResult(String content, Sensitivity sensitivity, boolean error) {
    public ToolResult {
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(sensitivity, "sensitivity");
    }

    public static ToolResult of(String content) {
        return new ToolResult(content, Sensitivity.PUBLIC, false);
    }

    /** A result whose content must not leave this machine, e.g. a file the user marked private. */
    public static ToolResult privateResult(String content) {
        return new ToolResult(content, Sensitivity.PRIVATE, false);
    }

    public static ToolResult error(String problem) {
        return new ToolResult("error: " + problem, Sensitivity.PUBLIC, true);
    }

    public boolean isPrivate() {
        return sensitivity == Sensitivity.PRIVATE;
    }
}
