package dev.hearth.langchain4j;

import dev.hearth.api.FinishReason;
import dev.hearth.api.Route;
import dev.hearth.api.Timings;
import dev.hearth.api.ToolCallError;
import dev.langchain4j.model.chat.response.ChatResponseMetadata;

import java.util.List;
import java.util.Objects;

/**
 * LangChain4j's response metadata with what Hearth knows besides: which runtime served ({@link #route()}), where the
 * time went ({@link #timings()}), Hearth's own finish reason (finer than LangChain4j's: a stop sequence, a full context
 * or a cancellation) and tool calls the model wrote wrongly ({@link #toolCallErrors()}), which LangChain4j's message
 * has no place for.
 */
public final class HearthChatResponseMetadata extends ChatResponseMetadata {
    private final Route route;
    private final Timings timings;
    private final FinishReason hearthFinishReason;
    private final List<ToolCallError> toolCallErrors;

    private HearthChatResponseMetadata(Builder builder) {
        super(builder);
        this.route = builder.route;
        this.timings = builder.timings;
        this.hearthFinishReason = builder.hearthFinishReason;
        this.toolCallErrors = builder.toolCallErrors == null ? List.of() : List.copyOf(builder.toolCallErrors);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Route route() {
        return route;
    }

    public Timings timings() {
        return timings;
    }

    public FinishReason hearthFinishReason() {
        return hearthFinishReason;
    }

    public List<ToolCallError> toolCallErrors() {
        return toolCallErrors;
    }

    @Override
    public Builder toBuilder() {
        Builder builder = new Builder().route(route).timings(timings).hearthFinishReason(hearthFinishReason)
                .toolCallErrors(toolCallErrors);
        return (Builder) toBuilder(builder);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof HearthChatResponseMetadata that && super.equals(that)
                && Objects.equals(route, that.route) && Objects.equals(timings, that.timings)
                && hearthFinishReason == that.hearthFinishReason && toolCallErrors.equals(that.toolCallErrors);
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), route, timings, hearthFinishReason, toolCallErrors);
    }

    @Override
    public String toString() {
        return "HearthChatResponseMetadata { " + super.toString() + ", route = " + route + ", hearthFinishReason = "
                + hearthFinishReason + ", toolCallErrors = " + toolCallErrors.size() + " }";
    }

    public static final class Builder extends ChatResponseMetadata.Builder<Builder> {
        private Route route;
        private Timings timings;
        private FinishReason hearthFinishReason;
        private List<ToolCallError> toolCallErrors;

        private Builder() {
        }

        public Builder route(Route route) {
            this.route = route;
            return this;
        }

        public Builder timings(Timings timings) {
            this.timings = timings;
            return this;
        }

        public Builder hearthFinishReason(FinishReason hearthFinishReason) {
            this.hearthFinishReason = hearthFinishReason;
            return this;
        }

        public Builder toolCallErrors(List<ToolCallError> toolCallErrors) {
            this.toolCallErrors = toolCallErrors;
            return this;
        }

        @Override
        public HearthChatResponseMetadata build() {
            return new HearthChatResponseMetadata(this);
        }
    }
}
