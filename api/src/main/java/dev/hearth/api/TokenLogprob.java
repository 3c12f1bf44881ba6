package dev.hearth.api;

import java.util.List;
import java.util.Objects;

/**
 * A generated token's natural-log probability and, when asked for, the most likely alternatives at its position
 * (most likely first, the chosen token among them when it ranks high enough), as OpenAI's {@code logprobs} reports.
 * The probabilities are those of the distribution the sampler draws from before its truncation filters: the model's
 * logits after logit bias, penalties and any grammar mask, at temperature 1.
 *
 * @param tokenId the runtime's token id
 * @param text    the token's text (its bytes as UTF-8; part of a character may show as U+FFFD)
 * @param logprob ln p(token); negative infinity for a token the mask or a bias banned
 * @param top     the {@code topN} most likely tokens at this position
 */
public record TokenLogprob(int tokenId, String text, double logprob, List<Alternative> top) {
    public TokenLogprob {
        Objects.requireNonNull(text, "text");
        top = List.copyOf(top);
    }

    /** One of the most likely tokens at a position. */
    public record Alternative(int tokenId, String text, double logprob) {
        public Alternative {
            Objects.requireNonNull(text, "text");
        }
    }
}
