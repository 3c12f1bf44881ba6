package dev.hearth.local.internal.synthetic;

import dev.hearth.api.ConfigurationException;
import dev.hearth.local.internal.gguf.GgmlType;
import dev.hearth.local.internal.gguf.GgufFile;
import dev.hearth.local.internal.gguf.GgufMetadata;
import dev.hearth.local.internal.gguf.GgufWriter;
import dev.hearth.local.internal.gguf.MetadataArray;
import dev.hearth.local.internal.gguf.MetadataEntry;
import dev.hearth.local.internal.gguf.MetadataType;
import dev.hearth.local.internal.model.Architecture;
import dev.hearth.local.internal.tensor.Quantizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.SequencedMap;
import java.util.SplittableRandom;

/**
 * A GGUF model of any supported architecture and shape with seeded random weights, for tests and benchmarks that
 * need a realistic file without downloading one (a Llama-3.2-1B-shaped Q8_0 model is 1.3 GB). Tensor names, shapes
 * and metadata keys are those llama.cpp reads for the architecture; the tokenizer ({@code tokenizer.*} keys) is
 * copied from an existing GGUF, optionally padded with unused tokens to a larger vocabulary.
 *
 * <p>Weights follow the parity models' recipe (shared/models/parity/README.md) so activations stay in a sane range at
 * any width: projections are N(0, 1/fan-in) (queries and keys 1.5² / n_embd), norm weights 1 + 0.2·N(0,1), an
 * untied output N(0, 16² / n_embd), and a tied model's final norm zero-mean with logits of std ≈ 16. Each tensor draws
 * from its own generator seeded by the model seed and the tensor name, so a tensor's values do not depend on the
 * others and the same seed always gives a byte-identical file.
 *
 * <p>{@link #write} streams: rows are generated and quantised a block at a time straight into the mapped file, so
 * memory use is a few MiB whatever the model size.
 */
public final class SyntheticModel {
    /** Generate about this many values at a time (4 MiB of floats). */
    private static final int CHUNK_VALUES = 1 << 20;
    /** Llama 3 RoPE scaling as in Llama 3.1/3.2: factor, low- and high-frequency factors, original context. */
    private static final double LLAMA3_FACTOR = 32;
    private static final double LLAMA3_LOW_FREQUENCY_FACTOR = 1;
    private static final double LLAMA3_HIGH_FREQUENCY_FACTOR = 4;
    private static final double LLAMA3_ORIGINAL_CONTEXT = 8192;

    private final Architecture architecture;
    private final int embeddingLength;
    private final int layerCount;
    private final int headCount;
    private final int kvHeadCount;
    private final int headDimension;
    private final int feedForwardLength;
    private final int contextLength;
    private final boolean tiedOutput;
    private final boolean llama3RopeScaling;
    private final double ropeBase;
    private final int slidingWindow;
    private final WeightFormat format;
    private final long seed;
    private final String name;
    private final SequencedMap<String, MetadataEntry> tokenizer;
    private final int vocabularySize;
    private final List<TensorPlan> tensors;

    /**
     * One tensor of the file: its values are {@code mean + std(row)·N(0,1)} (std {@code std} for rows before
     * {@code tailStart}, {@code tailStd} after: phi3's fused qkv has query/key rows and value rows), or fixed values.
     */
    record TensorPlan(String name, long[] dims, GgmlType type, double mean, double std, long tailStart, double tailStd,
                      float[] fixed) {
        long rows() {
            return dims.length == 1 ? 1 : dims[1];
        }

        long columns() {
            return dims[0];
        }

        long elements() {
            return rows() * columns();
        }
    }

    private SyntheticModel(Builder builder) {
        this.architecture = builder.architecture;
        this.embeddingLength = builder.embeddingLength;
        this.layerCount = builder.layerCount;
        this.headCount = builder.headCount;
        this.kvHeadCount = builder.kvHeadCount;
        this.headDimension = builder.headDimension > 0 ? builder.headDimension : builder.embeddingLength / builder.headCount;
        this.feedForwardLength = builder.feedForwardLength;
        this.contextLength = builder.contextLength;
        this.tiedOutput = builder.tiedOutput != null ? builder.tiedOutput : tiedByDefault(architecture);
        this.llama3RopeScaling = builder.llama3RopeScaling;
        this.ropeBase = builder.ropeBase > 0 ? builder.ropeBase : defaultRopeBase(architecture);
        this.slidingWindow = builder.slidingWindow > 0 ? builder.slidingWindow
                : architecture == Architecture.GEMMA2 ? 4096 : 1024;
        this.format = builder.format;
        this.seed = builder.seed;
        this.name = builder.name != null ? builder.name : "hearth-synthetic-" + architecture.ggufName();
        this.tokenizer = readTokenizer(builder.tokenizerSource);
        int sourceVocabulary = ((MetadataArray) tokenizer.get("tokenizer.ggml.tokens").value()).length();
        this.vocabularySize = builder.vocabularySize > 0 ? builder.vocabularySize : sourceVocabulary;
        if (vocabularySize < sourceVocabulary) {
            throw new ConfigurationException("Vocabulary size " + vocabularySize + " is smaller than the "
                    + sourceVocabulary + " tokens of the tokenizer in " + builder.tokenizerSource);
        }
        if (vocabularySize > sourceVocabulary) {
            padVocabulary(sourceVocabulary);
        }
        this.tensors = plan();
    }

    public static Builder builder(Architecture architecture) {
        return new Builder(architecture);
    }

    public Architecture architecture() {
        return architecture;
    }

    public WeightFormat format() {
        return format;
    }

    public int vocabularySize() {
        return vocabularySize;
    }

    /** The file's size in bytes, known before writing. */
    public long fileSizeEstimate() {
        return tensors.stream().mapToLong(t -> t.type().bytesFor(t.elements())).sum();
    }

    /** The tensors in file order, with their types (for tests and progress reports). */
    List<TensorPlan> tensorPlans() {
        return tensors;
    }

    /** Receives progress while {@link #write} runs. */
    @FunctionalInterface
    public interface Progress {
        void tensorWritten(String tensorName, GgmlType type, long bytesSoFar, long totalBytes);
    }

    /**
     * Writes the model to {@code path} (through a temporary file beside it, moved into place when complete, so a
     * failed or interrupted run never leaves a truncated model under the final name).
     */
    public void write(Path path, Progress progress) {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(progress, "progress");
        GgufWriter writer = new GgufWriter();
        metadata().values().forEach(writer::put);
        long total = fileSizeEstimate();
        long[] written = {0};
        for (TensorPlan tensor : tensors) {
            long bytes = tensor.type().bytesFor(tensor.elements());
            writer.addTensor(tensor.name(), tensor.type(), tensor.dims(), out -> {
                encode(tensor, out);
                written[0] += bytes;
                progress.tensorWritten(tensor.name(), tensor.type(), written[0], total);
            });
        }
        Path absolute = path.toAbsolutePath();
        Path temporary = absolute.resolveSibling(absolute.getFileName() + ".partial");
        try {
            Files.createDirectories(absolute.getParent());
            writer.write(temporary);
            Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write synthetic model " + path + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException ignored) {
                // best effort: the partial file is named as such
            }
        }
    }

    public void write(Path path) {
        write(path, (tensorName, type, bytesSoFar, totalBytes) -> { });
    }

    /** The float values of one tensor before encoding (regenerated from the seed; for tests on small models). */
    float[] values(String tensorName) {
        TensorPlan tensor = tensors.stream().filter(t -> t.name().equals(tensorName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no tensor " + tensorName));
        float[] values = new float[Math.toIntExact(tensor.elements())];
        Generator generator = new Generator(tensor);
        generator.next(values, 0, values.length);
        return values;
    }

    private void encode(TensorPlan tensor, MemorySegment out) {
        int columns = Math.toIntExact(tensor.columns());
        int rowsPerChunk = Math.max(1, CHUNK_VALUES / columns);
        long rowBytes = tensor.type().bytesFor(columns);
        float[] chunk = new float[Math.toIntExact(Math.min(tensor.rows(), rowsPerChunk) * columns)];
        Generator generator = new Generator(tensor);
        for (long row = 0; row < tensor.rows(); row += rowsPerChunk) {
            int rows = (int) Math.min(rowsPerChunk, tensor.rows() - row);
            int count = rows * columns;
            generator.next(chunk, 0, count);
            Quantizer.quantize(tensor.type(), chunk, 0, count, out.asSlice(row * rowBytes, rows * rowBytes));
        }
    }

    /** A tensor's values in row-major order, from a generator seeded by the model seed and the tensor's name. */
    private final class Generator {
        private final TensorPlan tensor;
        private final SplittableRandom random;
        private long position;

        Generator(TensorPlan tensor) {
            this.tensor = tensor;
            this.random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ tensor.name().hashCode());
        }

        void next(float[] into, int from, int count) {
            long columns = tensor.columns();
            for (int i = 0; i < count; i++, position++) {
                if (tensor.fixed() != null) {
                    into[from + i] = tensor.fixed()[(int) position];
                } else {
                    double std = position / columns < tensor.tailStart() ? tensor.std() : tensor.tailStd();
                    into[from + i] = (float) (tensor.mean() + std * random.nextGaussian());
                }
            }
        }
    }

    private List<TensorPlan> plan() {
        List<TensorPlan> plan = new ArrayList<>();
        int e = embeddingLength;
        int q = headCount * headDimension;
        int kv = kvHeadCount * headDimension;
        int f = feedForwardLength;
        double embeddingStd = switch (architecture) {
            case LLAMA, MISTRAL -> 1.0;
            case QWEN2, PHI3 -> 0.5;
            case QWEN3 -> 0.3;
            case GEMMA2, GEMMA3 -> 0.5 / Math.sqrt(e);
        };
        double queryKeyStd = 1.5 / Math.sqrt(e);
        double valueStd = 1 / Math.sqrt(e);
        boolean fused = architecture == Architecture.PHI3;
        boolean gemma = architecture == Architecture.GEMMA2 || architecture == Architecture.GEMMA3;
        boolean queryKeyNorms = architecture == Architecture.QWEN3 || architecture == Architecture.GEMMA3;

        plan.add(matrix("token_embd.weight", tiedOutput ? "output" : "token_embd", -1, e, vocabularySize, embeddingStd));
        if (llama3RopeScaling) {
            plan.add(new TensorPlan("rope_freqs.weight", new long[] {headDimension / 2}, GgmlType.F32, 0, 0, 0, 0,
                    llama3RopeFactors()));
        }
        for (int layer = 0; layer < layerCount; layer++) {
            String b = "blk." + layer + ".";
            plan.add(norm(b + "attn_norm.weight", e));
            if (fused) {
                TensorPlan qkv = matrix(b + "attn_qkv.weight", "attn_qkv", layer, e, q + 2 * kv, queryKeyStd);
                plan.add(new TensorPlan(qkv.name(), qkv.dims(), qkv.type(), 0, queryKeyStd, q + kv, valueStd, null));
            } else {
                plan.add(matrix(b + "attn_q.weight", "attn_q", layer, e, q, queryKeyStd));
                plan.add(matrix(b + "attn_k.weight", "attn_k", layer, e, kv, queryKeyStd));
                plan.add(matrix(b + "attn_v.weight", "attn_v", layer, e, kv, valueStd));
            }
            if (architecture == Architecture.QWEN2) {
                plan.add(vector(b + "attn_q.bias", q, 0, 0.1));
                plan.add(vector(b + "attn_k.bias", kv, 0, 0.1));
                plan.add(vector(b + "attn_v.bias", kv, 0, 0.1));
            }
            if (queryKeyNorms) {
                plan.add(norm(b + "attn_q_norm.weight", headDimension));
                plan.add(norm(b + "attn_k_norm.weight", headDimension));
            }
            plan.add(matrix(b + "attn_output.weight", "attn_output", layer, q, e, 1 / Math.sqrt(q)));
            if (gemma) {
                plan.add(norm(b + "post_attention_norm.weight", e));
            }
            plan.add(norm(b + "ffn_norm.weight", e));
            if (fused) {
                plan.add(matrix(b + "ffn_up.weight", "ffn_up", layer, e, 2 * f, 1 / Math.sqrt(e)));
            } else {
                plan.add(matrix(b + "ffn_gate.weight", "ffn_gate", layer, e, f, 1 / Math.sqrt(e)));
                plan.add(matrix(b + "ffn_up.weight", "ffn_up", layer, e, f, 1 / Math.sqrt(e)));
            }
            plan.add(matrix(b + "ffn_down.weight", "ffn_down", layer, f, e, 1 / Math.sqrt(f)));
            if (gemma) {
                plan.add(norm(b + "post_ffw_norm.weight", e));
            }
        }
        if (tiedOutput) {
            // zero-mean, so tied embeddings do not simply favour repeating the current token; logits std ≈ 16
            plan.add(vector("output_norm.weight", e, 0, 16 / (Math.sqrt(e) * embeddingStd)));
        } else {
            plan.add(norm("output_norm.weight", e));
            plan.add(matrix("output.weight", "output", -1, e, vocabularySize, 16 / Math.sqrt(e)));
        }
        return List.copyOf(plan);
    }

    private TensorPlan matrix(String tensorName, String role, int layer, long columns, long rows, double std) {
        GgmlType type = format.typeFor(role, layer, layerCount, columns);
        return new TensorPlan(tensorName, new long[] {columns, rows}, type, 0, std, rows, std, null);
    }

    private static TensorPlan norm(String tensorName, long length) {
        return vector(tensorName, length, 1, 0.2);
    }

    private static TensorPlan vector(String tensorName, long length, double mean, double std) {
        return new TensorPlan(tensorName, new long[] {length}, GgmlType.F32, mean, std, 1, std, null);
    }

    /** Llama 3's per-frequency divisors, computed as Meta's reference code and llama.cpp's converter do. */
    private float[] llama3RopeFactors() {
        float[] factors = new float[headDimension / 2];
        double lowFrequencyWavelength = LLAMA3_ORIGINAL_CONTEXT / LLAMA3_LOW_FREQUENCY_FACTOR;
        double highFrequencyWavelength = LLAMA3_ORIGINAL_CONTEXT / LLAMA3_HIGH_FREQUENCY_FACTOR;
        for (int i = 0; i < factors.length; i++) {
            double frequency = 1 / Math.pow(ropeBase, 2.0 * i / headDimension);
            double wavelength = 2 * Math.PI / frequency;
            if (wavelength < highFrequencyWavelength) {
                factors[i] = 1;
            } else if (wavelength > lowFrequencyWavelength) {
                factors[i] = (float) LLAMA3_FACTOR;
            } else {
                double smooth = (LLAMA3_ORIGINAL_CONTEXT / wavelength - LLAMA3_LOW_FREQUENCY_FACTOR)
                        / (LLAMA3_HIGH_FREQUENCY_FACTOR - LLAMA3_LOW_FREQUENCY_FACTOR);
                factors[i] = (float) (1 / ((1 - smooth) / LLAMA3_FACTOR + smooth));
            }
        }
        return factors;
    }

    /** Every metadata entry of the file, in file order. */
    SequencedMap<String, MetadataEntry> metadata() {
        SequencedMap<String, MetadataEntry> entries = new LinkedHashMap<>();
        String p = architecture.ggufName() + ".";
        put(entries, "general.architecture", MetadataType.STRING, architecture.ggufName());
        put(entries, "general.name", MetadataType.STRING, name);
        put(entries, "general.alignment", MetadataType.UINT32, 32L);
        put(entries, p + "context_length", MetadataType.UINT32, (long) contextLength);
        put(entries, p + "embedding_length", MetadataType.UINT32, (long) embeddingLength);
        put(entries, p + "block_count", MetadataType.UINT32, (long) layerCount);
        put(entries, p + "feed_forward_length", MetadataType.UINT32, (long) feedForwardLength);
        put(entries, p + "attention.head_count", MetadataType.UINT32, (long) headCount);
        put(entries, p + "attention.head_count_kv", MetadataType.UINT32, (long) kvHeadCount);
        put(entries, p + "attention.key_length", MetadataType.UINT32, (long) headDimension);
        put(entries, p + "attention.value_length", MetadataType.UINT32, (long) headDimension);
        float epsilon = switch (architecture) {
            case LLAMA, MISTRAL, PHI3 -> 1e-5f;
            default -> 1e-6f;
        };
        put(entries, p + "attention.layer_norm_rms_epsilon", MetadataType.FLOAT32, epsilon);
        put(entries, p + "rope.freq_base", MetadataType.FLOAT32, (float) ropeBase);
        put(entries, p + "rope.dimension_count", MetadataType.UINT32, (long) headDimension);
        switch (architecture) {
            case GEMMA2 -> {
                put(entries, p + "attn_logit_softcapping", MetadataType.FLOAT32, 50f);
                put(entries, p + "final_logit_softcapping", MetadataType.FLOAT32, 30f);
                put(entries, p + "attention.sliding_window", MetadataType.UINT32, (long) slidingWindow);
            }
            case GEMMA3 -> {
                put(entries, p + "attention.sliding_window", MetadataType.UINT32, (long) slidingWindow);
                put(entries, p + "attention.sliding_window_pattern", MetadataType.UINT32, 6L);
                put(entries, p + "rope.freq_base_swa", MetadataType.FLOAT32, 10000f);
            }
            default -> { }
        }
        put(entries, p + "vocab_size", MetadataType.UINT32, (long) vocabularySize);
        put(entries, "general.file_type", MetadataType.UINT32, format.fileType());
        if (format.base() != GgmlType.F32 && format.base() != GgmlType.F16 && format.base() != GgmlType.BF16) {
            put(entries, "general.quantization_version", MetadataType.UINT32, 2L);
        }
        entries.putAll(tokenizer);
        return entries;
    }

    private static void put(SequencedMap<String, MetadataEntry> entries, String key, MetadataType type, Object value) {
        entries.put(key, new MetadataEntry(key, type, value, -1));
    }

    private static SequencedMap<String, MetadataEntry> readTokenizer(Path source) {
        SequencedMap<String, MetadataEntry> entries = new LinkedHashMap<>();
        try (GgufFile file = GgufFile.open(source)) {
            GgufMetadata metadata = file.metadata();
            metadata.entries().forEach((key, entry) -> {
                if (key.startsWith("tokenizer.")) {
                    entries.put(key, entry);
                }
            });
        }
        if (!entries.containsKey("tokenizer.ggml.tokens")) {
            throw new ConfigurationException("Tokenizer source " + source + " has no tokenizer.ggml.tokens");
        }
        return entries;
    }

    /**
     * Grows the per-token arrays to {@link #vocabularySize} with tokens of type UNUSED (5), which a tokenizer never
     * produces and a detokenizer renders as nothing: the tensors get the requested vocabulary's shape while the text
     * side stays the source tokenizer.
     */
    private void padVocabulary(int sourceVocabulary) {
        int extra = vocabularySize - sourceVocabulary;
        String[] tokens = Arrays.copyOf((String[]) ((MetadataArray) tokenizer.get("tokenizer.ggml.tokens").value()).elements(),
                vocabularySize);
        for (int i = 0; i < extra; i++) {
            tokens[sourceVocabulary + i] = "<|hearth_unused_" + i + "|>";
        }
        put(tokenizer, "tokenizer.ggml.tokens", MetadataType.ARRAY, new MetadataArray(MetadataType.STRING, tokens));
        MetadataEntry scores = tokenizer.get("tokenizer.ggml.scores");
        if (scores != null) {
            float[] padded = Arrays.copyOf((float[]) ((MetadataArray) scores.value()).elements(), vocabularySize);
            Arrays.fill(padded, sourceVocabulary, vocabularySize, -1e9f);
            put(tokenizer, scores.key(), MetadataType.ARRAY, new MetadataArray(MetadataType.FLOAT32, padded));
        }
        MetadataEntry types = tokenizer.get("tokenizer.ggml.token_type");
        if (types != null) {
            MetadataArray array = (MetadataArray) types.value();
            if (array.elementType() != MetadataType.INT32 && array.elementType() != MetadataType.UINT32) {
                throw new ConfigurationException("Cannot pad tokenizer.ggml.token_type of element type " + array.elementType());
            }
            int[] padded = Arrays.copyOf((int[]) array.elements(), vocabularySize);
            Arrays.fill(padded, sourceVocabulary, vocabularySize, 5);
            put(tokenizer, types.key(), MetadataType.ARRAY, new MetadataArray(array.elementType(), padded));
        }
    }

    private static boolean tiedByDefault(Architecture architecture) {
        return switch (architecture) {
            case QWEN2, QWEN3, GEMMA2, GEMMA3 -> true;
            case LLAMA, MISTRAL, PHI3 -> false;
        };
    }

    private static double defaultRopeBase(Architecture architecture) {
        return switch (architecture) {
            case QWEN2, QWEN3, GEMMA3 -> 1_000_000;
            case LLAMA, MISTRAL, PHI3, GEMMA2 -> 10_000;
        };
    }

    /** Chooses a shape; every setter fails fast on a value no model could have. */
    public static final class Builder {
        private final Architecture architecture;
        private int embeddingLength = 256;
        private int layerCount = 2;
        private int headCount = 4;
        private int kvHeadCount = 2;
        private int headDimension;
        private int feedForwardLength = 768;
        private int contextLength = 2048;
        private Boolean tiedOutput;
        private boolean llama3RopeScaling;
        private double ropeBase;
        private int slidingWindow;
        private WeightFormat format = WeightFormat.pure(GgmlType.F32);
        private long seed = 1;
        private String name;
        private Path tokenizerSource;
        private int vocabularySize;

        private Builder(Architecture architecture) {
            this.architecture = Objects.requireNonNull(architecture, "architecture");
        }

        public Builder embeddingLength(int value) {
            embeddingLength = positive("embedding length", value);
            return this;
        }

        public Builder layers(int value) {
            layerCount = positive("layer count", value);
            return this;
        }

        public Builder heads(int value) {
            headCount = positive("head count", value);
            return this;
        }

        public Builder kvHeads(int value) {
            kvHeadCount = positive("KV head count", value);
            return this;
        }

        /** Width of one head; default {@code embeddingLength / heads}. */
        public Builder headDimension(int value) {
            headDimension = positive("head dimension", value);
            return this;
        }

        public Builder feedForwardLength(int value) {
            feedForwardLength = positive("feed-forward length", value);
            return this;
        }

        public Builder contextLength(int value) {
            contextLength = positive("context length", value);
            return this;
        }

        /** Whether the output projection is the token embedding (default: as the architecture's usual models). */
        public Builder tiedOutput(boolean value) {
            tiedOutput = value;
            return this;
        }

        /** Adds Llama 3.1/3.2's {@code rope_freqs.weight} (llama only). */
        public Builder llama3RopeScaling(boolean value) {
            llama3RopeScaling = value;
            return this;
        }

        public Builder ropeBase(double value) {
            if (!(value > 1) || Double.isInfinite(value)) {
                throw new ConfigurationException("RoPE base " + value + " must be a finite number > 1");
            }
            ropeBase = value;
            return this;
        }

        /** Gemma's local attention window (default: gemma2 4096, gemma3 1024). */
        public Builder slidingWindow(int value) {
            slidingWindow = positive("sliding window", value);
            return this;
        }

        public Builder format(WeightFormat value) {
            format = Objects.requireNonNull(value, "format");
            return this;
        }

        public Builder seed(long value) {
            seed = value;
            return this;
        }

        public Builder name(String value) {
            name = Objects.requireNonNull(value, "name");
            return this;
        }

        /** The GGUF whose {@code tokenizer.*} keys are copied (required). */
        public Builder tokenizerFrom(Path value) {
            tokenizerSource = Objects.requireNonNull(value, "tokenizer source");
            return this;
        }

        /** Pads the tokenizer's vocabulary with unused tokens up to this size (default: the tokenizer's own size). */
        public Builder vocabularySize(int value) {
            vocabularySize = positive("vocabulary size", value);
            return this;
        }

        public SyntheticModel build() {
            if (tokenizerSource == null) {
                throw new ConfigurationException("A synthetic model needs a tokenizer: call tokenizerFrom(gguf)");
            }
            if (headCount % kvHeadCount != 0) {
                throw new ConfigurationException("head count " + headCount + " is not a multiple of KV head count "
                        + kvHeadCount);
            }
            int head = headDimension > 0 ? headDimension : embeddingLength / headCount;
            if (headDimension == 0 && embeddingLength % headCount != 0) {
                throw new ConfigurationException("embedding length " + embeddingLength + " is not a multiple of head count "
                        + headCount + "; set the head dimension explicitly");
            }
            if (head % 2 != 0) {
                throw new ConfigurationException("head dimension " + head + " must be even for RoPE");
            }
            if (llama3RopeScaling && architecture != Architecture.LLAMA) {
                throw new ConfigurationException("Llama 3 RoPE scaling applies to llama models, not "
                        + architecture.ggufName());
            }
            return new SyntheticModel(this);
        }

        private static int positive(String what, int value) {
            if (value <= 0) {
                throw new ConfigurationException(what + " must be > 0, was " + value);
            }
            return value;
        }
    }
}
