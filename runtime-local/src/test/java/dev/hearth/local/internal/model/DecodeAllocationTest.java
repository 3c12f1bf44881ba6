package dev.hearth.local.internal.model;

import dev.hearth.local.testing.SharedModels;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Decode allocates nothing per token once the JIT has compiled it: the caller and the pool's worker together
 * allocate 0 bytes over whole rounds of tokens. A nonzero count means some Vector API code runs boxed — a helper
 * taking or returning a vector that C2 compiled alone and then would not inline, a virtual vector call C2 could not
 * bind, or a once-per-token path that never gets compiled — which costs speed and changes from one JVM to the next
 * (docs/performance/round-two.md).
 *
 * <p>Each model runs in a JVM of its own ({@link DecodeAllocationMain}), with the flags an application needs and no others, so the
 * compile order is that of an application decoding one model, not of whatever tests ran before in this JVM. The
 * JIT finishes at no fixed token, so the run is not judged at a fixed round: it must reach three rounds in a row
 * with nothing allocated within its budget of rounds, and a leak that persists (as the boxed lane sum did, 96 bytes
 * per RMSNorm, forever) never gets there. The budget is generous (a steady state came after 4,000 tokens at most in
 * the measured runs); nothing here is timed.
 */
class DecodeAllocationTest {
    private static final int TOKENS_PER_ROUND = 32;
    private static final int MAX_ROUNDS = 600;
    private static final int QUIET_ROUNDS = 3;

    @ParameterizedTest
    @ValueSource(strings = {"llama-Q8_0", "llama-Q4_0", "llama-Q4_K_M"})
    void decodeAllocatesNothingPerTokenAfterWarmUp(String model) throws IOException, InterruptedException {
        Path file = SharedModels.file("parity/models/" + model + ".gguf");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--add-modules=jdk.incubator.vector");
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(DecodeAllocationMain.class.getName());
        command.add(file.toString());
        command.add(Integer.toString(TOKENS_PER_ROUND));
        command.add(Integer.toString(MAX_ROUNDS));
        command.add(Integer.toString(QUIET_ROUNDS));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(10, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        // the last rounds say what still allocates, if anything
        String[] lines = output.strip().split("\n");
        String tail = String.join("\n", List.of(lines).subList(Math.max(0, lines.length - 5), lines.length));
        assertThat(output).as("decode of %s after warm-up, last rounds:%n%s", model, tail).contains("steady ");
    }
}
