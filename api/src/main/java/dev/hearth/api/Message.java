package dev.hearth.api;

import java.util.List;
import java.util.Objects;

/**
 * One message of a conversation. Assistant messages may carry {@link #toolCalls()}; a {@link Role#TOOL} message
 * carries the result of one call and names it in {@link #toolCallId()}. {@link #sensitivity()} says where routing
 * rules let the message go ({@link Sensitivity#PUBLIC} unless marked).
 */
public record Message(Role role, String content, List<ToolCall> toolCalls, String toolCallId, Sensitivity sensitivity) {

    public Message {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(sensitivity, "sensitivity");
        toolCalls = List.copyOf(toolCalls);
        if (role == Role.TOOL && (toolCallId == null || toolCallId.isBlank())) {
            throw new InvalidRequestException("A tool message must name the tool call it answers (toolCallId).");
        }
        if (role != Role.ASSISTANT && !toolCalls.isEmpty()) {
            throw new InvalidRequestException("Only assistant messages carry tool calls, not " + role + " messages.");
        }
    }

    /** A public message. */
    public Message(Role role, String content, List<ToolCall> toolCalls, String toolCallId) {
        this(role, content, toolCalls, toolCallId, Sensitivity.PUBLIC);
    }

    public static Message system(String content) {
        return new Message(Role.SYSTEM, content, List.of(), null);
    }

    public static Message user(String content) {
        return new Message(Role.USER, content, List.of(), null);
    }

    public static Message system(String content, Sensitivity sensitivity) {
        return new Message(Role.SYSTEM, content, List.of(), null, sensitivity);
    }

    public static Message user(String content, Sensitivity sensitivity) {
        return new Message(Role.USER, content, List.of(), null, sensitivity);
    }

    public static Message assistant(String content) {
        return new Message(Role.ASSISTANT, content, List.of(), null);
    }

    public static Message assistant(String content, List<ToolCall> toolCalls) {
        return new Message(Role.ASSISTANT, content, toolCalls, null);
    }

    public static Message toolResult(String toolCallId, String content) {
        return new Message(Role.TOOL, content, List.of(), toolCallId);
    }

    public static Message toolResult(String toolCallId, String content, Sensitivity sensitivity) {
        return new Message(Role.TOOL, content, List.of(), toolCallId, sensitivity);
    }

    /** This message marked {@code newSensitivity}. */
    public Message withSensitivity(Sensitivity newSensitivity) {
        return new Message(role, content, toolCalls, toolCallId, newSensitivity);
    }

    /** Shows the role and the size of the content, never the content itself: prompts stay out of logs. */
    @Override
    public String toString() {
        return "Message[" + role + ", " + content.length() + " chars" + (toolCalls.isEmpty() ? "" : ", " + toolCalls.size() + " tool calls")
                + (sensitivity == Sensitivity.PUBLIC ? "" : ", " + sensitivity) + "]";
    }
}
