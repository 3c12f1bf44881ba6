package dev.hearth.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A conversation to answer: its messages in order, the tools the model may call, how to sample, and optionally the
 * model to use (runtimes that serve one model ignore it), how to use the runtime's prefix cache, and how sensitive it
 * is: {@code sensitivity} is the highest of the level given and the levels of every message, so marking one message
 * {@link Sensitivity#PRIVATE} makes the whole request private, and no setting can make it less sensitive than that.
 * {@link #toString()} never shows message content.
 */
public record ChatRequest(List<Message> messages, List<Tool> tools, GenerationOptions options, Optional<String> model,
                          CacheControl cache, Sensitivity sensitivity) {

    public ChatRequest {
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(sensitivity, "sensitivity");
        messages = List.copyOf(messages);
        for (Message message : messages) {
            sensitivity = sensitivity.max(message.sensitivity());
        }
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
        ToolChoice choice = options.toolChoice();
        if (choice.forcesCall() && tools.isEmpty()) {
            throw new InvalidRequestException("tool choice " + choice + " needs at least one tool");
        }
        if (choice.mode() == ToolChoice.Mode.NAMED && tools.stream().noneMatch(tool -> tool.name().equals(choice.toolName()))) {
            throw new InvalidRequestException("tool choice names '" + choice.toolName() + "', which is not among the tools "
                    + tools.stream().map(Tool::name).toList());
        }
    }

    /** A request as sensitive as its most sensitive message. */
    public ChatRequest(List<Message> messages, List<Tool> tools, GenerationOptions options, Optional<String> model,
                       CacheControl cache) {
        this(messages, tools, options, model, cache, Sensitivity.PUBLIC);
    }

    /** A request with the default cache use. */
    public ChatRequest(List<Message> messages, List<Tool> tools, GenerationOptions options, Optional<String> model) {
        this(messages, tools, options, model, CacheControl.defaults());
    }

    public static ChatRequest of(Message... messages) {
        return builder().messages(List.of(messages)).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public ChatRequest withOptions(GenerationOptions newOptions) {
        return new ChatRequest(messages, tools, newOptions, model, cache, sensitivity);
    }

    /** This request offering {@code newTools} instead (a tool choice that names a missing tool is then refused). */
    public ChatRequest withTools(List<Tool> newTools) {
        return new ChatRequest(messages, newTools, options, model, cache, sensitivity);
    }

    public ChatRequest withCache(CacheControl newCache) {
        return new ChatRequest(messages, tools, options, model, newCache, sensitivity);
    }

    /** This request at least as sensitive as {@code atLeast} (never less sensitive than its messages). */
    public ChatRequest withSensitivity(Sensitivity atLeast) {
        return new ChatRequest(messages, tools, options, model, cache, atLeast);
    }

    /** Builds a request message by message. */
    public static final class Builder {
        private final List<Message> messages = new ArrayList<>();
        private final List<Tool> tools = new ArrayList<>();
        private GenerationOptions options = GenerationOptions.defaults();
        private String model;
        private CacheControl cache = CacheControl.defaults();
        private Sensitivity sensitivity = Sensitivity.PUBLIC;

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

        public Builder system(String content, Sensitivity sensitivity) {
            return message(Message.system(content, sensitivity));
        }

        public Builder user(String content, Sensitivity sensitivity) {
            return message(Message.user(content, sensitivity));
        }

        /** A tool's result marked {@code sensitivity}: a tool that read a private file returns private content. */
        public Builder toolResult(String toolCallId, String content, Sensitivity sensitivity) {
            return message(Message.toolResult(toolCallId, content, sensitivity));
        }

        /** Makes the request at least this sensitive, whatever its messages say. */
        public Builder sensitivity(Sensitivity sensitivity) {
            this.sensitivity = Objects.requireNonNull(sensitivity, "sensitivity");
            return this;
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

        public Builder cache(CacheControl cache) {
            this.cache = Objects.requireNonNull(cache, "cache");
            return this;
        }

        public ChatRequest build() {
            return new ChatRequest(messages, tools, options, Optional.ofNullable(model), cache, sensitivity);
        }
    }

    @Override
    public String toString() {
        return "ChatRequest[" + messages.size() + " messages, " + tools.size() + " tools, " + options
                + model.map(name -> ", model " + name).orElse("") + ", " + sensitivity + "]";
    }
}
