package dev.hearth.api;

import java.util.Arrays;

/**
 * The vector of one input text. The array is copied in and out, so an embedding never changes once made.
 *
 * @param index the position of its text in the {@link EmbeddingRequest}
 */
public record Embedding(int index, float[] vector) {

    public Embedding {
        if (index < 0) {
            throw new IllegalArgumentException("index must not be negative, was " + index);
        }
        vector = vector.clone();
    }

    /** A copy of the vector. */
    @Override
    public float[] vector() {
        return vector.clone();
    }

    public int dimensions() {
        return vector.length;
    }

    /** Cosine similarity with another embedding of the same model (the dot product when both are normalised). */
    public double cosineSimilarity(Embedding other) {
        if (other.vector.length != vector.length) {
            throw new IllegalArgumentException("Cannot compare a " + vector.length + "-dimensional embedding with a "
                    + other.vector.length + "-dimensional one");
        }
        double dot = 0;
        double norm = 0;
        double otherNorm = 0;
        for (int i = 0; i < vector.length; i++) {
            dot += (double) vector[i] * other.vector[i];
            norm += (double) vector[i] * vector[i];
            otherNorm += (double) other.vector[i] * other.vector[i];
        }
        return norm == 0 || otherNorm == 0 ? 0 : dot / Math.sqrt(norm * otherNorm);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Embedding that && index == that.index && Arrays.equals(vector, that.vector);
    }

    @Override
    public int hashCode() {
        return 31 * index + Arrays.hashCode(vector);
    }

    @Override
    public String toString() {
        return "Embedding[" + index + ", " + vector.length + " dimensions]";
    }
}
