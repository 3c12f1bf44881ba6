package dev.hearth.api;

/** The last event of a stream: the whole answer with its usage, timings and route. */
public record CompletionEvent(ChatResponse response) implements ChatEvent {
}
