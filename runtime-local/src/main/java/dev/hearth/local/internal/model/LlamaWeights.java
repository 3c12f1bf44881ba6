package dev.hearth.local.internal.model;

import dev.hearth.api.ModelFormatException;
import dev.hearth.api.UnsupportedModelException;
import dev.hearth.local.internal.gguf.GgmlType;
import dev.hearth.local.internal.gguf.GgufFile;
import dev.hearth.local.internal.gguf.GgufTensorInfo;
import dev.hearth.local.internal.tensor.ScalarReference;
import dev.hearth.local.internal.tensor.WeightMatrix;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Every weight of a llama-family model, looked up by GGUF tensor name and checked against the configuration's shape.
 * A missing tensor, a wrong shape or an unsupported type is reported with the tensor's name.
 */
final class LlamaWeights {
    final WeightMatrix tokenEmbedding;
    final List<LayerWeights> layers;
    final float[] outputNorm;
    /** The output projection; the token embedding when the model ties them. */
    final WeightMatrix output;
    /** Llama 3 per-dimension RoPE frequency divisors ({@code rope_freqs.weight}), or null. */
    final float[] ropeFrequencyFactors;

    LlamaWeights(GgufFile file, LlamaConfig config) {
        int embedding = config.embeddingLength();
        tokenEmbedding = matrix(file, "token_embd.weight", config.vocabularySize(), embedding);
        List<LayerWeights> blocks = new ArrayList<>(config.layerCount());
        for (int i = 0; i < config.layerCount(); i++) {
            String b = "blk." + i + ".";
            blocks.add(new LayerWeights(
                    vector(file, b + "attn_norm.weight", embedding),
                    matrix(file, b + "attn_q.weight", config.queryDimension(), embedding),
                    matrix(file, b + "attn_k.weight", config.kvDimension(), embedding),
                    matrix(file, b + "attn_v.weight", config.kvDimension(), embedding),
                    matrix(file, b + "attn_output.weight", embedding, config.queryDimension()),
                    vector(file, b + "ffn_norm.weight", embedding),
                    matrix(file, b + "ffn_gate.weight", config.feedForwardLength(), embedding),
                    matrix(file, b + "ffn_up.weight", config.feedForwardLength(), embedding),
                    matrix(file, b + "ffn_down.weight", embedding, config.feedForwardLength())));
        }
        layers = List.copyOf(blocks);
        outputNorm = vector(file, "output_norm.weight", embedding);
        output = file.tensor("output.weight").isPresent()
                ? matrix(file, "output.weight", config.vocabularySize(), embedding)
                : tokenEmbedding;
        ropeFrequencyFactors = file.tensor("rope_freqs.weight").isPresent()
                ? vector(file, "rope_freqs.weight", config.ropeDimensions() / 2)
                : null;
    }

    private static GgufTensorInfo require(GgufFile file, String name) {
        Optional<GgufTensorInfo> tensor = file.tensor(name);
        return tensor.orElseThrow(() -> new ModelFormatException("tensor " + name, -1, "required tensor is missing"));
    }

    private static WeightMatrix matrix(GgufFile file, String name, int rows, int cols) {
        GgufTensorInfo tensor = require(file, name);
        if (tensor.rank() != 2 || tensor.dim(0) != cols || tensor.dim(1) != rows) {
            throw new ModelFormatException("tensor " + name, tensor.dataOffset(), "shape " + java.util.Arrays.toString(tensor.dims())
                    + " does not match the expected [" + cols + ", " + rows + "] from the model's metadata");
        }
        try {
            return WeightMatrix.of(tensor.type(), file.data(tensor), rows, cols);
        } catch (UnsupportedModelException e) {
            throw new UnsupportedModelException("Tensor " + name + ": " + e.getMessage());
        }
    }

    private static float[] vector(GgufFile file, String name, int length) {
        GgufTensorInfo tensor = require(file, name);
        if (tensor.elementCount() != length || tensor.dim(0) != length) {
            throw new ModelFormatException("tensor " + name, tensor.dataOffset(), "shape " + java.util.Arrays.toString(tensor.dims())
                    + " does not match the expected [" + length + "]");
        }
        if (tensor.type() != GgmlType.F32 && tensor.type() != GgmlType.F16 && tensor.type() != GgmlType.BF16) {
            throw new UnsupportedModelException("Tensor " + name + " has type " + tensor.type() + "; norm vectors must be F32, F16 or BF16.");
        }
        return ScalarReference.dequantize(tensor.type(), file.data(tensor), length);
    }
}
