package dev.hearth.local.stage;

import dev.hearth.local.internal.gguf.GgufFile;
import dev.hearth.local.internal.gguf.GgufTensorInfo;
import dev.hearth.local.internal.model.ModelConfig;
import dev.hearth.local.internal.tokenizer.Tokenizer;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * What a placement planner needs to know of a GGUF model before any weight is read: its layers, the width of the
 * residual stream that crosses a stage boundary, and the bytes each layer's weights and KV cache take, so layers can
 * be split across machines in proportion to their memory.
 *
 * @param layerCount       transformer layers
 * @param embeddingLength  floats per position handed from stage to stage
 * @param vocabularySize   tokens (the last stage's logits per position)
 * @param kvDimension      floats of keys (and as many of values) per layer and position
 * @param layerBytes       weight bytes of each layer
 * @param embeddingBytes   the token embedding (first stage; also the last when the output is tied to it)
 * @param outputBytes      the final norm and output projection (last stage; 0 beyond the norm when tied)
 * @param sharedBytes      tensors every stage reads (RoPE frequency factors)
 */
public record ModelLayout(int layerCount, int embeddingLength, int vocabularySize, int kvDimension, long[] layerBytes,
                          long embeddingBytes, long outputBytes, boolean tiedOutput, long sharedBytes) {
    public ModelLayout {
        layerBytes = layerBytes.clone();
        if (layerBytes.length != layerCount) {
            throw new IllegalArgumentException(layerBytes.length + " layer sizes for " + layerCount + " layers");
        }
    }

    /** Reads the layout from a GGUF file's header and tensor table (no weights are touched). */
    public static ModelLayout read(Path model) {
        try (GgufFile file = GgufFile.open(model)) {
            Tokenizer tokenizer = Tokenizer.fromGguf(file.metadata());
            ModelConfig config = ModelConfig.from(file.metadata(), tokenizer.vocabularySize());
            long[] layers = new long[config.layerCount()];
            long embedding = 0;
            long output = 0;
            long shared = 0;
            boolean tied = file.tensor("output.weight").isEmpty();
            for (GgufTensorInfo tensor : file.tensors()) {
                String name = tensor.name();
                int layer = tensor.layer();
                if (layer >= 0 && layer < layers.length) {
                    layers[layer] += tensor.byteSize();
                } else if (name.equals("token_embd.weight")) {
                    embedding += tensor.byteSize();
                } else if (name.startsWith("output")) {
                    output += tensor.byteSize();
                } else {
                    shared += tensor.byteSize();
                }
            }
            return new ModelLayout(config.layerCount(), config.embeddingLength(), config.vocabularySize(),
                    config.kvDimension(), layers, embedding, output, tied, shared);
        }
    }

    @Override
    public long[] layerBytes() {
        return layerBytes.clone();
    }

    /** Weight bytes a stage of {@code range} reads. */
    public long weightBytes(LayerRange range) {
        range.checkWithin(layerCount);
        long bytes = sharedBytes;
        for (int layer = range.from(); layer < range.to(); layer++) {
            bytes += layerBytes[layer];
        }
        boolean last = range.last(layerCount);
        if (range.first() || (last && tiedOutput)) {
            bytes += embeddingBytes;
        }
        if (last) {
            bytes += outputBytes;
        }
        return bytes;
    }

    /** Bytes of the float32 KV cache of {@code range} holding {@code contextLength} positions. */
    public long kvCacheBytes(LayerRange range, int contextLength) {
        return 2L * Float.BYTES * range.size() * kvDimension * contextLength;
    }

    /** Weights plus KV cache: the memory a stage of {@code range} needs. */
    public long bytesFor(LayerRange range, int contextLength) {
        return weightBytes(range) + kvCacheBytes(range, contextLength);
    }

    /** Bytes of the hidden states one position sends across a stage boundary. */
    public int hiddenBytesPerPosition() {
        return embeddingLength * Float.BYTES;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ModelLayout that && layerCount == that.layerCount && embeddingLength == that.embeddingLength
                && vocabularySize == that.vocabularySize && kvDimension == that.kvDimension
                && Arrays.equals(layerBytes, that.layerBytes) && embeddingBytes == that.embeddingBytes
                && outputBytes == that.outputBytes && tiedOutput == that.tiedOutput && sharedBytes == that.sharedBytes;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(layerBytes) + Long.hashCode(embeddingBytes + outputBytes) + layerCount;
    }

    @Override
    public String toString() {
        return "ModelLayout[" + layerCount + " layers, embedding " + embeddingLength + ", vocabulary " + vocabularySize
                + ", " + weightBytes(LayerRange.all(layerCount)) + " weight bytes]";
    }
}
