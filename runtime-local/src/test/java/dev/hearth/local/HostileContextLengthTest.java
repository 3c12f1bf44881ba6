package dev.hearth.local;

import dev.hearth.api.ChatResponse;
import dev.hearth.api.ConfigurationException;
import dev.hearth.api.InferenceClient;
import dev.hearth.api.ModelFormatException;
import dev.hearth.local.testing.SharedModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A GGUF file whose header declares a huge context: before, buffers were sized from it (a
 * NegativeArraySizeException at 2^31-1, 4.2 GB and 18 s at 2^30, 2 GB and a 9 s first token at 10^8). Now the
 * declaration is bounded, the default context fits the heap, and memory follows the positions used.
 */
class HostileContextLengthTest {

    /** stories260K with its {@code llama.context_length} (a uint32) replaced. */
    private static Path withContextLength(Path directory, long contextLength) throws IOException {
        byte[] bytes = Files.readAllBytes(SharedModels.stories260K());
        byte[] key = "llama.context_length".getBytes(StandardCharsets.UTF_8);
        int at = indexOf(bytes, key);
        assertThat(at).as("the key is in the file").isPositive();
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(buffer.getInt(at + key.length)).as("value type uint32").isEqualTo(4);
        buffer.putInt(at + key.length + 4, (int) contextLength);
        return Files.write(directory.resolve("context-" + contextLength + ".gguf"), bytes);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void aContextBeyondAnyModelIsAFormatErrorNamingTheField(@TempDir Path directory) throws IOException {
        for (long declared : new long[] {Integer.MAX_VALUE, 1L << 30, 100_000_000L}) {
            Path model = withContextLength(directory, declared);
            assertThatThrownBy(() -> InferenceClient.builder().runtime(Gguf.model(model).threads(1)).build())
                    .isInstanceOf(ModelFormatException.class).hasMessageContaining("context_length");
        }
    }

    @Test
    void aLargeDeclaredContextOpensWithADefaultThatFitsAndAnswersPromptly(@TempDir Path directory) throws IOException {
        Path model = withContextLength(directory, 1L << 24);
        long before = usedHeap();
        try (InferenceClient client = InferenceClient.builder().runtime(Gguf.model(model).threads(1)).build()) {
            assertThat(client.runtimes().getFirst().contextLength()).isLessThan(1 << 24).isGreaterThanOrEqualTo(256);
            ChatResponse answer = client.chat().user("Once upon a time").temperature(0).maxTokens(8).call();
            assertThat(answer.usage().completionTokens()).isEqualTo(8);
            assertThat(usedHeap() - before).as("memory follows the positions used, not the declared context")
                    .isLessThan(256L << 20);
        }
        // an explicit context whose cache cannot fit the heap is refused, naming the number
        assertThatThrownBy(() -> InferenceClient.builder().runtime(Gguf.model(model).threads(1).contextLength(1 << 24)).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("contextLength 16777216")
                .hasMessageContaining("-Xmx");
    }

    private static long usedHeap() {
        System.gc();
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
