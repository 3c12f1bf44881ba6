package dev.hearth.examples;

import dev.hearth.api.CacheControl;
import dev.hearth.api.ConfigurationException;
import dev.hearth.cluster.ClusterNode;
import dev.hearth.cluster.ClusterRuntimeProvider;
import dev.hearth.cluster.ClusterSecret;
import dev.hearth.cluster.HopStats;
import dev.hearth.cluster.LinkEmulation;
import dev.hearth.cluster.ModelFiles;
import dev.hearth.cluster.NodeCapabilities;
import dev.hearth.cluster.NodeMain;
import dev.hearth.cluster.NodeSettings;
import dev.hearth.cluster.Placement;
import dev.hearth.cluster.RemoteStagePipeline;
import dev.hearth.cluster.WireFormat;
import dev.hearth.local.stage.LayerRange;
import dev.hearth.local.stage.ModelLayout;
import dev.hearth.local.stage.ModelStage;
import dev.hearth.local.stage.StagePipeline;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * {@code hearth cluster bench} (also {@code hearth bench --cluster N}): prefill and decode speed of one model in this
 * process, then split over this process and N-1 stage processes on 127.0.0.1, with the bytes and time of every hop and
 * how far the split's logits are from one process's (zero in f32). The stage processes are started from this JVM's
 * classpath and always stopped.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Prefill and decode tok/s of a model in one process vs split over N processes on 127.0.0.1.")
public final class ClusterBench implements Callable<Integer> {
    @Option(names = "--model", paramLabel = "FILE", description = "GGUF model (default: stories260K)")
    Path model;

    @Option(names = "--stages", description = "processes the model is split over (default: ${DEFAULT-VALUE})", defaultValue = "2")
    int stages;

    @Option(names = "-p", description = "prompt tokens (default: ${DEFAULT-VALUE})", defaultValue = "128")
    int promptTokens;

    @Option(names = "-n", description = "decoded tokens (default: ${DEFAULT-VALUE})", defaultValue = "64")
    int decodeTokens;

    @Option(names = "-t", description = "threads per stage (default: ${DEFAULT-VALUE})", defaultValue = "1")
    int threads;

    @Option(names = "--repeat", description = "runs per configuration; the best counts (default: ${DEFAULT-VALUE})", defaultValue = "3")
    int repeat;

    @Mixin
    ClusterBenchOptions options;

    /**
     * One run of the benchmark.
     *
     * @param warmups untimed runs per configuration first (they warm the JIT up)
     * @param repeat  timed runs per configuration; the best counts
     */
    public record Setup(Path model, int stages, int promptTokens, int decodeTokens, int threads, int warmups, int repeat,
                        WireFormat wireFormat, LinkEmulation link) {
        public Setup {
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(wireFormat, "wireFormat");
            Objects.requireNonNull(link, "link");
            if (stages < 2 || stages > 4) {
                throw new ConfigurationException("a cluster bench splits the model over 2 to 4 processes, not " + stages);
            }
            if (promptTokens < 1 || decodeTokens < 0 || threads < 1 || warmups < 0 || repeat < 1) {
                throw new ConfigurationException("a cluster bench needs -p >= 1, -n >= 0, -t >= 1, warm-ups >= 0 and"
                        + " repetitions >= 1");
            }
        }
    }

    private record Speed(double prefillTokensPerSecond, double decodeTokensPerSecond) {
    }

    /** The greedy tokens and the logits before each of them, from one (untimed) run. */
    private record Trace(List<Integer> tokens, List<float[]> logits) {
    }

    private record Measured(Speed speed, Trace trace) {
    }

    @Override
    public Integer call() throws Exception {
        Path file = model != null ? model : DefaultModel.resolve();
        return run(new Setup(file, stages, promptTokens, decodeTokens, threads, 1, repeat, options.wireFormat(),
                options.link()), System.out);
    }

    /** Runs the benchmark and prints its table to {@code out}. */
    public static int run(Setup setup, PrintStream out) throws Exception {
        Path file = setup.model();
        ModelLayout layout = ModelLayout.read(file);
        int context = setup.promptTokens() + setup.decodeTokens() + 1;
        int[] prompt = new int[setup.promptTokens()];
        for (int i = 0; i < prompt.length; i++) {
            prompt[i] = 1 + (i * 37) % (layout.vocabularySize() - 1);
        }
        Measured one;
        try (StagePipeline whole = StagePipeline.local(List.of(ModelStage.open(file, LayerRange.all(layout.layerCount()),
                context, setup.threads(), Optional.empty())))) {
            one = measure(whole, prompt, setup);
        }
        String name = "bench-" + ThreadLocalRandom.current().nextInt(1_000_000);
        int port = 25000 + 10 * ThreadLocalRandom.current().nextInt(1000);
        List<String> seeds = List.of("127.0.0.1:" + port, "127.0.0.1:" + (port + 1), "127.0.0.1:" + (port + 2),
                "127.0.0.1:" + (port + 3));
        List<Process> peers = new ArrayList<>();
        long budget = 1L << 40; // equal budgets on every node: an even split by layers
        try {
            for (int i = 1; i < setup.stages(); i++) {
                peers.add(startPeer(name, port, seeds, setup));
            }
            for (Process peer : peers) {
                awaitReady(peer);
            }
            try (ClusterNode node = ClusterNode.start(new NodeSettings(name, ClusterSecret.none(), seeds, port, 0,
                    Optional.empty(), budget, setup.threads(), List.of(file)).withWireFormat(setup.wireFormat()))) {
                if (!node.awaitNodes(setup.stages(), Duration.ofSeconds(60))) {
                    throw new IllegalStateException("only " + node.liveNodes().size() + " of " + setup.stages()
                            + " nodes joined");
                }
                String sha = ModelFiles.sha256(file);
                Placement placement = ClusterRuntimeProvider.plan(node, file, sha, context, setup.stages());
                Map<String, NodeCapabilities> nodes = node.liveNodes().stream()
                        .collect(Collectors.toMap(NodeCapabilities::nodeId, Function.identity()));
                try (RemoteStagePipeline split = RemoteStagePipeline.open(placement, file, nodes, node.nodeId(),
                        ClusterSecret.none(), setup.threads(), RemoteStagePipeline.Timeouts.defaults(), null)) {
                    split.wireFormat(setup.wireFormat()).emulateLink(setup.link());
                    Measured many = measure(split, prompt, setup);
                    print(out, setup, layout, placement, one, many, split.hopStats());
                }
            }
        } finally {
            for (Process peer : peers) {
                peer.destroyForcibly();
                peer.waitFor(10, TimeUnit.SECONDS);
            }
        }
        return 0;
    }

    private static void print(PrintStream out, Setup setup, ModelLayout layout, Placement placement, Measured one,
                              Measured many, List<HopStats> hops) {
        out.printf("%s, %d layers, -p %d -n %d -t %d, best of %d, activations %s%n", setup.model().getFileName(),
                layout.layerCount(), setup.promptTokens(), setup.decodeTokens(), setup.threads(), setup.repeat(),
                setup.wireFormat().label());
        out.println(setup.link().active()
                ? "link: EMULATED in the coordinator process, not tc netem (every gRPC message waits RTT/2 + its bytes"
                + " / rate): " + setup.link().describe()
                : "link: loopback (127.0.0.1), no emulated delay");
        out.printf("%-22s %14s %14s%n", "", "prefill tok/s", "decode tok/s");
        out.printf("%-22s %14.1f %14.1f%n", "1 process", one.speed().prefillTokensPerSecond(),
                one.speed().decodeTokensPerSecond());
        out.printf("%-22s %14.1f %14.1f%n", setup.stages() + " processes", many.speed().prefillTokensPerSecond(),
                many.speed().decodeTokensPerSecond());
        out.printf("%-22s %14.2f %14.2f%n", "ratio", many.speed().prefillTokensPerSecond()
                        / one.speed().prefillTokensPerSecond(),
                many.speed().decodeTokensPerSecond() / one.speed().decodeTokensPerSecond());
        out.println(compare(one.trace(), many.trace()));
        out.println(placement.describe());
        for (HopStats hop : hops) {
            out.printf("hop %s layers %s: %.0f bytes sent per position, %.0f bytes back per block,"
                            + " %.3f ms per block round trip (%d blocks)%n", hop.target(), hop.range(),
                    hop.bytesSentPerPosition(), (double) hop.bytesReceived() / hop.blocks(),
                    hop.roundTripNanos() / 1e6 / hop.blocks(), hop.blocks());
        }
    }

    /**
     * The split's logits against one process's: bit-identical, or the largest absolute difference over the steps whose
     * input was still the same (up to the first greedy token that differs), and whether the greedy tokens agree.
     */
    private static String compare(Trace one, Trace many) {
        int steps = one.logits().size();
        int firstDifferentToken = -1;
        double maxDifference = 0;
        boolean identical = true;
        for (int step = 0; step < steps; step++) {
            float[] a = one.logits().get(step);
            float[] b = many.logits().get(step);
            for (int v = 0; v < a.length; v++) {
                maxDifference = Math.max(maxDifference, Math.abs((double) a[v] - b[v]));
                identical &= Float.floatToRawIntBits(a[v]) == Float.floatToRawIntBits(b[v]);
            }
            if (!one.tokens().get(step).equals(many.tokens().get(step))) {
                firstDifferentToken = step;
                break;
            }
        }
        if (identical) {
            return String.format("logits vs 1 process: bit-identical over %d steps; greedy tokens: all %d equal", steps,
                    steps);
        }
        String tokens = "all " + steps + " equal";
        if (firstDifferentToken >= 0) {
            // how close the call was: one process's logits of its own token and of the split's token at that step
            float[] reference = one.logits().get(firstDifferentToken);
            tokens = String.format("first differs at step %d of %d, where one process's logits of the two tokens are"
                            + " %.4g apart", firstDifferentToken, steps,
                    reference[one.tokens().get(firstDifferentToken)] - reference[many.tokens().get(firstDifferentToken)]);
        }
        return String.format("logits vs 1 process: max abs difference %.6g over %d steps; greedy tokens: %s",
                maxDifference, firstDifferentToken < 0 ? steps : firstDifferentToken + 1, tokens);
    }

    private static Measured measure(StagePipeline pipeline, int[] prompt, Setup setup) {
        double prefill = 0;
        double decode = 0;
        int[] one = new int[1];
        Trace trace = new Trace(new ArrayList<>(), new ArrayList<>());
        for (int run = 0; run < setup.warmups() + setup.repeat(); run++) {
            boolean traced = run == 0; // copying the logits costs microseconds per step, nothing next to a step
            pipeline.begin(prompt, CacheControl.disabled());
            long start = System.nanoTime();
            float[] logits = pipeline.forward(prompt, 0, prompt.length, true);
            long prefilled = System.nanoTime();
            for (int i = 0; i < setup.decodeTokens(); i++) {
                one[0] = argmax(logits);
                if (traced) {
                    trace.logits().add(logits.clone());
                    trace.tokens().add(one[0]);
                }
                logits = pipeline.forward(one, 0, 1, true);
            }
            long decoded = System.nanoTime();
            pipeline.end();
            if (run >= setup.warmups()) {
                prefill = Math.max(prefill, prompt.length / ((prefilled - start) / 1e9));
                decode = Math.max(decode, setup.decodeTokens() / ((decoded - prefilled) / 1e9));
            }
        }
        return new Measured(new Speed(prefill, decode), trace);
    }

    private static Process startPeer(String name, int port, List<String> seeds, Setup setup) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), NodeMain.class.getName(), "--cluster", name, "--hazelcast-port",
                String.valueOf(port), "--threads", String.valueOf(setup.threads()), "--memory-budget",
                String.valueOf(1L << 40), "--model", setup.model().toString(), "--wire-format",
                setup.wireFormat().label()));
        for (String seed : seeds) {
            command.addAll(List.of("--seed", seed));
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().remove("HEARTH_CLUSTER_SECRET");
        return builder.start();
    }

    private static void awaitReady(Process peer) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(peer.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = out.readLine()) != null; ) {
            if (line.startsWith("READY ")) {
                return;
            }
        }
        throw new IllegalStateException("a stage process exited before it was ready");
    }

    private static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
