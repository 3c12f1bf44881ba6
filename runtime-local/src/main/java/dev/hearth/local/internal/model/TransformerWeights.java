package dev.hearth.local.internal.model;

import dev.hearth.api.ModelFormatException;
import dev.hearth.api.UnsupportedModelException;
import dev.hearth.local.internal.gguf.GgmlType;
import dev.hearth.local.internal.gguf.GgufFile;
import dev.hearth.local.internal.gguf.GgufTensorInfo;
import dev.hearth.local.internal.tensor.ScalarReference;
import dev.hearth.local.internal.tensor.WeightMatrix;
import dev.hearth.local.stage.LayerRange;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The weights of a model's layer range, looked up by GGUF tensor name and checked against the configuration's shape:
 * the range's layers, plus the token embedding when the range starts at layer 0 and the final norm and output
 * projection when it ends at the last layer. Tensors outside the range are not read (their pages of the mapping are
 * never touched), so a stage of a large model costs only its share of memory. A missing tensor, a wrong shape or an
 * unsupported type is reported with the tensor's name, and so is a tensor the forward pass would not use: an unknown
 * tensor means the file needs a feature this engine lacks, and ignoring it would silently compute something else.
 */
final class TransformerWeights {
    final LayerRange range;
    /** The token embedding; null unless the range starts at layer 0. */
    final WeightMatrix tokenEmbedding;
    /** The range's layers, the first at index 0. */
    final List<LayerWeights> layers;
    /** Null unless the range ends at the last layer. */
    final float[] outputNorm;
    /** The output projection (the token embedding when the model ties them); null unless the range ends last. */
    final WeightMatrix output;
    /** Llama 3 per-dimension RoPE frequency divisors ({@code rope_freqs.weight}), or null. */
    final float[] ropeFrequencyFactors;

    private final GgufFile file;
    private final Set<String> used = new HashSet<>();

    TransformerWeights(GgufFile file, ModelConfig config, LayerRange range) {
        this.file = file;
        this.range = range.checkWithin(config.layerCount());
        boolean last = range.last(config.layerCount());
        ArchitectureFeatures features = config.features();
        int embedding = config.embeddingLength();
        int queryDimension = config.queryDimension();
        int kvDimension = config.kvDimension();
        int feedForward = config.feedForwardLength();
        int headDimension = config.headDimension();
        rejectUnsupportedRopeFactors(config);
        boolean tiedOutput = file.tensor("output.weight").isEmpty();
        tokenEmbedding = range.first() || (last && tiedOutput)
                ? matrix("token_embd.weight", config.vocabularySize(), embedding) : null;
        List<LayerWeights> blocks = new ArrayList<>(range.size());
        for (int i = range.from(); i < range.to(); i++) {
            String b = "blk." + i + ".";
            boolean fusedQkv = features.fusedQkv();
            boolean biasesRequired = features.attentionBiases();
            blocks.add(new LayerWeights(
                    vector(b + "attn_norm.weight", embedding),
                    fusedQkv ? null : matrix(b + "attn_q.weight", queryDimension, embedding),
                    fusedQkv ? null : matrix(b + "attn_k.weight", kvDimension, embedding),
                    fusedQkv ? null : matrix(b + "attn_v.weight", kvDimension, embedding),
                    fusedQkv ? matrix(b + "attn_qkv.weight", queryDimension + 2 * kvDimension, embedding) : null,
                    fusedQkv ? null : vector(b + "attn_q.bias", queryDimension, biasesRequired),
                    fusedQkv ? null : vector(b + "attn_k.bias", kvDimension, biasesRequired),
                    fusedQkv ? null : vector(b + "attn_v.bias", kvDimension, biasesRequired),
                    features.queryKeyNorms() ? vector(b + "attn_q_norm.weight", headDimension) : null,
                    features.queryKeyNorms() ? vector(b + "attn_k_norm.weight", headDimension) : null,
                    matrix(b + "attn_output.weight", embedding, queryDimension),
                    vector(b + "attn_output.bias", embedding, false),
                    features.postNorms() ? vector(b + "post_attention_norm.weight", embedding) : null,
                    vector(b + "ffn_norm.weight", embedding),
                    features.fusedGateUp() ? null : matrix(b + "ffn_gate.weight", feedForward, embedding),
                    matrix(b + "ffn_up.weight", features.fusedGateUp() ? 2 * feedForward : feedForward, embedding),
                    matrix(b + "ffn_down.weight", embedding, feedForward),
                    features.postNorms() ? vector(b + "post_ffw_norm.weight", embedding) : null));
        }
        layers = List.copyOf(blocks);
        outputNorm = last ? vector("output_norm.weight", embedding) : null;
        output = !last ? null : tiedOutput ? tokenEmbedding : matrix("output.weight", config.vocabularySize(), embedding);
        ropeFrequencyFactors = vector("rope_freqs.weight", config.ropeDimensions() / 2, false);
        rejectUnusedTensors(config);
    }

    /** Phi-3 "LongRoPE" files carry two factor sets chosen by context length plus an attention factor. */
    private void rejectUnsupportedRopeFactors(ModelConfig config) {
        for (String name : List.of("rope_factors_long.weight", "rope_factors_short.weight")) {
            if (file.tensor(name).isPresent()) {
                throw new UnsupportedModelException("Tensor " + name + ": LongRoPE scaling (" + config.architecture().ggufName()
                        + " long-context variants) is not supported by the local engine yet.");
            }
        }
    }

    /** Checks every tensor this range would compute with; tensors of other stages are theirs to check. */
    private void rejectUnusedTensors(ModelConfig config) {
        for (GgufTensorInfo tensor : file.tensors()) {
            if (!used.contains(tensor.name()) && belongsHere(tensor, config)) {
                throw new UnsupportedModelException("Tensor " + tensor.name() + " is not part of the local engine's "
                        + config.architecture().ggufName() + " forward pass (the model needs a feature the engine lacks).");
            }
        }
    }

    private boolean belongsHere(GgufTensorInfo tensor, ModelConfig config) {
        String name = tensor.name();
        int layer = tensor.layer();
        if (layer >= 0) {
            // a layer beyond the model's count belongs to no stage: every stage reports it
            return range.contains(layer) || layer >= config.layerCount();
        }
        boolean last = range.last(config.layerCount());
        if (name.equals("token_embd.weight")) {
            return range.first() || (last && file.tensor("output.weight").isEmpty());
        }
        if (name.startsWith("output")) {
            return last;
        }
        return true;
    }

    private GgufTensorInfo require(String name) {
        Optional<GgufTensorInfo> tensor = file.tensor(name);
        used.add(name);
        return tensor.orElseThrow(() -> new ModelFormatException("tensor " + name, -1, "required tensor is missing"));
    }

    private WeightMatrix matrix(String name, int rows, int cols) {
        GgufTensorInfo tensor = require(name);
        if (tensor.rank() != 2 || tensor.dim(0) != cols || tensor.dim(1) != rows) {
            throw new ModelFormatException("tensor " + name, tensor.dataOffset(), "shape " + Arrays.toString(tensor.dims())
                    + " does not match the expected [" + cols + ", " + rows + "] from the model's metadata");
        }
        try {
            return WeightMatrix.of(tensor.type(), file.data(tensor), rows, cols);
        } catch (UnsupportedModelException e) {
            throw new UnsupportedModelException("Tensor " + name + ": " + e.getMessage());
        }
    }

    /** A vector that may be absent: null when {@code required} is false and the file lacks it. */
    private float[] vector(String name, int length, boolean required) {
        if (!required && file.tensor(name).isEmpty()) {
            return null;
        }
        return vector(name, length);
    }

    private float[] vector(String name, int length) {
        GgufTensorInfo tensor = require(name);
        if (tensor.elementCount() != length || tensor.dim(0) != length) {
            throw new ModelFormatException("tensor " + name, tensor.dataOffset(), "shape " + Arrays.toString(tensor.dims())
                    + " does not match the expected [" + length + "]");
        }
        if (tensor.type() != GgmlType.F32 && tensor.type() != GgmlType.F16 && tensor.type() != GgmlType.BF16) {
            throw new UnsupportedModelException("Tensor " + name + " has type " + tensor.type()
                    + "; norm and bias vectors must be F32, F16 or BF16.");
        }
        return ScalarReference.dequantize(tensor.type(), file.data(tensor), length);
    }
}
