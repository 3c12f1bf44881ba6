package dev.hearth.examples.perf;

import dev.hearth.api.ConfigurationException;
import dev.hearth.local.internal.model.ModelConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BenchAndProbeTest {

    private static Path parityModel(String name) {
        Path path = Path.of(System.getProperty("hearth.shared.models"), "parity", "models", name);
        assertThat(path).as("shared test model").isRegularFile();
        return path;
    }

    @Test
    void modelCostCountsEveryMatrixOnceAndTheKvCachePerAttendedPosition() {
        ModelCost cost = ModelCost.of(parityModel("llama-Q8_0.gguf"));
        ModelConfig c = cost.config();
        long perLayer = (long) c.embeddingLength() * c.queryDimension() * 2 // query and attention output
                + 2L * c.embeddingLength() * c.kvDimension()                  // key and value
                + 3L * c.embeddingLength() * c.feedForwardLength();            // gate, up, down
        long expectedParameters = c.layerCount() * perLayer + (long) c.vocabularySize() * c.embeddingLength();
        assertThat(cost.matrixParameters()).isEqualTo(expectedParameters);
        assertThat(cost.flopsPerToken(0)).isEqualTo(2 * expectedParameters + c.layerCount() * 4L * c.queryDimension());
        // Q8_0 stores 34 bytes per 32 weights; the per-token read is about the matrices plus small norm vectors
        assertThat(cost.weightBytesPerToken()).isBetween(expectedParameters * 34 / 32,
                expectedParameters * 34 / 32 + 64L * 1024);
        assertThat(cost.weightBytesPerToken()).isLessThan(cost.tensorBytes());
        assertThat(cost.bytesPerToken(10) - cost.bytesPerToken(0))
                .isEqualTo(10L * c.layerCount() * 2 * c.kvDimension() * Float.BYTES);
        assertThat(cost.meanBytesPerToken(0, 3)).isEqualTo(cost.bytesPerToken(1));
    }

    @Test
    void benchCasesExpandLikeLlamaBenchAndRejectBadValues() {
        BenchCommand command = new BenchCommand();
        new CommandLine(command).parseArgs("-m", "x.gguf", "-p", "0,16", "-n", "8", "-d", "0,32", "-t", "1,2");
        List<String> labels = command.cases().stream().map(c -> c.label() + "/t" + c.threads()).toList();
        assertThat(labels).containsExactly("pp16/t1", "tg8/t1", "pp16 @ d32/t1", "tg8 @ d32/t1",
                "pp16/t2", "tg8/t2", "pp16 @ d32/t2", "tg8 @ d32/t2");

        BenchCommand negative = new BenchCommand();
        new CommandLine(negative).parseArgs("-m", "x.gguf", "-d", "-1");
        assertThatThrownBy(negative::cases).hasMessageContaining("-d values must be >= 0, got -1");
        BenchCommand empty = new BenchCommand();
        new CommandLine(empty).parseArgs("-m", "x.gguf", "-p", "0", "-n", "0");
        assertThatThrownBy(empty::cases).hasMessageContaining("nothing to run");
    }

    @Test
    void benchWritesJsonThatProbeReadsBackWithAchievedPercentages(@TempDir Path dir) throws IOException {
        Path model = parityModel("llama-Q4_0.gguf");
        Path json = dir.resolve("bench.json");
        Path chart = dir.resolve("depth.png");
        int exit = run("bench", "-m", model.toString(), "-p", "8", "-n", "4", "-d", "0,8", "-t", "1", "-r", "2",
                "--warmup", "0", "--prefix-cache", "on", "-o", "json", "--output-file", json.toString(),
                "--chart", chart.toString());
        assertThat(exit).isZero();

        BenchReport report = BenchReport.readJson(json);
        assertThat(report.results()).extracting(BenchResult::test)
                .containsExactly("pp8", "tg4", "pp8 @ d8", "tg4 @ d8");
        for (BenchResult result : report.results()) {
            assertThat(result.tokensPerSecondSamples()).hasSize(2).allSatisfy(rate -> assertThat(rate).isPositive());
            assertThat(result.meanTokensPerSecond()).isEqualTo(BenchResult.mean(result.tokensPerSecondSamples()));
            assertThat(result.ttftMillisSamples()).hasSize(2).allSatisfy(ms -> assertThat(ms).isPositive());
            assertThat(result.prefixCache()).isTrue();
            assertThat(result.fusion()).as("fusion is on by default").isTrue();
            assertThat(result.allocatedBytesPerToken()).isNotNegative();
            assertThat(result.model()).isEqualTo("llama-Q4_0.gguf");
        }
        assertThat(Files.readAllBytes(chart)).startsWith(0x89, 'P', 'N', 'G');
        assertThat(report.toMarkdown()).contains("| pp8 @ d8 |", "| tg4 |", "t/s", "TTFT ms");
        assertThat(report.toCsv().lines().toList()).hasSize(5).first().asString()
                .startsWith("model,model_bytes,parameters,test,kind,tokens,depth,threads");

        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        ProbeCommand probe = new ProbeCommand();
        probe.out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        int probeExit = new CommandLine(probe).execute("-m", model.toString(), "-t", "2", "--buffer-mib", "16",
                "--passes", "1", "--bench-json", json.toString());
        assertThat(probeExit).isZero();
        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains("memory read bandwidth", "vector FMA rate", "ceilings with 1 thread: decode",
                        "ceilings with 2 threads", "| pp8 @ d8 | 1 |", "| tg4 | 1 |")
                .containsPattern("\\| tg4 \\| 1 \\| [0-9.]+ \\| [0-9.]+ \\| [0-9]+% \\|");
    }

    @Test
    void fusionSwitchIsRecordedInEveryResult(@TempDir Path dir) {
        Path csv = dir.resolve("bench.csv");
        assertThat(run("bench", "-m", parityModel("phi3-Q8_0.gguf").toString(), "--fusion", "off", "-p", "4",
                "-n", "2", "-r", "1", "--warmup", "0", "-o", "csv", "--output-file", csv.toString())).isZero();
        assertThat(csv).content().contains("pp4,pp,4,0,").contains("tg2,tg,2,0,").doesNotContain("true,");
        assertThat(run("bench", "-m", parityModel("llama-Q8_0.gguf").toString(), "--fusion", "maybe")).isEqualTo(2);
    }

    @Test
    void baselinePutsTheReferenceRateAndTheRatioBesideEachMatchingCase(@TempDir Path dir) throws IOException {
        Path csv = Files.writeString(dir.resolve("baseline.csv"), """
                # comment lines are skipped
                model,test,threads,tokens_per_second,source
                llama-q4_0,pp8,1,10,reference machine
                llama-Q4_0,tg,1,4,reference machine
                llama-Q4_0,tg @ d8,2,4,reference machine
                """);
        Baseline baseline = Baseline.read(csv);
        BenchResult pp8 = result("pp8", "pp", 8, 0, 1, 20);
        BenchResult tg16 = result("tg16", "tg", 16, 0, 1, 3);
        BenchResult tgDeep = result("tg16 @ d8", "tg", 16, 8, 1, 3);
        BenchResult pp16 = result("pp16", "pp", 16, 0, 1, 3);
        assertThat(baseline.find(pp8)).get().extracting(Baseline.Entry::tokensPerSecond).isEqualTo(10.0);
        assertThat(baseline.find(tg16)).as("tg without a count matches any count").isPresent();
        assertThat(baseline.find(tgDeep)).as("other thread count").isEmpty();
        assertThat(baseline.find(pp16)).as("pp lengths must match").isEmpty();

        BenchReport report = new BenchReport("m", "jvm", 2, -1, List.of(pp8, tg16, tgDeep), List.of(), null);
        assertThat(report.toMarkdown(baseline))
                .contains("| baseline t/s | ratio |", "| 10.0 | 2.00× |", "| 4.0 | 0.75× |", "| – | – |",
                        "baseline: reference machine");
        assertThat(report.toMarkdown()).doesNotContain("ratio");
        assertThat(report.toCsv(baseline).lines().toList()).element(1).asString().endsWith(",10.0,2.0");
    }

    @Test
    void writingJsonToAFileStillPrintsTheTableWithTheBaselineRatios(@TempDir Path dir) throws IOException {
        Path baseline = Files.writeString(dir.resolve("baseline.csv"),
                "model,test,threads,tokens_per_second,source\nllama-Q8_0,tg,1,1000,somewhere\n");
        Path json = dir.resolve("bench.json");
        BenchCommand command = new BenchCommand();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        command.out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        command.err = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        int exit = new CommandLine(command).execute("-m", parityModel("llama-Q8_0.gguf").toString(), "-p", "4", "-n",
                "2", "-t", "1", "-r", "1", "--warmup", "0", "-o", "json", "--output-file", json.toString(),
                "--baseline", baseline.toString());
        assertThat(exit).isZero();
        assertThat(BenchReport.readJson(json).results()).hasSize(2);
        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains("| baseline t/s | ratio |", "| tg2 |", "| 1000.0 |", "baseline: somewhere")
                .containsPattern("\\| pp4 \\|.*\\| – \\| – \\|");
    }

    @Test
    void badBaselineFilesAreTypedErrorsNamingTheRow(@TempDir Path dir) throws IOException {
        String header = "model,test,threads,tokens_per_second,source\n";
        Path badTest = Files.writeString(dir.resolve("a.csv"), header + "m,pp,1,10,x\n");
        assertThatThrownBy(() -> Baseline.read(badTest)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("row 2").hasMessageContaining("test must look like pp512");
        Path badRate = Files.writeString(dir.resolve("b.csv"), header + "m,tg,1,fast,x\n");
        assertThatThrownBy(() -> Baseline.read(badRate)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("tokens_per_second is not a number");
        Path badThreads = Files.writeString(dir.resolve("c.csv"), header + "m,tg,0,3,x\n");
        assertThatThrownBy(() -> Baseline.read(badThreads)).hasMessageContaining("threads must be a whole number >= 1");
        Path empty = Files.writeString(dir.resolve("d.csv"), header);
        assertThatThrownBy(() -> Baseline.read(empty)).hasMessageContaining("has no rows");
        assertThatThrownBy(() -> Baseline.read(dir.resolve("missing.csv"))).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("cannot read baseline");
        assertThat(run("bench", "-m", parityModel("llama-Q8_0.gguf").toString(), "--baseline", badTest.toString()))
                .as("a bad baseline fails before the run").isEqualTo(2);
    }

    private static BenchResult result(String test, String kind, int tokens, int depth, int threads, double rate) {
        return new BenchResult("llama-Q4_0.gguf", 1, 1, test, kind, tokens, depth, threads, true, false, 1, rate, 0,
                1, 0, 1, 0, List.of(rate), List.of(1.0));
    }

    @Test
    void badModelFileIsATypedErrorNotACrash(@TempDir Path dir) throws IOException {
        Path notGguf = Files.writeString(dir.resolve("broken.gguf"), "not a model");
        assertThat(run("probe", "-m", notGguf.toString(), "--buffer-mib", "4", "--passes", "1")).isEqualTo(2);
    }

    private static int run(String... args) {
        return dev.hearth.examples.HearthCommandAccess.execute(args);
    }
}
