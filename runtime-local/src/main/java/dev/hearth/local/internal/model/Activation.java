package dev.hearth.local.internal.model;

/** The gated feed-forward's activation: {@code down(act(gate) · up)}. */
public enum Activation {
    /** SwiGLU: {@code x · sigmoid(x)}. */
    SILU,
    /** GeGLU with the tanh approximation of GELU (Gemma), computed exactly rather than from a lookup table. */
    GELU_TANH
}
