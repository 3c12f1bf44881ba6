package dev.hearth.examples;

import dev.hearth.api.CacheControl;
import dev.hearth.cluster.ClusterNode;
import dev.hearth.cluster.ClusterRuntimeProvider;
import dev.hearth.cluster.ClusterSecret;
import dev.hearth.cluster.HopStats;
import dev.hearth.cluster.ModelFiles;
import dev.hearth.cluster.NodeCapabilities;
import dev.hearth.cluster.NodeMain;
import dev.hearth.cluster.NodeSettings;
import dev.hearth.cluster.Placement;
import dev.hearth.cluster.RemoteStagePipeline;
import dev.hearth.local.stage.LayerRange;
import dev.hearth.local.stage.ModelLayout;
import dev.hearth.local.stage.ModelStage;
import dev.hearth.local.stage.StagePipeline;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * {@code hearth cluster bench}: prefill and decode speed of one model in this process, then split over this process
 * and N-1 stage processes on 127.0.0.1, with the bytes and time of every hop. The stage processes are started from
 * this JVM's classpath and always stopped.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Prefill and decode tok/s of a model in one process vs split over N processes on 127.0.0.1.")
final class ClusterBench implements Callable<Integer> {
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

    private record Speed(double prefillTokensPerSecond, double decodeTokensPerSecond) {
    }

    @Override
    public Integer call() throws Exception {
        Path file = model != null ? model : DefaultModel.resolve();
        ModelLayout layout = ModelLayout.read(file);
        int context = promptTokens + decodeTokens + 1;
        int[] prompt = new int[promptTokens];
        for (int i = 0; i < promptTokens; i++) {
            prompt[i] = 1 + (i * 37) % (layout.vocabularySize() - 1);
        }
        Speed one;
        try (StagePipeline whole = StagePipeline.local(List.of(ModelStage.open(file, LayerRange.all(layout.layerCount()),
                context, threads, Optional.empty())))) {
            one = best(whole, prompt);
        }
        String name = "bench-" + ThreadLocalRandom.current().nextInt(1_000_000);
        int port = 25000 + 10 * ThreadLocalRandom.current().nextInt(1000);
        List<String> seeds = List.of("127.0.0.1:" + port, "127.0.0.1:" + (port + 1), "127.0.0.1:" + (port + 2),
                "127.0.0.1:" + (port + 3));
        List<Process> peers = new ArrayList<>();
        long budget = 1L << 40; // equal budgets on every node: an even split by layers
        try {
            for (int i = 1; i < stages; i++) {
                peers.add(startPeer(name, port, seeds, file));
            }
            for (Process peer : peers) {
                awaitReady(peer);
            }
            try (ClusterNode node = ClusterNode.start(new NodeSettings(name, ClusterSecret.none(), seeds, port, 0,
                    Optional.empty(), budget, threads, List.of(file)))) {
                if (!node.awaitNodes(stages, Duration.ofSeconds(60))) {
                    throw new IllegalStateException("only " + node.liveNodes().size() + " of " + stages + " nodes joined");
                }
                String sha = ModelFiles.sha256(file);
                Placement placement = ClusterRuntimeProvider.plan(node, file, sha, context, stages);
                Map<String, NodeCapabilities> nodes = node.liveNodes().stream()
                        .collect(Collectors.toMap(NodeCapabilities::nodeId, Function.identity()));
                try (RemoteStagePipeline split = RemoteStagePipeline.open(placement, file, nodes, node.nodeId(),
                        ClusterSecret.none(), threads, RemoteStagePipeline.Timeouts.defaults(), null)) {
                    Speed many = best(split, prompt);
                    System.out.printf("%s, %d layers, -p %d -n %d -t %d, best of %d%n", file.getFileName(),
                            layout.layerCount(), promptTokens, decodeTokens, threads, repeat);
                    System.out.printf("%-22s %14s %14s%n", "", "prefill tok/s", "decode tok/s");
                    System.out.printf("%-22s %14.1f %14.1f%n", "1 process", one.prefillTokensPerSecond(),
                            one.decodeTokensPerSecond());
                    System.out.printf("%-22s %14.1f %14.1f%n", stages + " processes", many.prefillTokensPerSecond(),
                            many.decodeTokensPerSecond());
                    System.out.printf("%-22s %14.2f %14.2f%n", "ratio", many.prefillTokensPerSecond()
                            / one.prefillTokensPerSecond(), many.decodeTokensPerSecond() / one.decodeTokensPerSecond());
                    System.out.println(placement.describe());
                    for (HopStats hop : split.hopStats()) {
                        System.out.printf("hop %s layers %s: %.0f bytes sent per position, %.0f bytes back per block,"
                                        + " %.3f ms per block round trip (%d blocks)%n", hop.target(), hop.range(),
                                hop.bytesSentPerPosition(), (double) hop.bytesReceived() / hop.blocks(),
                                hop.roundTripNanos() / 1e6 / hop.blocks(), hop.blocks());
                    }
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

    private Speed best(StagePipeline pipeline, int[] prompt) {
        double prefill = 0;
        double decode = 0;
        int[] one = new int[1];
        for (int run = 0; run < repeat + 1; run++) { // the first run warms the JIT up and is not counted
            pipeline.begin(prompt, CacheControl.disabled());
            long start = System.nanoTime();
            float[] logits = pipeline.forward(prompt, 0, prompt.length, true);
            long prefilled = System.nanoTime();
            for (int i = 0; i < decodeTokens; i++) {
                one[0] = argmax(logits);
                logits = pipeline.forward(one, 0, 1, true);
            }
            long decoded = System.nanoTime();
            pipeline.end();
            if (run > 0) {
                prefill = Math.max(prefill, prompt.length / ((prefilled - start) / 1e9));
                decode = Math.max(decode, decodeTokens / ((decoded - prefilled) / 1e9));
            }
        }
        return new Speed(prefill, decode);
    }

    private Process startPeer(String name, int port, List<String> seeds, Path file) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), NodeMain.class.getName(), "--cluster", name, "--hazelcast-port",
                String.valueOf(port), "--threads", String.valueOf(threads), "--memory-budget", String.valueOf(1L << 40),
                "--model", file.toString()));
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
