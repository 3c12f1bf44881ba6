package dev.hearth.examples.agent;

/**
 * A tool call's arguments do not fit the tool (not JSON, a missing or mistyped field, a value out of range). The
 * loop reports the message to the model as the call's result, so it can correct the call.
 */
public final class ToolArgumentsException extends RuntimeException {
    public ToolArgumentsException(String message) {
        super(message);
    }

    public ToolArgumentsException(String message, Throwable cause) {
        super(message, cause);
    }
}
