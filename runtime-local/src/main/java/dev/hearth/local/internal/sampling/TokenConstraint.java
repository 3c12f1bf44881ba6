package dev.hearth.local.internal.sampling;

/**
 * Restricts which tokens may come next (constrained decoding): the {@link Sampler} asks it to mask the logits before
 * choosing, then tells it the choice. One per generation; not thread-safe.
 */
public interface TokenConstraint {

    /** Sets the logit of every token that may not come next to negative infinity. */
    void mask(float[] logits);

    /** Moves past the chosen token, which {@link #mask} allowed. */
    void accept(int token);

    /**
     * True once nothing but an end-of-generation token could follow, so the caller may end the answer without
     * computing another step.
     */
    default boolean isFinished() {
        return false;
    }
}
