package dev.hearth.local.internal.tensor;

import dev.hearth.api.UnsupportedModelException;
import dev.hearth.local.internal.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * A 2-D weight matrix {@code [rows][cols]}, row-major, each row a whole number of blocks, over a little-endian
 * {@link MemorySegment} (a slice of a memory-mapped GGUF file; may be unaligned). Thread-safe for concurrent reads:
 * implementations hold only immutable state and never write to the segment.
 */
public sealed interface WeightMatrix
        permits BlockWeightMatrix {

    /**
     * Wraps {@code data} as a {@code rows × cols} matrix of {@code type}.
     *
     * @throws UnsupportedModelException for a type without a kernel; the caller adds the tensor name
     * @throws IllegalArgumentException when {@code cols} is not a whole number of blocks or the segment size does not
     *     match {@code rows * type.bytesFor(cols)}
     * @throws dev.hearth.api.ConfigurationException when the JVM was started without the Vector API module
     */
    static WeightMatrix of(GgmlType type, MemorySegment data, int rows, int cols) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(data, "data");
        // Check the type first so an unsupported tensor is reported by type, whatever its sizes.
        boolean supported = switch (type) {
            case F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K -> true;
            default -> false;
        };
        if (!supported) {
            throw new UnsupportedModelException("tensor type " + type
                    + " is not supported by the local engine yet; supported: " + MatrixArguments.SUPPORTED_TYPES);
        }
        // The kernel classes link against jdk.incubator.vector; fail with the flag to add rather than a
        // NoClassDefFoundError on first use.
        VectorSupport.require();
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException(
                    "a " + type + " matrix needs non-negative dimensions, got rows " + rows + " and cols " + cols);
        }
        if (cols % type.blockSize() != 0) {
            throw new IllegalArgumentException("cols " + cols + " is not a multiple of the " + type + " block size "
                    + type.blockSize());
        }
        long expectedBytes;
        try {
            expectedBytes = Math.multiplyExact((long) rows, type.bytesFor(cols));
        } catch (ArithmeticException overflow) {
            expectedBytes = -1;
        }
        if (expectedBytes != data.byteSize()) {
            throw new IllegalArgumentException("a " + type + " matrix of " + rows + " rows × " + cols + " cols needs "
                    + expectedBytes + " bytes (" + type.bytesFor(cols) + " per row), but the segment holds "
                    + data.byteSize());
        }
        return switch (type) {
            case F32 -> new F32WeightMatrix(data, rows, cols);
            case F16 -> new F16WeightMatrix(data, rows, cols);
            case BF16 -> new Bf16WeightMatrix(data, rows, cols);
            case Q8_0 -> new Q8_0WeightMatrix(data, rows, cols);
            case Q4_0 -> new Q4_0WeightMatrix(data, rows, cols);
            case Q4_1 -> new Q4_1WeightMatrix(data, rows, cols);
            case Q5_0 -> new Q5_0WeightMatrix(data, rows, cols);
            case Q5_1 -> new Q5_1WeightMatrix(data, rows, cols);
            case Q2_K -> new Q2_KWeightMatrix(data, rows, cols);
            case Q3_K -> new Q3_KWeightMatrix(data, rows, cols);
            case Q4_K -> new Q4_KWeightMatrix(data, rows, cols);
            case Q5_K -> new Q5_KWeightMatrix(data, rows, cols);
            case Q6_K -> new Q6_KWeightMatrix(data, rows, cols);
            default -> throw new AssertionError("checked above: " + type);
        };
    }

    GgmlType type();

    int rows();

    int cols();

    /** {@code Σ_j row[j]·x[xOffset+j]} over the {@link #cols()} entries of {@code row}. */
    float dot(int row, float[] x, int xOffset);

    /**
     * {@code out[r] = dot(r, x, 0)} for every {@code r} in {@code [rowStart, rowEnd)}; other entries of {@code out}
     * are left alone, so disjoint row ranges can be filled by different threads. {@code out} is indexed by absolute
     * row, so {@code out.length >= rowEnd} (callers usually pass a full {@code rows}-long array).
     */
    void matVec(float[] x, float[] out, int rowStart, int rowEnd);

    /**
     * The product with a batch of inputs: {@code out[b·rows() + r] = dot(r, inputs, b·cols())} for every token
     * {@code b} in {@code [0, batchSize)} and row {@code r} in {@code [rowStart, rowEnd)}. Inputs are packed token
     * after token ({@code cols()} floats each), outputs too ({@code rows()} floats each); other output entries are
     * left alone, so disjoint row ranges can be filled by different threads. Rows are taken a tile at a time and each
     * tile is applied to every token while its bytes are in cache, so a batch reads the weights from memory once
     * instead of once per token. Every entry is computed by the same row kernel as {@link #dot}, so the results are
     * bit-identical to {@code batchSize} calls of {@link #matVec}.
     */
    void matMul(float[] inputs, int batchSize, float[] out, int rowStart, int rowEnd);

    /** Writes {@code row}'s dequantised values into {@code out[offset .. offset+cols)} (token-embedding lookup). */
    void dequantizeRow(int row, float[] out, int offset);
}
