package dev.hearth.local.stage;

/**
 * The contiguous layers {@code [from, to)} of a model that one stage computes. A stage starting at layer 0 also owns
 * the token embedding; a stage ending at the model's last layer also owns the final norm and the output projection.
 */
public record LayerRange(int from, int to) {
    public LayerRange {
        if (from < 0 || to <= from) {
            throw new IllegalArgumentException("a layer range needs 0 <= from < to, was [" + from + ", " + to + ")");
        }
    }

    /** Every layer of a model with {@code layerCount} layers. */
    public static LayerRange all(int layerCount) {
        return new LayerRange(0, layerCount);
    }

    public int size() {
        return to - from;
    }

    /** Whether this range starts at the first layer (and so embeds tokens). */
    public boolean first() {
        return from == 0;
    }

    /** Whether this range ends at the last of {@code layerCount} layers (and so produces logits). */
    public boolean last(int layerCount) {
        return to == layerCount;
    }

    public boolean contains(int layer) {
        return layer >= from && layer < to;
    }

    /** Throws when the range does not fit a model of {@code layerCount} layers. */
    public LayerRange checkWithin(int layerCount) {
        if (to > layerCount) {
            throw new IllegalArgumentException("layers [" + from + ", " + to + ") do not exist in a model of "
                    + layerCount + " layers");
        }
        return this;
    }

    @Override
    public String toString() {
        return "[" + from + ", " + to + ")";
    }
}
