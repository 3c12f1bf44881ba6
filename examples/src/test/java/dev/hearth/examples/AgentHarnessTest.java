package dev.hearth.examples;

import dev.hearth.api.ChatResponse;
import dev.hearth.api.GenerationOptions;
import dev.hearth.api.InferenceClient;
import dev.hearth.local.Gguf;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AgentHarnessTest {

    private static Path stories260K() {
        Path path = Path.of(System.getProperty("hearth.shared.models"), "gguf", "stories260K.gguf");
        assertThat(path).as("shared test model").isRegularFile();
        return path;
    }

    @Test
    void multiTurnSessionResendsHistoryAndReportsEachTurn() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (InferenceClient client = InferenceClient.builder().runtime(Gguf.model(stories260K()).threads(2)).build()) {
            List<ChatResponse> answers = new AgentHarness(client,
                    GenerationOptions.builder().temperature(0).maxTokens(16).build(),
                    new PrintStream(printed, true, StandardCharsets.UTF_8))
                    .run(List.of("Once upon a time, there was a little dog.", "The next day,"));
            assertThat(answers).hasSize(2);
            // the second prompt holds the first turn, its answer and the new turn
            assertThat(answers.get(1).usage().promptTokens()).isGreaterThan(answers.get(0).usage().promptTokens() + 16);
            String output = printed.toString(StandardCharsets.UTF_8);
            assertThat(output).contains("--- turn 1 ---", "--- turn 2 ---", "ttft", "prefill", "decode", "tok/s",
                    answers.get(0).text(), answers.get(1).text(), "2 turns");
        }
    }

    @Test
    void commandLineRunsTheAgentOnAGivenModel() throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = HearthCommand.execute("agent", "--model", stories260K().toString(), "--max-tokens", "8",
                    "--turn", "Once upon a time");
        } finally {
            System.setOut(original);
        }
        assertThat(exit).isZero();
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("turn 1", "decode", "1 turns");
    }

    @Test
    void commandLineReportsAMissingModelAsAnErrorNotAStackTrace() throws Exception {
        Path missing = Files.createTempDirectory("hearth").resolve("missing.gguf");
        assertThat(HearthCommand.execute("run", "--model", missing.toString(), "hello")).isEqualTo(2);
    }
}
