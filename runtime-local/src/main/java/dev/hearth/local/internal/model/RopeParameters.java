package dev.hearth.local.internal.model;

/**
 * The RoPE frequencies of one kind of layer. Gemma 3's sliding-window layers use a different base (and no scaling)
 * than its global layers, so a model can have two of these.
 *
 * @param frequencyBase  theta base: pair i of a head turns at {@code base^(-2i/dimensions)} per position
 * @param positionScale  linear RoPE scaling: positions are multiplied by this (1 when the model is not scaled)
 */
public record RopeParameters(double frequencyBase, double positionScale) {
    public RopeParameters {
        if (!(frequencyBase > 1) || Double.isInfinite(frequencyBase)) {
            throw new IllegalArgumentException("RoPE base " + frequencyBase + " must be a finite number > 1");
        }
        if (!(positionScale > 0) || Double.isInfinite(positionScale)) {
            throw new IllegalArgumentException("RoPE position scale " + positionScale + " must be a finite number > 0");
        }
    }
}
