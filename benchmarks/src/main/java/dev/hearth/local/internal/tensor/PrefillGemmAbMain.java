package dev.hearth.local.internal.tensor;

import dev.hearth.local.internal.gguf.GgmlType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The prefill product of one matrix, the row kernels ("rows") against {@link PanelGemm} at one or more panel sizes,
 * interleaved round by round in one JVM on one thread and timed by thread CPU time, so that a busy machine slows both
 * alike. Arguments: {@code TYPE ROWS COLS TOKENS ROUNDS [PANEL_ROWSxSLICE_BLOCKS ...]}, e.g.
 * {@code Q8_0 2048 2048 32 30 16x16 8x32}. Prints per variant the median and best GFLOP/s per CPU second over the
 * rounds after the first third (warm-up), the allocated bytes per call, and checks that every variant's output is
 * bit-identical to the row kernels'.
 */
public final class PrefillGemmAbMain {
    private PrefillGemmAbMain() {}

    public static void main(String[] a) {
        if (a.length < 5) {
            System.err.println("usage: PrefillGemmAbMain TYPE ROWS COLS TOKENS ROUNDS [PANELxSLICE ...]");
            System.exit(2);
        }
        GgmlType type = GgmlType.valueOf(a[0]);
        int rows = Integer.parseInt(a[1]);
        int cols = Integer.parseInt(a[2]);
        int tokens = Integer.parseInt(a[3]);
        int rounds = Integer.parseInt(a[4]);
        List<PanelGemm> gemms = new ArrayList<>();
        List<String> names = new ArrayList<>();
        names.add("rows");
        for (int i = 5; i < a.length; i++) {
            String[] parts = a[i].split("x");
            gemms.add(new PanelGemm(Integer.parseInt(parts[0]), Integer.parseInt(parts[1])));
            names.add(a[i]);
        }
        if (gemms.isEmpty()) {
            gemms.add(PanelGemm.DEFAULT);
            names.add("default");
        }
        SplittableRandom random = new SplittableRandom(1);
        float[] values = new float[rows * cols];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (random.nextGaussian() * 0.02);
        }
        MemorySegment data = Arena.global().allocate(type.bytesFor((long) rows * cols), 64);
        Quantizer.quantize(type, values, 0, values.length, data);
        BlockWeightMatrix matrix = (BlockWeightMatrix) WeightMatrix.of(type, data, rows, cols);
        float[] x = new float[tokens * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        float[] expected = new float[tokens * rows];
        float[] out = new float[tokens * rows];
        ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        com.sun.management.ThreadMXBean allocation = (com.sun.management.ThreadMXBean) bean;
        int variants = names.size();
        double[][] gflops = new double[variants][rounds];
        long[] allocated = new long[variants];
        double flops = 2.0 * rows * cols * tokens;
        for (int round = 0; round < rounds; round++) {
            for (int k = 0; k < variants; k++) {
                // alternate which variant goes first, so neither always runs on a warmer cache
                int v = (round % 2 == 0) ? k : variants - 1 - k;
                long bytes0 = allocation.getCurrentThreadAllocatedBytes();
                long cpu0 = bean.getCurrentThreadCpuTime();
                if (v == 0) {
                    matrix.matMulRows(x, tokens, expected, 0, rows);
                } else {
                    gemms.get(v - 1).multiply(matrix, x, tokens, out, 0, rows);
                }
                long cpu = bean.getCurrentThreadCpuTime() - cpu0;
                allocated[v] = allocation.getCurrentThreadAllocatedBytes() - bytes0;
                gflops[v][round] = flops / cpu;
                if (v != 0 && round > 0 && !java.util.Arrays.equals(out, expected)) {
                    throw new AssertionError(names.get(v) + " differs from the row kernels in round " + round);
                }
            }
        }
        // what decoding every panel once costs (PanelGemm does it once per call), in share of the last GEMM round
        float[] tile = new float[16 * 32];
        float[] tileScales = new float[16];
        long decodeCpu = Long.MAX_VALUE;
        for (int round = 0; round < 10; round++) {
            long cpu0 = bean.getCurrentThreadCpuTime();
            for (int row = 0; row < rows; row++) {
                for (int block = 0; block < cols / 32; block += 16) {
                    int end = Math.min(cols / 32, block + 16);
                    if (matrix.decodesScaledPanels()) {
                        matrix.decodeScaledPanelRow(row, block, end, tile, 0, tileScales, 0);
                    } else {
                        matrix.decodeAffinePanelRow(row, block, end, tile, 0);
                    }
                }
            }
            decodeCpu = Math.min(decodeCpu, bean.getCurrentThreadCpuTime() - cpu0);
        }
        System.out.printf("decoding every panel once: %.2f ms CPU%n", decodeCpu / 1e6);
        int from = rounds / 3;
        System.out.printf("%s %d x %d, %d tokens, %d rounds (stats over the last %d)%n", type, rows, cols, tokens, rounds,
                rounds - from);
        for (int v = 0; v < variants; v++) {
            double[] kept = java.util.Arrays.copyOfRange(gflops[v], from, rounds);
            java.util.Arrays.sort(kept);
            System.out.printf("  %-8s median %6.1f  best %6.1f GFLOP/s per CPU s (%.2f ms)   last call allocated %d B%n",
                    names.get(v), kept[kept.length / 2], kept[kept.length - 1], flops / kept[kept.length / 2] / 1e6,
                    allocated[v]);
        }
    }
}
