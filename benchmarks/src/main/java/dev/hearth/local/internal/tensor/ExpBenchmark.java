package dev.hearth.local.internal.tensor;

import static dev.hearth.local.internal.tensor.KernelSpecies.FLOAT;
import static dev.hearth.local.internal.tensor.KernelSpecies.FLOAT_LANES;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The three ways to take e^x over 4096 softmax inputs (scores minus their maximum, so ≤ 0), and over 8192 SiLU gates
 * (Llama-3.2-1B's feed-forward width): {@link VectorExp}'s polynomial, {@code FloatVector.lanewise(EXP)} (an SVML
 * stub where the JDK has one), and scalar {@link Math#exp} as the engine did before. Decides which exp the softmax
 * and SiLU use (docs/performance/attention.md).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class ExpBenchmark {
    private static final int SCORES = 4096;
    private static final int GATES = 8192;

    private float[] scoreSource;
    private float[] scores;
    private float[] gate;
    private float[] up;
    private float[] activated;

    @Setup(Level.Trial)
    public void fill() {
        SplittableRandom random = new SplittableRandom(17);
        scoreSource = new float[SCORES];
        for (int i = 0; i < SCORES; i++) {
            scoreSource[i] = (float) (-random.nextDouble() * 20);
        }
        scores = new float[SCORES];
        gate = new float[GATES];
        up = new float[GATES];
        for (int i = 0; i < GATES; i++) {
            gate[i] = (float) (random.nextGaussian() * 3);
            up[i] = (float) random.nextGaussian();
        }
        activated = new float[GATES];
    }

    @Benchmark
    public float expPolynomial() {
        System.arraycopy(scoreSource, 0, scores, 0, SCORES);
        return VectorExp.expShiftedInPlace(scores, 0, SCORES, 0f);
    }

    @Benchmark
    public float expLanewise() {
        System.arraycopy(scoreSource, 0, scores, 0, SCORES);
        FloatVector sum = FloatVector.zero(FLOAT);
        for (int i = 0; i < SCORES; i += FLOAT_LANES) {
            FloatVector e = FloatVector.fromArray(FLOAT, scores, i).lanewise(VectorOperators.EXP);
            e.intoArray(scores, i);
            sum = sum.add(e);
        }
        float total = 0;
        for (int lane = 0; lane < FLOAT_LANES; lane++) {
            total += sum.lane(lane);
        }
        return total;
    }

    @Benchmark
    public float expScalar() {
        System.arraycopy(scoreSource, 0, scores, 0, SCORES);
        float sum = 0;
        for (int i = 0; i < SCORES; i++) {
            float e = (float) Math.exp(scores[i]);
            scores[i] = e;
            sum += e;
        }
        return sum;
    }

    @Benchmark
    public float[] siluPolynomial() {
        VectorExp.siluGate(gate, 0, up, 0, activated, 0, GATES);
        return activated;
    }

    @Benchmark
    public float[] siluScalar() {
        for (int i = 0; i < GATES; i++) {
            float g = gate[i];
            activated[i] = g / (1f + (float) Math.exp(-g)) * up[i];
        }
        return activated;
    }
}
