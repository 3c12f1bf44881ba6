package dev.hearth.examples.perf;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class LlamaCppComparisonTest {

    /** What {@code llama-bench -m 1b-Q8_0.gguf -p 128 -n 32 -t 1,2 -r 1 -o json} printed on the development machine. */
    private static String capturedOutput() throws IOException {
        try (InputStream in = LlamaCppComparisonTest.class.getResourceAsStream("llama-bench-output.json")) {
            assertThat(in).as("captured llama-bench output").isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void parsesLlamaBenchJsonIntoOneRunPerCase() throws IOException {
        List<LlamaBench.Run> runs = LlamaBench.parse(capturedOutput());
        assertThat(runs).extracting(run -> run.kind() + run.tokens() + "/t" + run.threads() + "/d" + run.depth())
                .containsExactly("pp128/t1/d0", "tg32/t1/d0", "pp128/t2/d0", "tg32/t2/d0");
        assertThat(runs.get(0).tokensPerSecondSamples()).containsExactly(59.7875);
        assertThat(runs.get(3).tokensPerSecondSamples()).containsExactly(26.7515);
        assertThat(runs.get(0).build()).contains("CPU", "AMD EPYC");
        assertThat(runs.get(1).sameCase(new BenchCase(BenchCase.Kind.TG, 32, 0, 1))).isTrue();
        assertThat(runs.get(1).sameCase(new BenchCase(BenchCase.Kind.TG, 32, 0, 2))).isFalse();
        assertThat(runs.get(1).sameCase(new BenchCase(BenchCase.Kind.PP, 32, 0, 1))).isFalse();
    }

    @Test
    void ratiosAreHearthsMeanOverLlamaCppsMeanInEveryOutputFormat() throws IOException {
        List<LlamaBench.Run> runs = LlamaBench.parse(capturedOutput());
        LlamaCppComparison comparison = new LlamaCppComparison(null, Path.of("m.gguf"),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        BenchCase tg2 = new BenchCase(BenchCase.Kind.TG, 32, 0, 2);
        BenchCase pp1 = new BenchCase(BenchCase.Kind.PP, 128, 0, 1);
        comparison.add(tg2, runs.get(3));
        comparison.add(tg2, new LlamaBench.Run("tg", 32, 0, 2, List.of(28.7485), "b"));
        comparison.add(pp1, runs.get(0));
        BenchResult hearthTg = new BenchResult("m.gguf", 1, 1, "tg32", "tg", 32, 0, 2, true, false, 2, 13.875, 0.1,
                1, 0, 1, 0, List.of(13.8, 13.95), List.of(1.0, 1.0));
        BenchResult hearthPp = new BenchResult("m.gguf", 1, 1, "pp128", "pp", 128, 0, 1, true, false, 1, 29.89375, 0,
                1, 0, 1, 0, List.of(29.89375), List.of(1.0));
        BenchResult notCompared = new BenchResult("m.gguf", 1, 1, "tg32", "tg", 32, 0, 1, true, false, 1, 9, 0,
                1, 0, 1, 0, List.of(9.0), List.of(1.0));

        List<LlamaCppResult> results = comparison.results(List.of(hearthPp, hearthTg, notCompared));
        assertThat(results).hasSize(2);
        LlamaCppResult pp = results.get(0);
        assertThat(pp.test()).isEqualTo("pp128");
        assertThat(pp.meanTokensPerSecond()).isEqualTo(59.7875);
        assertThat(pp.hearthOverLlamaCpp()).isCloseTo(0.5, within(1e-12));
        LlamaCppResult tg = results.get(1);
        assertThat(tg.tokensPerSecondSamples()).containsExactly(26.7515, 28.7485);
        assertThat(tg.meanTokensPerSecond()).isCloseTo(27.75, within(1e-9));
        assertThat(tg.stddevTokensPerSecond()).isCloseTo(Math.sqrt(2) * 0.9985, within(1e-9));
        assertThat(tg.hearthOverLlamaCpp()).isCloseTo(0.5, within(1e-9));

        BenchReport report = new BenchReport("m", "jvm", 2, 1.5, List.of(hearthPp, hearthTg, notCompared), results,
                "/opt/llama-bench");
        assertThat(report.toMarkdown())
                .contains("| llama.cpp t/s | Hearth / llama.cpp |", "| 59.8 | 0.50× |", "| 27.8 | 0.50× |",
                        "| – | – |", "llama.cpp: /opt/llama-bench", "load average at the end: 1.50");
        assertThat(report.toCsv().lines().toList()).element(1).asString().endsWith(",59.7875,0.5");
        Path json = Files.createTempFile("bench", ".json");
        try {
            Files.writeString(json, report.toJson());
            BenchReport back = BenchReport.readJson(json);
            assertThat(back.llamaCpp()).hasSize(2);
            assertThat(back.llamaCpp().get(1).hearthOverLlamaCpp()).isCloseTo(0.5, within(1e-9));
            assertThat(back.llamaCppExecutable()).isEqualTo("/opt/llama-bench");
        } finally {
            Files.delete(json);
        }
    }

    @Test
    void outputThatIsNotLlamaBenchJsonIsATypedError() {
        assertThatThrownBy(() -> LlamaBench.parse("main: error: failed to load model"))
                .isInstanceOf(LlamaBenchFailedException.class).hasMessageContaining("no JSON");
        assertThatThrownBy(() -> LlamaBench.parse("{\"n_prompt\": 1}"))
                .isInstanceOf(LlamaBenchFailedException.class).hasMessageContaining("array");
        assertThatThrownBy(() -> LlamaBench.parse("[{\"n_prompt\": 1, \"n_gen\": 0}]"))
                .isInstanceOf(LlamaBenchFailedException.class).hasMessageContaining("samples_ts");
    }

    @Test
    void aMissingOrNonExecutableLlamaBenchIsATypedErrorBeforeAnythingRuns(@TempDir Path dir) throws IOException {
        assertThatThrownBy(() -> LlamaBench.at(dir))
                .isInstanceOf(LlamaBenchUnavailableException.class)
                .hasMessageContaining("no llama-bench at " + dir.resolve("llama-bench"));
        assertThatThrownBy(() -> LlamaBench.at(dir.resolve("nowhere/llama-bench")))
                .isInstanceOf(LlamaBenchUnavailableException.class).hasMessageContaining("the directory that holds it");
        Path notExecutable = Files.writeString(dir.resolve("llama-bench"), "#!/bin/sh\n",
                StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(notExecutable, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> LlamaBench.at(dir)).isInstanceOf(LlamaBenchUnavailableException.class)
                .hasMessageContaining("is not an executable file");

        BenchCommand command = new BenchCommand();
        command.err = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertThat(new CommandLine(command).execute("-m", "no-model.gguf", "--compare-llama-cpp",
                dir.resolve("missing").toString())).as("fails before opening the model").isNotZero();
        assertThatThrownBy(command::call).isInstanceOf(LlamaBenchUnavailableException.class);
    }

    @Test
    void aLlamaBenchThatFailsIsATypedErrorWithItsMessage(@TempDir Path dir) throws IOException {
        Path fake = Files.writeString(dir.resolve("llama-bench"), "#!/bin/sh\necho 'error: failed to load model' >&2\n"
                + "exit 1\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        LlamaBench bench = LlamaBench.at(dir);
        assertThat(bench.command(Path.of("/m.gguf"), new BenchCase(BenchCase.Kind.TG, 32, 4096, 2)))
                .containsSubsequence("-p", "0", "-n", "32", "-d", "4096", "-t", "2", "-r", "1", "-o", "json");
        assertThatThrownBy(() -> bench.run(Path.of("/m.gguf"), new BenchCase(BenchCase.Kind.PP, 8, 0, 1)))
                .isInstanceOf(LlamaBenchFailedException.class).hasMessageContaining("exited with 1")
                .hasMessageContaining("failed to load model");
    }

    /** End to end with the llama-bench shipped in ../shared/tools, where there is one, on a small parity model. */
    @Test
    void benchRunsTheRealLlamaBenchBesideHearth(@TempDir Path dir) throws IOException {
        Path shared = Path.of(System.getProperty("hearth.shared.models")).getParent();
        Path tools = shared.resolve("tools/llama.cpp");
        Assumptions.assumeTrue(Files.isExecutable(tools.resolve("llama-bench")), "no llama-bench in " + tools);
        Path model = shared.resolve("models/parity/models/llama-Q8_0.gguf");
        Path json = dir.resolve("bench.json");
        BenchCommand command = new BenchCommand();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        command.out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        command.err = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        int exit = new CommandLine(command).execute("-m", model.toString(), "-p", "8", "-n", "4", "-t", "1", "-r",
                "2", "--warmup", "0", "-o", "json", "--output-file", json.toString(), "--compare-llama-cpp",
                tools.toString());
        assertThat(exit).isZero();
        BenchReport report = BenchReport.readJson(json);
        assertThat(report.llamaCpp()).extracting(LlamaCppResult::test).containsExactly("pp8", "tg4");
        for (LlamaCppResult result : report.llamaCpp()) {
            assertThat(result.tokensPerSecondSamples()).hasSize(2).allSatisfy(rate -> assertThat(rate).isPositive());
            assertThat(result.hearthOverLlamaCpp()).isPositive();
        }
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("| llama.cpp t/s | Hearth / llama.cpp |");
    }
}
