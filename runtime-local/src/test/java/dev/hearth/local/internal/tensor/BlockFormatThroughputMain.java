package dev.hearth.local.internal.tensor;

import dev.hearth.local.internal.gguf.GgmlType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A rough single-thread throughput check of {@link WeightMatrix#matVec} per format on a 4096 × 4096 matrix, until
 * the JMH suite exists. Not a test (timings do not belong in unit tests). Run from the repository root after
 * {@code ./mvnw -pl runtime-local -am test-compile}:
 *
 * <pre>{@code
 * java --add-modules=jdk.incubator.vector -cp runtime-local/target/classes:runtime-local/target/test-classes:\
 *     api/target/classes dev.hearth.local.internal.tensor.BlockFormatThroughputMain [format ...]
 * }</pre>
 *
 * Weights are random bytes with typical block scales (0.01), never the subnormal extremes of {@link TestMatrices},
 * which would measure the CPU's denormal penalty instead of the kernel.
 */
public final class BlockFormatThroughputMain {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final int SIZE = 4096;
    private static final int WARMUP_RUNS = 40;
    private static final int MEASURED_RUNS = 30;

    private BlockFormatThroughputMain() {}

    public static void main(String[] args) {
        List<GgmlType> types = args.length > 0
                ? Arrays.stream(args).map(GgmlType::valueOf).toList()
                : List.of(GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q4_1,
                        GgmlType.Q5_0, GgmlType.Q5_1, GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.Q4_K, GgmlType.Q5_K,
                        GgmlType.Q6_K);
        System.out.printf("%d x %d matVec, one thread, %s float lanes%n", SIZE, SIZE, KernelSpecies.FLOAT_LANES);
        // Thread CPU time, not wall time: with the cores oversubscribed, a run longer than a scheduler slice is
        // almost always preempted, so wall-clock minima punish slow kernels twice.
        System.out.printf("%-6s %8s %12s %12s %12s %10s%n", "format", "MiB", "cpu best ms", "cpu median", "wall best ms",
                "GB/s(cpu)");
        float[] x = TestMatrices.randomVector(SIZE, 11);
        float[] out = new float[SIZE];
        for (GgmlType type : types) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment data = typicalWeights(arena, type);
                WeightMatrix matrix = WeightMatrix.of(type, data, SIZE, SIZE);
                for (int run = 0; run < WARMUP_RUNS; run++) {
                    matrix.matVec(x, out, 0, SIZE);
                }
                long[] wallNanos = new long[MEASURED_RUNS];
                long[] cpuNanos = new long[MEASURED_RUNS];
                for (int run = 0; run < MEASURED_RUNS; run++) {
                    long cpuStart = THREADS.getCurrentThreadCpuTime();
                    long start = System.nanoTime();
                    matrix.matVec(x, out, 0, SIZE);
                    wallNanos[run] = System.nanoTime() - start;
                    cpuNanos[run] = THREADS.getCurrentThreadCpuTime() - cpuStart;
                }
                Arrays.sort(wallNanos);
                Arrays.sort(cpuNanos);
                double bestCpuMs = cpuNanos[0] / 1e6;
                System.out.printf("%-6s %8.1f %12.2f %12.2f %12.2f %10.2f%n", type, data.byteSize() / 1048576.0,
                        bestCpuMs, cpuNanos[MEASURED_RUNS / 2] / 1e6, wallNanos[0] / 1e6,
                        data.byteSize() / (bestCpuMs * 1e6));
            }
        }
    }

    private static MemorySegment typicalWeights(Arena arena, GgmlType type) {
        long bytes = SIZE * type.bytesFor(SIZE);
        MemorySegment data = arena.allocate(bytes, 64);
        Random random = new Random(type.ordinal());
        if (type.blockSize() == 1) {
            float[] row = new float[SIZE];
            for (int r = 0; r < SIZE; r++) {
                for (int c = 0; c < SIZE; c++) {
                    row[c] = (float) random.nextGaussian() * 0.02f;
                }
                Quantizer.quantize(type, row, 0, SIZE, data.asSlice(r * type.bytesFor(SIZE)));
            }
            return data;
        }
        byte[] randomBytes = new byte[(int) bytes];
        random.nextBytes(randomBytes);
        MemorySegment.copy(MemorySegment.ofArray(randomBytes), 0, data, 0, bytes);
        int[] halfFields = type == GgmlType.Q8_0 || type == GgmlType.Q4_0
                ? new int[] {0}
                : TestMatrices.halfFieldOffsets(type);
        short typicalScale = Float.floatToFloat16(0.01f);
        for (long block = 0; block < bytes / type.blockBytes(); block++) {
            for (int field : halfFields) {
                data.set(TestMatrices.LE_SHORT, block * type.blockBytes() + field, typicalScale);
            }
        }
        return data;
    }
}
