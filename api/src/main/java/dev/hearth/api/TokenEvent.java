package dev.hearth.api;

/**
 * One generated token. {@code text} is the text it completed: it may be empty when the token is part of a character
 * that needs more tokens, and it may hold characters from earlier tokens; concatenating every event's text gives the
 * answer's text, except that text matching a stop sequence is held back and never emitted.
 *
 * @param index   0-based position of the token in the answer
 * @param tokenId the runtime's token id, or -1 when the runtime does not expose ids
 */
public record TokenEvent(int index, int tokenId, String text) implements ChatEvent {
}
