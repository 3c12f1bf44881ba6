package dev.hearth.examples.chat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Drives {@code hearth chat} in a real terminal: tmux runs it on a private server socket, keys are sent as a user
 * would type them, and the pane is read back. A question, Ctrl-C in the middle of the answer, {@code /stats}, and
 * {@code /exit}. Skipped where tmux is not installed. Waits poll the pane; no assertion depends on a fixed delay.
 */
class ChatInTmuxTest {
    private static final Duration PATIENCE = Duration.ofSeconds(90);

    @TempDir
    Path folder;

    private String socket;

    @BeforeEach
    void needsTmux() {
        assumeTrue(runs("tmux", "-V"), "tmux is not installed");
        socket = "hearth-chat-test-" + ProcessHandle.current().pid();
    }

    @AfterEach
    void stopTmux() {
        if (socket != null) {
            runs("tmux", "-L", socket, "kill-server");
        }
    }

    @Test
    void questionCtrlCMidAnswerStatsAndExit() throws IOException {
        Path model = Path.of(System.getProperty("hearth.shared.models"), "gguf", "stories260K.gguf");
        assertThat(model).as("shared test model").isRegularFile();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path script = folder.resolve("chat.sh");
        // the answer may run to 1900 tokens, far longer than it takes to see its first words and press Ctrl-C
        Files.writeString(script, String.join(" ", List.of(
                quote(Path.of(System.getProperty("java.home"), "bin", "java").toString()),
                "--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-cp", quote(classPath), "dev.hearth.examples.HearthCommand", "chat",
                "--model", quote(model.toString()), "--threads", "1", "--max-tokens", "1900", "--seed", "7",
                "--history", quote(folder.resolve("history").toString())))
                + "\necho \"chat exited with $?\"\nsleep 600\n", StandardCharsets.UTF_8);

        tmux("new-session", "-d", "-s", "chat", "-x", "150", "-y", "60", "bash " + quote(script.toString()));
        awaitPane("the chat's greeting", pane -> pane.contains("hearth chat: /help for commands"));

        tmux("send-keys", "-t", "chat", "-l", "Once upon a time");
        tmux("send-keys", "-t", "chat", "Enter");
        awaitPane("the first words of the answer", pane -> answerAfter(pane, "> Once upon a time").length() >= 40);
        tmux("send-keys", "-t", "chat", "C-c");
        String stopped = awaitPane("the answer stopped by Ctrl-C", pane -> pane.contains("cancelled]"));
        assertThat(stopped).contains("^C (answer stopped)").doesNotContain("chat exited");

        tmux("send-keys", "-t", "chat", "-l", "/stats");
        tmux("send-keys", "-t", "chat", "Enter");
        String stats = awaitPane("the /stats report", pane -> pane.contains("session:     1 answers"));
        assertThat(stats).containsPattern("last answer: \\d+ prompt tokens \\(\\d+ cached, \\d+ computed\\), \\d+ completion tokens, TTFT [0-9.]+ ms, [0-9.]+ tok/s, cancelled");

        tmux("send-keys", "-t", "chat", "-l", "/exit");
        tmux("send-keys", "-t", "chat", "Enter");
        String end = awaitPane("the chat to exit", pane -> pane.contains("chat exited with"));
        assertThat(end).contains("bye").contains("chat exited with 0");
        assertThat(Files.readString(folder.resolve("history"))).contains("Once upon a time").contains("/stats");
    }

    /** The text printed after the line that echoes {@code question}, up to the next prompt or report. */
    private static String answerAfter(String pane, String question) {
        int at = pane.indexOf(question);
        if (at < 0) {
            return "";
        }
        String after = pane.substring(at + question.length());
        int end = after.indexOf("\n[");
        return (end >= 0 ? after.substring(0, end) : after).strip();
    }

    private String awaitPane(String what, Predicate<String> done) {
        Instant deadline = Instant.now().plus(PATIENCE);
        String pane = "";
        while (Instant.now().isBefore(deadline)) {
            pane = capture();
            if (done.test(pane)) {
                return pane;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return fail("Waited " + PATIENCE.toSeconds() + " s for " + what + "; the pane shows:\n" + pane);
    }

    private String capture() {
        List<String> command = new ArrayList<>(List.of("tmux", "-L", socket, "capture-pane", "-p", "-J", "-S", "-500", "-t", "chat"));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            process.waitFor(10, TimeUnit.SECONDS);
            return text;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private void tmux(String... arguments) {
        List<String> command = new ArrayList<>(List.of("tmux", "-L", socket));
        command.addAll(List.of(arguments));
        assertThat(runs(command.toArray(String[]::new))).as(String.join(" ", command)).isTrue();
    }

    private static boolean runs(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String quote(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }
}
