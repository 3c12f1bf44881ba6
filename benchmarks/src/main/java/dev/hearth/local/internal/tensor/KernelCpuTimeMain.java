package dev.hearth.local.internal.tensor;

import dev.hearth.local.internal.gguf.GgmlType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.SplittableRandom;

/**
 * One weight kernel timed by the calling thread's CPU time rather than wall time, so a comparison between two builds
 * still means something while other processes share the cores (JMH's wall-clock averages did not, on this project's
 * 2-core machine). Arguments: {@code TYPE matVec|matMul|dots ROWS COLS [TOKENS]} ({@code dots}: one row at a time), e.g. {@code Q8_0 matVec 8192 8192} (71 MB,
 * streamed from memory as decode does) or {@code Q4_0 matMul 2048 2048 32} (one prefill block). Prints the best of 20
 * timed rounds after 10 warm-up rounds: milliseconds, weight GB/s and GFLOP/s per CPU second.
 */
public final class KernelCpuTimeMain {
    private KernelCpuTimeMain() {}

    public static void main(String[] a) {
        if (a.length < 4) {
            System.err.println("usage: KernelCpuTimeMain TYPE matVec|matMul|dots ROWS COLS [TOKENS]");
            System.exit(2);
        }
        GgmlType type = GgmlType.valueOf(a[0]);
        String op = a[1];
        int rows = Integer.parseInt(a[2]), cols = Integer.parseInt(a[3]);
        int tokens = a.length > 4 ? Integer.parseInt(a[4]) : 32;
        SplittableRandom r = new SplittableRandom(1);
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) v[i] = (float) (r.nextGaussian() * 0.02);
        MemorySegment data = Arena.global().allocate(type.bytesFor((long) rows * cols), 64);
        Quantizer.quantize(type, v, 0, v.length, data);
        WeightMatrix m = WeightMatrix.of(type, data, rows, cols);
        float[] x = new float[tokens * cols];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        float[] out = new float[tokens * rows];
        ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        double best = Double.MAX_VALUE;
        for (int it = 0; it < 30; it++) {
            long c0 = bean.getCurrentThreadCpuTime();
            int reps = op.equals("matMul") ? 1 : 4;
            for (int k = 0; k < reps; k++) {
                switch (op) {
                    case "matMul" -> m.matMul(x, tokens, out, 0, rows);
                    case "dots" -> {
                        for (int row = 0; row < rows; row++) {
                            out[row] = m.dot(row, x, 0);
                        }
                    }
                    default -> m.matVec(x, out, 0, rows);
                }
            }
            double ms = (bean.getCurrentThreadCpuTime() - c0) / 1e6 / reps;
            if (it >= 10) best = Math.min(best, ms);
        }
        double bytes = type.bytesFor((long) rows * cols);
        double flops = 2.0 * rows * cols * (op.equals("matMul") ? tokens : 1);
        System.out.printf("%s %s %dx%d: best %.3f ms CPU  %.1f GB/s  %.1f GFLOP/s%n", type, op, rows, cols, best,
                bytes / best / 1e6, flops / best / 1e6);
    }
}
