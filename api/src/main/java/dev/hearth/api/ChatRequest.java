package dev.hearth.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A conversation to answer: its messages in order, the tools the model may call, how to sample, and optionally the
 * model to use (runtimes that serve one model ignore it).
 */
public record ChatRequest(List<Message> messages, List<Tool> tools, GenerationOptions options, Optional<String> model) {

    public ChatRequest {
        messages = List.copyOf(messages);
        tools = List.copyOf(tools);
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(model, "model");
        if (messages.isEmpty()) {
            throw new InvalidRequestException("A chat request needs at least one message.");
        }
        long names = tools.stream().map(Tool::name).distinct().count();
        if (names != tools.size()) {
            throw new InvalidRequestException("Tool names must be unique, got " + tools.stream().map(Tool::name).toList());
        }
    }

    public static ChatRequest of(Message... messages) {
        return builder().messages(List.of(messages)).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public ChatRequest withOptions(GenerationOptions newOptions) {
        return new ChatRequest(messages, tools, newOptions, model);
    }

    /** Builds a request message by message. */
    public static final class Builder {
        private final List<Message> messages = new ArrayList<>();
        private final List<Tool> tools = new ArrayList<>();
        private GenerationOptions options = GenerationOptions.defaults();
        private String model;

        private Builder() {
        }

        public Builder message(Message message) {
            messages.add(Objects.requireNonNull(message, "message"));
            return this;
        }

        public Builder messages(List<Message> more) {
            more.forEach(this::message);
            return this;
        }

        public Builder system(String content) {
            return message(Message.system(content));
        }

        public Builder user(String content) {
            return message(Message.user(content));
        }

        public Builder assistant(String content) {
            return message(Message.assistant(content));
        }

        public Builder toolResult(String toolCallId, String content) {
            return message(Message.toolResult(toolCallId, content));
        }

        public Builder tools(List<Tool> more) {
            tools.addAll(more);
            return this;
        }

        public Builder options(GenerationOptions options) {
            this.options = Objects.requireNonNull(options, "options");
            return this;
        }

        public Builder model(String model) {
            this.model = model;
            return this;
        }

        public ChatRequest build() {
            return new ChatRequest(messages, tools, options, Optional.ofNullable(model));
        }
    }
}
