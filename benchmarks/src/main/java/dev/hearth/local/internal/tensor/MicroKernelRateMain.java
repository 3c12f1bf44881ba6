package dev.hearth.local.internal.tensor;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * {@link PanelGemm}'s micro-kernel alone on L1-resident data (4 rows × 4 tokens × {@code PAIRS} blocks of one parity),
 * timed by thread CPU time: its ceiling, without panel decoding or cache misses. Argument: {@code PAIRS} (default 8).
 */
public final class MicroKernelRateMain {
    private MicroKernelRateMain() {}

    /** Twelve independent FMA chains in registers, the probe's way: the peak under the same load. */
    private static float peakLoop(int iterations) {
        jdk.incubator.vector.FloatVector m = jdk.incubator.vector.FloatVector.broadcast(KernelSpecies.FLOAT, 0.999999f);
        jdk.incubator.vector.FloatVector k = jdk.incubator.vector.FloatVector.broadcast(KernelSpecies.FLOAT, 1e-6f);
        jdk.incubator.vector.FloatVector x0 = jdk.incubator.vector.FloatVector.broadcast(KernelSpecies.FLOAT, 1f);
        jdk.incubator.vector.FloatVector x1 = x0.add(1e-3f), x2 = x0.add(2e-3f), x3 = x0.add(3e-3f);
        jdk.incubator.vector.FloatVector x4 = x0.add(4e-3f), x5 = x0.add(5e-3f), x6 = x0.add(6e-3f);
        jdk.incubator.vector.FloatVector x7 = x0.add(7e-3f), x8 = x0.add(8e-3f), x9 = x0.add(9e-3f);
        jdk.incubator.vector.FloatVector x10 = x0.add(10e-3f), x11 = x0.add(11e-3f);
        for (int i = 0; i < iterations; i++) {
            x0 = x0.fma(m, k); x1 = x1.fma(m, k); x2 = x2.fma(m, k); x3 = x3.fma(m, k);
            x4 = x4.fma(m, k); x5 = x5.fma(m, k); x6 = x6.fma(m, k); x7 = x7.fma(m, k);
            x8 = x8.fma(m, k); x9 = x9.fma(m, k); x10 = x10.fma(m, k); x11 = x11.fma(m, k);
        }
        return x0.add(x1).add(x2).add(x3).add(x4).add(x5).add(x6).add(x7).add(x8).add(x9).add(x10).add(x11).lane(0);
    }

    public static void main(String[] a) {
        int pairs = a.length > 0 ? Integer.parseInt(a[0]) : 8;
        String[] shapes = a.length > 1 ? a[1].split(",") : new String[] {"4x4"};
        int blocks = 2 * pairs;
        int cols = blocks * 32;
        float[] w = new float[8 * cols];
        float[] scales = new float[4 * blocks];
        float[] x = new float[4 * cols];
        for (int i = 0; i < w.length; i++) {
            w[i] = (i % 7) - 3;
            x[i % x.length] = 0.001f * (i % 13);
        }
        java.util.Arrays.fill(scales, 0.5f);
        int[] tokens = {0, cols, 2 * cols, 3 * cols};
        float[] acc = new float[32 * 16];
        ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        int calls = 200_000 / pairs;
        for (int round = 0; round < 30; round++) {
            StringBuilder line = new StringBuilder();
            double flops = 0;
            long cpu = 1;
            for (String shape : shapes) {
                String dims = shape.startsWith("f") ? shape.substring(1) : shape;
                int product = (dims.charAt(0) - '0') * (dims.charAt(2) - '0');
                long cpu0 = bean.getCurrentThreadCpuTime();
                for (int call = 0; call < calls; call++) {
                    MicroKernelVariants.run(shape, w, 0, cols, scales, 0, blocks, x, tokens, 0, pairs, acc, 0);
                }
                cpu = bean.getCurrentThreadCpuTime() - cpu0;
                flops = 2.0 * product * 32 * pairs * calls;
                line.append(String.format(" %s %.1f", shape, flops / cpu));
            }
            long peak0 = bean.getCurrentThreadCpuTime();
            float sink = peakLoop(400_000);
            long peakCpu = bean.getCurrentThreadCpuTime() - peak0;
            double peakFlops = 400_000.0 * 12 * KernelSpecies.FLOAT_LANES * 2;
            if (round % 5 == 4) {
                System.out.printf("round %d: GFLOP/s per CPU s:%s; 12-chain FMA peak %.1f (%s %s)%n", round, line,
                        peakFlops / peakCpu, acc[0], sink);
            }
        }
    }
}
