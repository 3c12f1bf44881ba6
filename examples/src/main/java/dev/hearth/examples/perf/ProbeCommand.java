package dev.hearth.examples.perf;

import dev.hearth.api.ConfigurationException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code hearth probe --model FILE}: this machine's memory read bandwidth and vector FMA rate, the model's bytes and
 * FLOPs per token, and from them the speed limits physics sets: decode ≤ bandwidth / bytes per token, prefill ≤
 * FLOP/s / FLOPs per token. With {@code --bench-json} it also says how close a bench run came to each.
 */
@Command(name = "probe", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Measures memory bandwidth and FMA rate and prints the model's decode and prefill ceilings.")
public final class ProbeCommand implements Callable<Integer> {

    @Option(names = {"-m", "--model"}, paramLabel = "FILE", description = "GGUF model file (ceilings are skipped without one)")
    Path model;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "threads for the multi-threaded figures (default: available processors)")
    Integer threads;

    @Option(names = "--buffer-mib", paramLabel = "MiB", description = "size of the streamed buffer, well above the last-level cache (default: ${DEFAULT-VALUE})",
            defaultValue = "512")
    int bufferMib;

    @Option(names = "--passes", paramLabel = "N", description = "measurement passes; the best counts (default: ${DEFAULT-VALUE})",
            defaultValue = "10")
    int passes;

    @Option(names = {"-d", "--depth"}, paramLabel = "D", description = "context depth for the printed ceilings (default: ${DEFAULT-VALUE})",
            defaultValue = "0")
    int depth;

    @Option(names = "--bench-json", paramLabel = "FILE", description = "a `hearth bench --output json` result: print the achieved %% of each ceiling")
    Path benchJson;

    PrintStream out = System.out;

    /**
     * The measured machine limits, one thread and all threads.
     *
     * @param fmaChains    the chain count the FMA rates were measured with: the fastest on one thread
     * @param fmaPerChains one-thread FMA rate per CPU second for each chain count tried, in the order tried
     */
    record Machine(int threads, MachineProbe.Rate bandwidth1, MachineProbe.Rate bandwidthN, MachineProbe.Rate fma1,
                   MachineProbe.Rate fmaN, int fmaChains, java.util.Map<Integer, Double> fmaPerChains) {

        double bandwidth(int threadCount) {
            return threadCount <= 1 ? bandwidth1.best() : bandwidthN.best();
        }

        double flops(int threadCount) {
            // FMA throughput scales with cores; beyond those probed, assume no more
            return threadCount <= 1 ? fma1.best() : fmaN.best() * Math.min(threadCount, threads) / threads;
        }
    }

    @Override
    public Integer call() {
        int threadCount = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (threadCount < 1) {
            throw new ConfigurationException("--threads must be >= 1, was " + threadCount);
        }
        if (bufferMib < 1 || passes < 1 || depth < 0) {
            throw new ConfigurationException("--buffer-mib and --passes must be >= 1 and --depth >= 0");
        }
        if (benchJson != null && model == null) {
            throw new ConfigurationException("--bench-json needs --model: the ceilings come from the model");
        }
        ModelCost cost = model == null ? null : ModelCost.of(model); // fail on a bad model before measuring
        BenchReport bench = benchJson == null ? null : BenchReport.readJson(benchJson);
        Machine machine = measure(threadCount);
        printMachine(machine);
        if (cost != null) {
            printCeilings(cost, machine);
        }
        if (bench != null) {
            printAchieved(bench, cost, machine);
        }
        return 0;
    }

    private Machine measure(int threadCount) {
        MachineProbe probe = new MachineProbe((long) bufferMib << 20, passes);
        MachineProbe.Rate bandwidth1 = probe.readBandwidth(1);
        MachineProbe.Rate bandwidthN = probe.readBandwidth(threadCount);
        // the peak is what the best loop reaches: too few independent chains leave FMA pipes idle between dependent
        // operations, so each count is tried on one thread and the fastest (per CPU second, robust to a busy machine)
        // measures the machine
        java.util.Map<Integer, Double> perChains = new java.util.LinkedHashMap<>();
        MachineProbe.Rate fma1 = null;
        int bestChains = 0;
        for (int chains : MachineProbe.FMA_CHAIN_COUNTS) {
            MachineProbe.Rate rate = probe.fmaRate(1, chains);
            perChains.put(chains, rate.perCpuSecond());
            if (fma1 == null || rate.perCpuSecond() > fma1.perCpuSecond()) {
                fma1 = rate;
                bestChains = chains;
            }
        }
        return new Machine(threadCount, bandwidth1, bandwidthN, fma1, probe.fmaRate(threadCount, bestChains),
                bestChains, perChains);
    }

    private void printMachine(Machine machine) {
        out.printf(Locale.ROOT, "machine: %d available processors, %d-bit float vectors (%d lanes), %s %s%n",
                Runtime.getRuntime().availableProcessors(), MachineProbe.floatLanes() * 32, MachineProbe.floatLanes(),
                System.getProperty("java.vm.name"), System.getProperty("java.version"));
        out.printf(Locale.ROOT, "memory read bandwidth (%d MiB buffer, best of %d): 1 thread %.1f GB/s (median %.1f), "
                        + "%d threads %.1f GB/s (median %.1f)%n", bufferMib, passes,
                machine.bandwidth1().best() / 1e9, machine.bandwidth1().median() / 1e9, machine.threads(),
                machine.bandwidthN().best() / 1e9, machine.bandwidthN().median() / 1e9);
        out.printf(Locale.ROOT, "vector FMA rate: 1 thread %.1f GFLOP/s (%.1f per CPU second), %d threads %.1f GFLOP/s "
                        + "(%.1f per thread)%n", machine.fma1().best() / 1e9, machine.fma1().perCpuSecond() / 1e9,
                machine.threads(), machine.fmaN().best() / 1e9, machine.fmaN().best() / 1e9 / machine.threads());
        StringBuilder tried = new StringBuilder();
        machine.fmaPerChains().forEach((chains, rate) -> tried.append(tried.isEmpty() ? "" : ", ")
                .append(String.format(Locale.ROOT, "%d chains %.1f", chains, rate / 1e9)));
        out.printf(Locale.ROOT, "  measured as: %d independent chains of %d-bit FMAs (x = x·m + k) held in registers, "
                        + "the fastest of %s GFLOP/s per CPU second on one thread; best of %d passes; 2 FLOP per lane "
                        + "per FMA%n", machine.fmaChains(), MachineProbe.floatLanes() * 32, tried, passes);
        if (machine.fmaN().best() < 0.8 * machine.threads() * machine.fma1().best()) {
            out.println("note: the threads did not scale; other processes were probably running, so the "
                    + "multi-threaded figures are low. The per-CPU-second rate is the hardware's.");
        }
    }

    private void printCeilings(ModelCost cost, Machine machine) {
        var config = cost.config();
        out.printf(Locale.ROOT, "%nmodel: %s (%s, %d layers, %d embedding, %.1f M matrix weights, %.1f MiB)%n",
                cost.fileName(), config.architecture(), config.layerCount(), config.embeddingLength(),
                cost.matrixParameters() / 1e6, cost.tensorBytes() / (1024.0 * 1024.0));
        out.printf(Locale.ROOT, "per token at depth %d: %.1f MiB read (%.1f MiB weights + KV cache), %.3f GFLOP%n",
                depth, cost.bytesPerToken(depth) / (1024.0 * 1024.0), cost.weightBytesPerToken() / (1024.0 * 1024.0),
                cost.flopsPerToken(depth) / 1e9);
        for (int t : machine.threads() == 1 ? new int[]{1} : new int[]{1, machine.threads()}) {
            out.printf(Locale.ROOT, "ceilings with %d thread%s: decode %.1f tok/s (bandwidth-bound), prefill %.1f tok/s "
                            + "(FP32 FMA-bound)%n", t, t == 1 ? "" : "s",
                    machine.bandwidth(t) / cost.bytesPerToken(depth), machine.flops(t) / cost.flopsPerToken(depth));
        }
    }

    private void printAchieved(BenchReport bench, ModelCost cost, Machine machine) {
        out.printf("%nachieved (bench results from %s):%n", benchJson);
        out.println("| test | threads | t/s | ceiling t/s | achieved |");
        out.println("| --- | ---: | ---: | ---: | ---: |");
        for (BenchResult result : bench.results()) {
            if (!result.model().equals(cost.fileName())) {
                out.printf("(skipping %s: measured on %s, not %s)%n", result.test(), result.model(), cost.fileName());
                continue;
            }
            double ceiling = ceiling(result, cost, machine);
            out.printf(Locale.ROOT, "| %s | %d | %.2f | %.1f | %.0f%% |%n", result.test(), result.threads(),
                    result.meanTokensPerSecond(), ceiling, 100 * result.meanTokensPerSecond() / ceiling);
        }
    }

    /** The ceiling for a bench result: its positions' mean cost against the matching machine limit. */
    static double ceiling(BenchResult result, ModelCost cost, Machine machine) {
        if (result.kind().equals("pp")) {
            return machine.flops(result.threads()) / cost.meanFlopsPerToken(result.depth(), result.tokens());
        }
        return machine.bandwidth(result.threads()) / cost.meanBytesPerToken(result.depth(), result.tokens());
    }
}
