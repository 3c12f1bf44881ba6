package dev.hearth.examples.tokenizerbench;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The documented {@code hearth tokenizer-bench} command runs end to end on a small corpus and prints its table. */
class TokenizerBenchCommandTest {

    @Test
    void smallRunPrintsAgreementAndATableRowPerTokenizer() {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int exit;
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            exit = new CommandLine(new TokenizerBenchCommand()).execute("--models",
                    System.getProperty("hearth.shared.models"), "--scratch", "target", "--corpus-mb", "0.05", "--warmup", "0",
                    "--iterations", "1");
        } finally {
            System.setOut(original);
        }
        String output = captured.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(output).isZero();
        assertThat(output).contains("Hearth SPM and the Rust tokenizer agree on all")
                .contains("Hearth BPE and the Rust tokenizer (Llama 3) agree on")
                .contains("| tokenizer | vocabulary | encode MB/s");
        assertThat(output.lines().filter(line -> line.startsWith("| Hearth") || line.startsWith("| Hugging Face")))
                .hasSize(5);
    }

    @Test
    void invalidArgumentsAreRejected() {
        CommandLine commandLine = new CommandLine(new TokenizerBenchCommand());
        commandLine.setErr(new java.io.PrintWriter(new ByteArrayOutputStream()));
        assertThat(commandLine.execute("--iterations", "0", "--models", System.getProperty("hearth.shared.models")))
                .isNotZero();
    }
}
