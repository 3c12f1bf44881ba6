package dev.hearth.examples;

import dev.hearth.cluster.ClusterNode;
import dev.hearth.cluster.ClusterSecret;
import dev.hearth.cluster.ModelFiles;
import dev.hearth.cluster.NodeSettings;
import dev.hearth.cluster.StageAssignment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class ClusterCommandTest {
    private static String stories260K() {
        return Path.of(System.getProperty("hearth.shared.models"), "gguf", "stories260K.gguf").toString();
    }

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
        try {
            int exit = HearthCommand.execute(args);
            return new Run(exit, stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void planPrintsEachStagesLayersAndMemoryBeforeAnythingLoads() {
        Run two = run("cluster", "plan", "--model", stories260K(), "--context", "128", "--budgets", "1MiB,1MiB");

        assertThat(two.exit()).isZero();
        assertThat(two.out()).contains("stories260K.gguf: 5 layers")
                .contains("node-1").contains("layers [0, 3)").contains("node-2").contains("layers [3, 5)")
                .contains("of       1,048,576 bytes");
    }

    @Test
    void aModelOverTheOnlyNodesBudgetIsRefusedWithItsNeed() {
        Run one = run("cluster", "plan", "--model", stories260K(), "--context", "128", "--budgets", "1MiB");

        assertThat(one.exit()).isNotZero();
        assertThat(one.err()).contains("no split fits").contains("1,335,040");
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void serveWithClusterSpreadsTheModelOverTheNodesAndAnswersOverHttp() throws Exception {
        String name = "serve-test-" + ThreadLocalRandom.current().nextInt(1_000_000);
        int port = 31000 + 10 * ThreadLocalRandom.current().nextInt(1000);
        List<String> seeds = List.of("127.0.0.1:" + port, "127.0.0.1:" + (port + 1));
        Path model = Path.of(stories260K());
        try (ClusterNode lender = ClusterNode.start(new NodeSettings(name, ClusterSecret.none(), seeds, port, 0,
                Optional.empty(), 1 << 20, 1, List.of(model)))) {
            ServeCommand serve = new ServeCommand();
            CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> new CommandLine(serve).execute(
                    "--cluster", name, "--seed", seeds.get(0), "--seed", seeds.get(1), "--hazelcast-port",
                    String.valueOf(port), "--memory-budget", "1MiB", "--await-nodes", "2", "--model", stories260K(),
                    "--context", "128", "--threads", "1", "--port", "0"));
            var server = serve.awaitStarted();
            try {
                HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                                URI.create(server.baseUri() + "/v1/chat/completions"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"stories260K\",\"max_tokens\":8,"
                                + "\"temperature\":0,\"messages\":[{\"role\":\"user\",\"content\":\"Once upon a time\"}]}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.body()).contains("there was a little girl").contains("\"completion_tokens\":8");
            } finally {
                serve.stop();
            }
            assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
            // stories260K needs 1.3 MB at context 128: neither 1 MiB node holds it alone
            assertThat(lender.publishedPlan(ModelFiles.sha256(model)).orElseThrow().stages())
                    .extracting(StageAssignment::nodeId).hasSize(2).contains(lender.nodeId());
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void benchWithClusterSplitsTheModelOverTwoProcessesLikeClusterBench() {
        Run two = run("bench", "--cluster", "2", "-m", stories260K(), "-p", "40", "-n", "8", "-r", "1", "--warmup", "0",
                "--wire-format", "f16", "--link-delay", "1ms", "--link-rate", "1gbit");

        assertThat(two.exit()).as(two.err()).isZero();
        assertThat(two.out()).contains("stories260K.gguf, 5 layers, -p 40 -n 8 -t 1, best of 1, activations f16")
                .contains("link: EMULATED in the coordinator process, not tc netem")
                .contains("RTT 1.0 ms (half each way), 1 Gbit/s")
                .contains("1 process").contains("2 processes").contains("ratio")
                .containsPattern("logits vs 1 process: max abs difference [0-9.e-]+ over 8 steps; greedy tokens: all 8 equal")
                // 64 activations of 2 bytes cross to the second stage
                .contains("128 bytes sent per position");
    }

    @Test
    void benchRefusesClusterOptionsItCannotHonour() {
        Run lists = run("bench", "--cluster", "2", "-m", stories260K(), "-p", "16,32");
        Run wireWithoutCluster = run("bench", "-m", stories260K(), "--wire-format", "bf16");
        Run badFormat = run("bench", "--cluster", "2", "-m", stories260K(), "--wire-format", "fp8");
        Run oneStage = run("bench", "--cluster", "1", "-m", stories260K());

        assertThat(lists.exit()).isNotZero();
        assertThat(lists.err()).contains("give a single -p, -n and -t value");
        assertThat(wireWithoutCluster.err()).contains("apply to --cluster N only");
        assertThat(badFormat.err()).contains("wire format must be one of f32, bf16, f16");
        assertThat(oneStage.err()).contains("2 to 4 processes");
    }
}
