package dev.hearth.examples.agent;

/**
 * A file tool was asked for a path outside its sandbox folder (an absolute path, a {@code ..} step, a symbolic link
 * that leads out) or for one that does not exist. The message names the path and the rule, and goes back to the model
 * as the call's result.
 */
public final class SandboxException extends RuntimeException {
    public SandboxException(String message) {
        super(message);
    }
}
