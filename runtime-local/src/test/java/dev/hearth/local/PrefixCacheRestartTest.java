package dev.hearth.local;

import dev.hearth.api.ChatRequest;
import dev.hearth.api.ChatResponse;
import dev.hearth.api.InferenceClient;
import dev.hearth.api.Message;
import dev.hearth.kvcache.PrefixCache;
import dev.hearth.local.testing.SharedModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.hearth.local.PrefixCacheTest.SYSTEM;
import static dev.hearth.local.PrefixCacheTest.turn;
import static org.assertj.core.api.Assertions.assertThat;

/** A new JVM process finds the blocks an earlier process left in the disk tier and answers identically. */
class PrefixCacheRestartTest {
    static final ChatRequest PROMPT = turn(List.of(Message.system(SYSTEM)), "Lily said");

    @TempDir
    Path directory;

    static PrefixCache cache(Path dir) {
        return PrefixCache.inMemory(16L << 20).blockSize(16).spillTo(dir);
    }

    /** The second process: answers {@link #PROMPT} with the disk tier at {@code args[0]} and prints what it reused. */
    public static void main(String[] args) {
        try (InferenceClient client = InferenceClient.builder()
                .runtime(Gguf.model(SharedModels.stories260K()).threads(1).prefixCache(cache(Path.of(args[0])))).build()) {
            ChatResponse answer = client.call(PROMPT);
            System.out.println("cached=" + answer.usage().cachedPromptTokens());
            System.out.println("text=" + answer.text().replace("\n", "\\n"));
        }
    }

    @Test
    void aNewProcessReusesTheDiskTierOfTheLastOne() throws IOException, InterruptedException {
        ChatResponse first;
        try (InferenceClient client = InferenceClient.builder()
                .runtime(Gguf.model(SharedModels.stories260K()).threads(2).prefixCache(cache(directory))).build()) {
            first = client.call(PROMPT);
            assertThat(first.usage().cachedPromptTokens()).isZero();
        }

        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-Dhearth.shared.models=" + SharedModels.root(), "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"), PrefixCacheRestartTest.class.getName(), directory.toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();

        int promptTokens = first.usage().promptTokens();
        assertThat(output).as(output).contains("cached=" + (promptTokens - 1) / 16 * 16);
        assertThat(output).contains("text=" + first.text().replace("\n", "\\n"));
    }
}
