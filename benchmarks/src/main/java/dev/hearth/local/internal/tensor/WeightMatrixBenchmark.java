package dev.hearth.local.internal.tensor;

import dev.hearth.local.internal.gguf.GgmlType;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The quantised-weight kernels, one thread: a single row's dot product (a 4096-wide row, in cache: the kernel's
 * arithmetic) and a whole matrix-vector product over a Llama-3.2-1B-sized 2048 × 8192 feed-forward matrix (16.8 M
 * weights, 8.9–67 MB depending on the format, so most formats stream from memory as decode does). The weights are
 * off-heap, as a mapped model's are, encoded by {@link Quantizer} from Gaussian values. Q2_K, Q3_K and Q5_K have no
 * encoder yet and are left out.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class WeightMatrixBenchmark {
    private static final int DOT_COLS = 4096;
    private static final int DOT_ROWS = 64;
    private static final int MATVEC_ROWS = 2048;
    private static final int MATVEC_COLS = 8192;
    private static final int MATMUL_SIZE = 2048;
    private static final int MATMUL_TOKENS = 32;

    @Param({"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q4_K", "Q6_K"})
    public String type;

    private Arena arena;
    private WeightMatrix rows;
    private WeightMatrix matrix;
    private float[] dotInput;
    private float[] matVecInput;
    private float[] output;
    private WeightMatrix square;
    private float[] matMulInputs;
    private float[] matMulOutput;
    private int nextRow;

    @Setup(Level.Trial)
    public void encode() {
        GgmlType ggmlType = GgmlType.valueOf(type);
        SplittableRandom random = new SplittableRandom(42);
        arena = Arena.ofShared();
        rows = encode(ggmlType, DOT_ROWS, DOT_COLS, random);
        matrix = encode(ggmlType, MATVEC_ROWS, MATVEC_COLS, random);
        dotInput = gaussian(DOT_COLS, random);
        matVecInput = gaussian(MATVEC_COLS, random);
        output = new float[MATVEC_ROWS];
        square = encode(ggmlType, MATMUL_SIZE, MATMUL_SIZE, random);
        matMulInputs = gaussian(MATMUL_TOKENS * MATMUL_SIZE, random);
        matMulOutput = new float[MATMUL_TOKENS * MATMUL_SIZE];
    }

    private WeightMatrix encode(GgmlType ggmlType, int rowCount, int cols, SplittableRandom random) {
        float[] values = gaussian(rowCount * cols, random);
        MemorySegment data = arena.allocate(ggmlType.bytesFor((long) rowCount * cols), 64);
        Quantizer.quantize(ggmlType, values, 0, values.length, data);
        return WeightMatrix.of(ggmlType, data, rowCount, cols);
    }

    private static float[] gaussian(int count, SplittableRandom random) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            // Box–Muller; weights of trained models are roughly normal with a small spread
            double u = 1 - random.nextDouble();
            values[i] = (float) (0.02 * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble()));
        }
        return values;
    }

    @TearDown(Level.Trial)
    public void free() {
        arena.close();
    }

    /** One 4096-wide row · vector, cycling over 64 rows that stay in L2. */
    @Benchmark
    public float dot() {
        int row = nextRow;
        nextRow = (row + 1) % DOT_ROWS;
        return rows.dot(row, dotInput, 0);
    }

    /** The whole 2048 × 8192 matrix times a vector on one thread. */
    /**
     * One block of batched prefill: {@link #MATMUL_TOKENS} tokens through a 2048 × 2048 matrix (the attention
     * projections' shape), weights read once per tile of rows for every token of the block.
     */
    @Benchmark
    public float[] matMul() {
        square.matMul(matMulInputs, MATMUL_TOKENS, matMulOutput, 0, MATMUL_SIZE);
        return matMulOutput;
    }

    @Benchmark
    public float[] matVec() {
        matrix.matVec(matVecInput, output, 0, MATVEC_ROWS);
        return output;
    }
}
