package dev.hearth.examples.perf;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

/**
 * Measures the two numbers that bound inference on this machine: how fast threads can stream memory (decode reads
 * every weight once per token) and how fast they can multiply-add floats (prefill's bound). Reads go through the
 * Vector API over an off-heap buffer far larger than the last-level cache, as the kernels read a mapped model.
 *
 * <p>The machine may be shared, so each figure is the best of several passes (a pass slowed by another process
 * says nothing about the hardware), and the FMA rate is computed per thread CPU second as well as per wall second.
 */
public final class MachineProbe {
    private static final VectorSpecies<Float> FLOAT = FloatVector.SPECIES_PREFERRED;
    /**
     * Independent accumulator chains the FMA loop is measured with. A core keeps latency × pipes FMAs in flight (4 × 2
     * on Zen 4/5 and recent Intel cores), so 8 chains only reach the peak if every cycle issues perfectly; a loop of 12
     * chains in C ran 1.6× faster than this probe's former 8 on a Zen 5 VM. 16 accumulators plus the two operands
     * still fit AVX-512's 32 registers. Each count is measured and the fastest is the machine's peak.
     */
    public static final List<Integer> FMA_CHAIN_COUNTS = List.of(8, 12, 16);

    /** One measurement: the best rate seen, the median, and the rate per CPU second of the measuring threads. */
    public record Rate(double best, double median, double perCpuSecond) {}

    private final long bufferBytes;
    private final int passes;

    public MachineProbe(long bufferBytes, int passes) {
        if (bufferBytes < 1 << 20) {
            throw new IllegalArgumentException("buffer must be at least 1 MiB, was " + bufferBytes + " bytes");
        }
        if (passes < 1) {
            throw new IllegalArgumentException("passes must be >= 1, was " + passes);
        }
        this.bufferBytes = bufferBytes - bufferBytes % (64L * FLOAT.vectorByteSize());
        this.passes = passes;
    }

    public static int floatLanes() {
        return FLOAT.length();
    }

    /** Read bandwidth in bytes per second with {@code threads} threads each streaming its own slice of the buffer. */
    public Rate readBandwidth(int threads) {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment buffer = arena.allocate(bufferBytes, 64);
            buffer.fill((byte) 1); // touch every page so the first pass does not time page faults
            long slice = bufferBytes / threads / FLOAT.vectorByteSize() * FLOAT.vectorByteSize();
            // one warm-up pass compiles the loop before anything is timed
            for (int warm = 0; warm < 8; warm++) {
                sumSlice(buffer, 0, Math.min(slice, 64L << 20));
            }
            return measure(threads, passes, share -> () -> sumSlice(buffer, share * slice, slice), slice * threads);
        }
    }

    /**
     * Fused multiply-add rate in FLOP/s (2 per lane per FMA), all {@code threads} threads running at once, each
     * running {@code chains} independent chains of vector FMAs held in registers (one of {@link #FMA_CHAIN_COUNTS}).
     */
    public Rate fmaRate(int threads, int chains) {
        if (!FMA_CHAIN_COUNTS.contains(chains)) {
            throw new IllegalArgumentException("chains must be one of " + FMA_CHAIN_COUNTS + ", was " + chains);
        }
        long blocks = 40_000 / chains;
        fmaLoop(chains, 20_000); // compile first
        double flops = (double) blocks * FMA_BLOCK * chains * FLOAT.length() * 2;
        return measure(threads, passes, share -> () -> fmaLoop(chains, blocks), flops * threads);
    }

    private Rate measure(int threads, int passCount, IntFunction<Runnable> work, double unitsPerPass) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        double[] rates = new double[passCount];
        double bestPerCpu = 0;
        for (int pass = 0; pass < passCount; pass++) {
            CyclicBarrier start = new CyclicBarrier(threads);
            long[] cpuNanos = new long[threads];
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> running = new ArrayList<>();
            long[] wall = new long[2];
            for (int share = 0; share < threads; share++) {
                int index = share;
                Runnable task = work.apply(share);
                running.add(Thread.ofPlatform().name("hearth-probe-" + share).start(() -> {
                    try {
                        start.await();
                        long cpu = mx.getCurrentThreadCpuTime();
                        if (index == 0) {
                            wall[0] = System.nanoTime();
                        }
                        task.run();
                        cpuNanos[index] = mx.getCurrentThreadCpuTime() - cpu;
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }));
            }
            for (Thread thread : running) {
                join(thread);
            }
            long elapsed = System.nanoTime() - wall[0];
            if (failure.get() != null) {
                throw new IllegalStateException("probe thread failed: " + failure.get(), failure.get());
            }
            rates[pass] = unitsPerPass / (elapsed / 1e9);
            long slowestCpu = 0;
            for (long cpu : cpuNanos) {
                slowestCpu = Math.max(slowestCpu, cpu);
            }
            bestPerCpu = Math.max(bestPerCpu, unitsPerPass / (slowestCpu / 1e9));
        }
        double[] sorted = rates.clone();
        java.util.Arrays.sort(sorted);
        return new Rate(sorted[sorted.length - 1], sorted[sorted.length / 2], bestPerCpu);
    }

    private static void join(Thread thread) {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while probing", e);
        }
    }

    /** Results are kept here so the JIT cannot drop the reads and multiply-adds. */
    private static volatile float sink;

    /**
     * Streams a slice in chunks. Each chunk is a separate call on purpose: a Vector API loop that only ever runs
     * inside one long call gets compiled on-stack-replacement, where C2 may leave the vectors boxed (10–50× slower);
     * a method called many times gets a regular compilation with the vectors in registers.
     */
    private static void sumSlice(MemorySegment buffer, long offset, long length) {
        float total = 0;
        for (long at = offset; at < offset + length; at += CHUNK_BYTES) {
            total += sumChunk(buffer, at, Math.min(CHUNK_BYTES, offset + length - at));
        }
        sink = total;
    }

    private static final long CHUNK_BYTES = 256 * 1024;

    private static float sumChunk(MemorySegment buffer, long offset, long length) {
        int step = FLOAT.vectorByteSize();
        FloatVector a = FloatVector.zero(FLOAT);
        FloatVector b = FloatVector.zero(FLOAT);
        FloatVector c = FloatVector.zero(FLOAT);
        FloatVector d = FloatVector.zero(FLOAT);
        long end = offset + length - 4L * step;
        for (long at = offset; at <= end; at += 4L * step) {
            a = a.add(FloatVector.fromMemorySegment(FLOAT, buffer, at, ByteOrder.LITTLE_ENDIAN));
            b = b.add(FloatVector.fromMemorySegment(FLOAT, buffer, at + step, ByteOrder.LITTLE_ENDIAN));
            c = c.add(FloatVector.fromMemorySegment(FLOAT, buffer, at + 2L * step, ByteOrder.LITTLE_ENDIAN));
            d = d.add(FloatVector.fromMemorySegment(FLOAT, buffer, at + 3L * step, ByteOrder.LITTLE_ENDIAN));
        }
        return a.add(b).add(c).add(d).lane(0);
    }

    private static final int FMA_BLOCK = 4096;

    /** {@code blocks} calls of an FMA block (see {@link #sumSlice} for why the work is split into calls). */
    private static void fmaLoop(int chains, long blocks) {
        float total = 0;
        for (long block = 0; block < blocks; block++) {
            float seed = total * 1e-30f;
            total += switch (chains) {
                case 8 -> fmaBlock8(seed);
                case 12 -> fmaBlock12(seed);
                default -> fmaBlock16(seed);
            };
        }
        sink = total;
    }

    // Written out per chain count: an array of vectors would live in memory, not registers. The multiplier just under
    // 1 and the small addend keep values finite for any iteration count.

    private static float fmaBlock8(float seed) {
        FloatVector m = FloatVector.broadcast(FLOAT, 0.999999f);
        FloatVector k = FloatVector.broadcast(FLOAT, 1e-6f);
        FloatVector x0 = FloatVector.broadcast(FLOAT, seed);
        FloatVector x1 = x0.add(1e-3f);
        FloatVector x2 = x0.add(2e-3f);
        FloatVector x3 = x0.add(3e-3f);
        FloatVector x4 = x0.add(4e-3f);
        FloatVector x5 = x0.add(5e-3f);
        FloatVector x6 = x0.add(6e-3f);
        FloatVector x7 = x0.add(7e-3f);
        for (int i = 0; i < FMA_BLOCK; i++) {
            x0 = x0.fma(m, k);
            x1 = x1.fma(m, k);
            x2 = x2.fma(m, k);
            x3 = x3.fma(m, k);
            x4 = x4.fma(m, k);
            x5 = x5.fma(m, k);
            x6 = x6.fma(m, k);
            x7 = x7.fma(m, k);
        }
        return x0.add(x1).add(x2).add(x3).add(x4).add(x5).add(x6).add(x7).lane(0);
    }

    private static float fmaBlock12(float seed) {
        FloatVector m = FloatVector.broadcast(FLOAT, 0.999999f);
        FloatVector k = FloatVector.broadcast(FLOAT, 1e-6f);
        FloatVector x0 = FloatVector.broadcast(FLOAT, seed);
        FloatVector x1 = x0.add(1e-3f);
        FloatVector x2 = x0.add(2e-3f);
        FloatVector x3 = x0.add(3e-3f);
        FloatVector x4 = x0.add(4e-3f);
        FloatVector x5 = x0.add(5e-3f);
        FloatVector x6 = x0.add(6e-3f);
        FloatVector x7 = x0.add(7e-3f);
        FloatVector x8 = x0.add(8e-3f);
        FloatVector x9 = x0.add(9e-3f);
        FloatVector x10 = x0.add(10e-3f);
        FloatVector x11 = x0.add(11e-3f);
        for (int i = 0; i < FMA_BLOCK; i++) {
            x0 = x0.fma(m, k);
            x1 = x1.fma(m, k);
            x2 = x2.fma(m, k);
            x3 = x3.fma(m, k);
            x4 = x4.fma(m, k);
            x5 = x5.fma(m, k);
            x6 = x6.fma(m, k);
            x7 = x7.fma(m, k);
            x8 = x8.fma(m, k);
            x9 = x9.fma(m, k);
            x10 = x10.fma(m, k);
            x11 = x11.fma(m, k);
        }
        return x0.add(x1).add(x2).add(x3).add(x4).add(x5).add(x6).add(x7).add(x8).add(x9).add(x10).add(x11)
                .lane(0);
    }

    private static float fmaBlock16(float seed) {
        FloatVector m = FloatVector.broadcast(FLOAT, 0.999999f);
        FloatVector k = FloatVector.broadcast(FLOAT, 1e-6f);
        FloatVector x0 = FloatVector.broadcast(FLOAT, seed);
        FloatVector x1 = x0.add(1e-3f);
        FloatVector x2 = x0.add(2e-3f);
        FloatVector x3 = x0.add(3e-3f);
        FloatVector x4 = x0.add(4e-3f);
        FloatVector x5 = x0.add(5e-3f);
        FloatVector x6 = x0.add(6e-3f);
        FloatVector x7 = x0.add(7e-3f);
        FloatVector x8 = x0.add(8e-3f);
        FloatVector x9 = x0.add(9e-3f);
        FloatVector x10 = x0.add(10e-3f);
        FloatVector x11 = x0.add(11e-3f);
        FloatVector x12 = x0.add(12e-3f);
        FloatVector x13 = x0.add(13e-3f);
        FloatVector x14 = x0.add(14e-3f);
        FloatVector x15 = x0.add(15e-3f);
        for (int i = 0; i < FMA_BLOCK; i++) {
            x0 = x0.fma(m, k);
            x1 = x1.fma(m, k);
            x2 = x2.fma(m, k);
            x3 = x3.fma(m, k);
            x4 = x4.fma(m, k);
            x5 = x5.fma(m, k);
            x6 = x6.fma(m, k);
            x7 = x7.fma(m, k);
            x8 = x8.fma(m, k);
            x9 = x9.fma(m, k);
            x10 = x10.fma(m, k);
            x11 = x11.fma(m, k);
            x12 = x12.fma(m, k);
            x13 = x13.fma(m, k);
            x14 = x14.fma(m, k);
            x15 = x15.fma(m, k);
        }
        return x0.add(x1).add(x2).add(x3).add(x4).add(x5).add(x6).add(x7).add(x8).add(x9).add(x10).add(x11)
                .add(x12).add(x13).add(x14).add(x15).lane(0);
    }
}
