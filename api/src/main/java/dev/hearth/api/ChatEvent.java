package dev.hearth.api;

/** What a streaming answer emits: {@link TokenEvent}s as text arrives, then one {@link CompletionEvent}. */
public sealed interface ChatEvent permits TokenEvent, CompletionEvent {
}
