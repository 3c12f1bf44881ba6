package dev.hearth.local;

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
 * Corruptions that used to load silently (a token type of 65286, a tensor retyped from F32 to Q4_0, which then
 * produced garbage) are refused with the field named.
 */
class CorruptedMetadataTest {

    private static ByteBuffer stories() throws IOException {
        return ByteBuffer.wrap(Files.readAllBytes(SharedModels.stories260K())).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static int find(ByteBuffer file, String text) {
        byte[] needle = text.getBytes(StandardCharsets.UTF_8);
        byte[] bytes = file.array();
        outer:
        for (int i = 8; i + needle.length <= bytes.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (bytes[i + j] != needle[j]) {
                    continue outer;
                }
            }
            if (file.getLong(i - 8) == needle.length) { // a GGUF string: its length comes first
                return i;
            }
        }
        throw new AssertionError(text + " not found");
    }

    private static Path write(Path directory, String name, ByteBuffer file) throws IOException {
        return Files.write(directory.resolve(name), file.array());
    }

    private static void assertRefused(Path model, String field) {
        assertThatThrownBy(() -> InferenceClient.builder().runtime(Gguf.model(model).threads(1)).build())
                .isInstanceOfSatisfying(ModelFormatException.class, e -> assertThat(e.field()).startsWith(field));
    }

    @Test
    void aTokenTypeOutsideTheKnownOnesIsRefusedNamingTheToken(@TempDir Path directory) throws IOException {
        ByteBuffer file = stories();
        int key = find(file, "tokenizer.ggml.token_type");
        int elements = key + "tokenizer.ggml.token_type".length() + 4 + 4 + 8; // value type, element type, count
        assertThat(file.getInt(key + "tokenizer.ggml.token_type".length() + 4)).as("int32 elements").isEqualTo(5);
        file.putInt(elements + 10 * 4, 65286);
        assertRefused(write(directory, "token-type.gguf", file), "tokenizer.ggml.token_type[10]");
    }

    @Test
    void aRetypedTensorIsRefusedNamingIt(@TempDir Path directory) throws IOException {
        ByteBuffer file = stories();
        String name = "blk.0.attn_norm.weight";
        int at = find(file, name) + name.length();
        int dims = file.getInt(at);
        int typeAt = at + 4 + 8 * dims;
        assertThat(file.getInt(typeAt)).as("F32").isZero();
        file.putInt(typeAt, 8); // Q8_0: the same 64 values take 68 bytes instead of 256
        assertRefused(write(directory, "retyped.gguf", file), "tensor blk.0.");
    }
}
