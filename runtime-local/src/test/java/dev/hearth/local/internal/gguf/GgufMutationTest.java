package dev.hearth.local.internal.gguf;

import dev.hearth.api.HearthException;
import dev.hearth.local.internal.model.ModelConfig;
import dev.hearth.local.internal.tokenizer.Tokenizer;
import dev.hearth.local.testing.SharedModels;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Structure-aware mutation of a real file, where coverage-guided fuzzing cannot run yet (Jazzer 0.24.0 cannot
 * instrument Java 25 classes): stories260K's header — metadata and tensor infos — with 1 to 8 random byte changes,
 * truncations and insertions, thousands of times from fixed seeds. Every variant is read or refused with a typed
 * {@link HearthException}; any other exception names the seed that reproduces it. {@code -Dhearth.mutations=N} runs
 * more.
 */
class GgufMutationTest {
    private static final int MUTATIONS = Integer.getInteger("hearth.mutations", 3000);

    @Test
    void everyMutatedHeaderIsReadOrRefusedTyped() throws IOException {
        byte[] original = Files.readAllBytes(SharedModels.stories260K());
        int headerEnd;
        try (Arena arena = Arena.ofConfined()) {
            headerEnd = (int) GgufFile.parse(Path.of("stories260K.gguf"), arena, MemorySegment.ofArray(original)).dataStart();
        }
        int read = 0;
        int refused = 0;
        for (long seed = 1; seed <= MUTATIONS; seed++) {
            byte[] mutated = mutate(original, headerEnd, new SplittableRandom(seed));
            try (Arena arena = Arena.ofConfined()) {
                GgufFile file = GgufFile.parse(Path.of("mutated.gguf"), arena, MemorySegment.ofArray(mutated));
                Tokenizer tokenizer = Tokenizer.fromGguf(file.metadata());
                ModelConfig.from(file.metadata(), tokenizer.vocabularySize());
                read++;
            } catch (HearthException typed) {
                refused++;
            } catch (RuntimeException | StackOverflowError | OutOfMemoryError untyped) {
                throw new AssertionError("mutation seed " + seed + " escaped as " + untyped, untyped);
            }
        }
        assertThat(read + refused).isEqualTo(MUTATIONS);
        assertThat(refused).as("most damage is caught").isPositive();
    }

    /** 1-8 changes inside the header: byte flips, overwritten little-endian ints, a cut, or inserted bytes. */
    private static byte[] mutate(byte[] original, int headerEnd, SplittableRandom random) {
        byte[] bytes = original.clone();
        int changes = 1 + random.nextInt(8);
        for (int i = 0; i < changes; i++) {
            int at = random.nextInt(headerEnd);
            switch (random.nextInt(5)) {
                case 0 -> bytes[at] ^= (byte) (1 << random.nextInt(8));
                case 1 -> bytes[at] = (byte) random.nextInt(256);
                case 2 -> {
                    int value = switch (random.nextInt(4)) {
                        case 0 -> -1;
                        case 1 -> Integer.MAX_VALUE;
                        case 2 -> random.nextInt(16);
                        default -> random.nextInt();
                    };
                    for (int b = 0; b < 4 && at + b < bytes.length; b++) {
                        bytes[at + b] = (byte) (value >>> (8 * b));
                    }
                }
                case 3 -> bytes = java.util.Arrays.copyOf(bytes, Math.max(4, at));
                default -> {
                    byte[] longer = new byte[bytes.length + 1 + random.nextInt(8)];
                    System.arraycopy(bytes, 0, longer, 0, at);
                    System.arraycopy(bytes, at, longer, longer.length - (bytes.length - at), bytes.length - at);
                    bytes = longer;
                }
            }
            headerEnd = Math.min(headerEnd, bytes.length);
        }
        return bytes;
    }
}
