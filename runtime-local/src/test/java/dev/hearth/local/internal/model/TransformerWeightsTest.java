package dev.hearth.local.internal.model;

import dev.hearth.api.ModelFormatException;
import dev.hearth.api.UnsupportedModelException;
import dev.hearth.local.internal.gguf.GgufFile;
import dev.hearth.local.testing.SharedModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Loading checks the tensors against the architecture: required ones must be there, and a tensor the forward pass
 * would not use is refused rather than silently ignored. The fixtures are parity models with one tensor renamed
 * (same length, so the file stays valid).
 */
class TransformerWeightsTest {
    @TempDir
    Path temp;

    private Path renamed(String model, String from, String to) throws IOException {
        assertThat(to).hasSameSizeAs(from);
        byte[] bytes = Files.readAllBytes(SharedModels.file("parity/models/" + model + ".gguf"));
        byte[] needle = from.getBytes(StandardCharsets.US_ASCII);
        int at = indexOf(bytes, needle);
        assertThat(at).as("tensor name %s in %s", from, model).isNotNegative();
        System.arraycopy(to.getBytes(StandardCharsets.US_ASCII), 0, bytes, at, needle.length);
        return Files.write(temp.resolve(model + "-renamed.gguf"), bytes);
    }

    private static void load(Path path) {
        try (GgufFile file = GgufFile.open(path)) {
            new TransformerModel(file, ModelConfig.from(file.metadata(), 512));
        }
    }

    @Test
    void everyParityArchitectureLoadsFromItsF32File() {
        for (String model : new String[] {"llama", "qwen2", "qwen3", "phi3", "gemma2", "gemma3"}) {
            load(SharedModels.file("parity/models/" + model + "-F32.gguf"));
        }
    }

    @Test
    void aTensorTheForwardPassWouldIgnoreIsRefusedByName() throws IOException {
        Path file = renamed("llama-F32", "rope_freqs.weight", "rope_extra.weight");
        assertThatThrownBy(() -> load(file)).isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("rope_extra.weight").hasMessageContaining("llama");
    }

    @Test
    void aRequiredBiasThatIsMissingIsAFormatErrorNamingIt() throws IOException {
        Path file = renamed("qwen2-F32", "blk.0.attn_q.bias", "blk.0.attn_q.bia_");
        assertThatThrownBy(() -> load(file)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("blk.0.attn_q.bias").hasMessageContaining("missing");
    }

    @Test
    void missingQueryKeyNormsAreAFormatError() throws IOException {
        Path file = renamed("qwen3-F32", "blk.1.attn_k_norm.weight", "blk.1.attn_k_norx.weight");
        assertThatThrownBy(() -> load(file)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("blk.1.attn_k_norm.weight");
    }

    @Test
    void longRopeFactorsAreRefusedAsUnsupported() throws IOException {
        // same length as "blk.0.attn_output.weight"
        Path file = renamed("phi3-F32", "blk.0.attn_output.weight", "rope_factors_long.weight");
        assertThatThrownBy(() -> load(file)).isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("rope_factors_long.weight").hasMessageContaining("LongRoPE");
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
