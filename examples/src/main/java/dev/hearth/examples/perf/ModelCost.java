package dev.hearth.examples.perf;

import dev.hearth.api.ModelFormatException;
import dev.hearth.local.internal.gguf.GgufFile;
import dev.hearth.local.internal.gguf.GgufTensorInfo;
import dev.hearth.local.internal.model.ModelConfig;

import java.nio.file.Path;

/**
 * What one token costs a model, from its GGUF alone: the bytes a decode step must read (every weight it multiplies,
 * one embedding row, the KV cache it attends over) and the floating-point operations it performs (2 per weight of
 * every matrix it multiplies, 4 per query dimension per attended position). Decode streams the weights once per token,
 * so it is bound by memory bandwidth; prefill can reuse them across tokens, so its bound is arithmetic.
 *
 * @param fileName             the model file's name, to match bench results against
 * @param tensorBytes          every tensor's stored bytes
 * @param weightBytesPerToken  bytes of weights one decode step reads (the embedding table only when the output
 *                             projection is tied to it, otherwise one row of it)
 * @param matrixParameters     weights of the matrices one token is multiplied through (including the output
 *                             projection)
 */
public record ModelCost(String fileName, ModelConfig config, long tensorBytes, long weightBytesPerToken,
                        long matrixParameters) {

    private static final String TOKEN_EMBEDDING = "token_embd.weight";
    private static final String OUTPUT = "output.weight";

    /** Reads the costs of {@code path}'s model. */
    public static ModelCost of(Path path) {
        try (GgufFile file = GgufFile.open(path)) {
            return of(file);
        }
    }

    static ModelCost of(GgufFile file) {
        GgufTensorInfo embedding = file.tensor(TOKEN_EMBEDDING).orElseThrow(() -> new ModelFormatException(
                TOKEN_EMBEDDING, -1, file.path().getFileName() + " has no token embedding tensor"));
        int vocabulary = Math.toIntExact(embedding.dim(1));
        ModelConfig config = ModelConfig.from(file.metadata(), vocabulary);
        boolean tied = file.tensor(OUTPUT).isEmpty();
        long total = 0;
        long read = 0;
        long parameters = 0;
        for (GgufTensorInfo tensor : file.tensors()) {
            total += tensor.byteSize();
            boolean isEmbedding = tensor.name().equals(TOKEN_EMBEDDING);
            if (isEmbedding && !tied) {
                read += tensor.byteSize() / vocabulary;
                continue;
            }
            read += tensor.byteSize();
            if (tensor.rank() >= 2) {
                parameters += tensor.elementCount();
            }
        }
        return new ModelCost(file.path().getFileName().toString(), config, total, read, parameters);
    }

    /** Positions layer {@code layer} attends over for the token at {@code position} (sliding windows cap it). */
    private long visiblePositions(int layer, int position) {
        return position - config.slidingWindow().firstVisible(layer, position) + 1L;
    }

    private long attendedPositions(int position) {
        long sum = 0;
        for (int layer = 0; layer < config.layerCount(); layer++) {
            sum += visiblePositions(layer, position);
        }
        return sum;
    }

    /** Bytes one decode step at {@code position} reads: the weights plus the keys and values it attends over (fp32). */
    public long bytesPerToken(int position) {
        return weightBytesPerToken + attendedPositions(position) * 2L * config.kvDimension() * Float.BYTES;
    }

    /** Floating-point operations of one token at {@code position}: matrix products plus attention scores and sums. */
    public long flopsPerToken(int position) {
        return 2L * matrixParameters + attendedPositions(position) * 4L * config.queryDimension();
    }

    /** Mean bytes per token over positions {@code [from, from + count)} (a decode run starting at depth {@code from}). */
    public double meanBytesPerToken(int from, int count) {
        double sum = 0;
        for (int position = from; position < from + count; position++) {
            sum += bytesPerToken(position);
        }
        return sum / Math.max(1, count);
    }

    /** Mean FLOPs per token over positions {@code [from, from + count)} (a prefill starting at depth {@code from}). */
    public double meanFlopsPerToken(int from, int count) {
        double sum = 0;
        for (int position = from; position < from + count; position++) {
            sum += flopsPerToken(position);
        }
        return sum / Math.max(1, count);
    }
}
