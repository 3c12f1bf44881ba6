package dev.hearth.api;

import java.util.List;
import java.util.Objects;

/**
 * One message of a conversation. Assistant messages may carry {@link #toolCalls()}; a {@link Role#TOOL} message
 * carries the result of one call and names it in {@link #toolCallId()}.
 */
public record Message(Role role, String content, List<ToolCall> toolCalls, String toolCallId) {

    public Message {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
        toolCalls = List.copyOf(toolCalls);
        if (role == Role.TOOL && (toolCallId == null || toolCallId.isBlank())) {
            throw new InvalidRequestException("A tool message must name the tool call it answers (toolCallId).");
        }
        if (role != Role.ASSISTANT && !toolCalls.isEmpty()) {
            throw new InvalidRequestException("Only assistant messages carry tool calls, not " + role + " messages.");
        }
    }

    public static Message system(String content) {
        return new Message(Role.SYSTEM, content, List.of(), null);
    }

    public static Message user(String content) {
        return new Message(Role.USER, content, List.of(), null);
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

    /** Shows the role and the size of the content, never the content itself: prompts stay out of logs. */
    @Override
    public String toString() {
        return "Message[" + role + ", " + content.length() + " chars" + (toolCalls.isEmpty() ? "" : ", " + toolCalls.size() + " tool calls") + "]";
    }
}
