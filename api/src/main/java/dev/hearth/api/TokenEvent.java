package dev.hearth.api;

import java.util.Optional;

/**
 * One generated token. {@code text} is the text it completed: it may be empty when the token is part of a character
 * that needs more tokens, and it may hold characters from earlier tokens; concatenating every event's text gives the
 * answer's text, except that text matching a stop sequence is held back and never emitted.
 *
 * @param index   0-based position of the token in the answer
 * @param tokenId the runtime's token id, or -1 when the runtime does not expose ids
 * @param logprob the token's log probability when the request asked for {@link GenerationOptions#logprobs()}
 */
public record TokenEvent(int index, int tokenId, String text, Optional<TokenLogprob> logprob) implements ChatEvent {
    public TokenEvent {
        java.util.Objects.requireNonNull(logprob, "logprob");
    }

    /** A token without a log probability. */
    public TokenEvent(int index, int tokenId, String text) {
        this(index, tokenId, text, Optional.empty());
    }
}
