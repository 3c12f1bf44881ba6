package dev.hearth.examples;

import dev.hearth.api.ChatResponse;
import dev.hearth.api.InferenceClient;
import dev.hearth.local.Gguf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class AgentHarnessTest {
    private static final Pattern STEP = Pattern.compile("step (\\d+)\\s+prompt\\s+(\\d+) tok \\(\\s*(\\d+) cached\\)");

    @TempDir
    Path out;

    private static Path sharedModels() {
        return Path.of(System.getProperty("hearth.shared.models"));
    }

    private static Path stories260K() {
        Path path = sharedModels().resolve("gguf").resolve("stories260K.gguf");
        assertThat(path).as("shared test model").isRegularFile();
        return path;
    }

    private static String runCommand(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = HearthCommand.execute(args);
        } finally {
            System.setOut(original);
        }
        assertThat(exit).as("exit code; output:%n%s", printed.toString(StandardCharsets.UTF_8)).isZero();
        return printed.toString(StandardCharsets.UTF_8);
    }

    @Test
    void agentRunsTheToolUsingTaskOnTheDefaultModelOutOfTheBox() throws Exception {
        // the project sits beside shared/models, as in a fresh clone on a development machine: no --model, no template
        String previousHome = System.getProperty("hearth.home");
        System.setProperty("hearth.home", sharedModels().getParent().getParent().resolve("project").toString());
        String output;
        try {
            output = runCommand("agent", "--threads", "2", "--max-steps", "2", "--sub-agents", "1",
                    "--out", out.toString());
        } finally {
            if (previousHome == null) {
                System.clearProperty("hearth.home");
            } else {
                System.setProperty("hearth.home", previousHome);
            }
        }
        assertThat(output).contains("Agent on local-gguf (stories260K)", "prefix cache on", "prefix cache off",
                "ttft", "tok/s", "route local-gguf", "resumed in a fresh client", "report:");
        // the first step of the cache-on run is a tool call that parsed; from step 2 on, tokens come from the cache
        String cacheOn = output.substring(output.indexOf("prefix cache on"), output.indexOf("prefix cache off"));
        assertThat(cacheOn.lines().skip(2).findFirst().orElseThrow()).doesNotContain("malformed");
        Matcher steps = STEP.matcher(cacheOn);
        int seen = 0;
        while (steps.find()) {
            seen++;
            if (seen > 1) {
                assertThat(Integer.parseInt(steps.group(3))).as("cached tokens of %s", steps.group()).isPositive();
            }
        }
        assertThat(seen).as("steps of the cache-on run and its sub-agent").isGreaterThanOrEqualTo(2);
        assertThat(out.resolve("report.md")).content().contains("| main 1 |", "TTFT on (ms)", "cache off:");
        assertThat(Files.size(out.resolve("ttft.png"))).isPositive();
        assertThat(out.resolve("session/messages.json")).isRegularFile();
    }

    @Test
    void runReportsWhatTheAnswerCost() {
        try (InferenceClient client = InferenceClient.builder().runtime(Gguf.model(stories260K()).threads(2)).build()) {
            ChatResponse answer = client.chat().user("Once upon a time").maxTokens(8).temperature(0).call();
            assertThat(AgentHarness.describe(answer)).contains("prompt " + answer.usage().promptTokens() + " tok",
                    "ttft", "prefill", "decode", answer.usage().completionTokens() + " tok");
        }
        assertThat(List.of(runCommand("run", "--model", stories260K().toString(), "--max-tokens", "4", "Once")))
                .isNotEmpty();
    }

    @Test
    void commandLineReportsAMissingModelAsAnErrorNotAStackTrace() throws Exception {
        Path missing = Files.createTempDirectory("hearth").resolve("missing.gguf");
        assertThat(HearthCommand.execute("run", "--model", missing.toString(), "hello")).isEqualTo(2);
        assertThat(HearthCommand.execute("agent", "--model", missing.toString(), "--out", out.toString())).isEqualTo(2);
    }
}
