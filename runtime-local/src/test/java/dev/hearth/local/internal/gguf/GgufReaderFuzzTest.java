package dev.hearth.local.internal.gguf;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.hearth.api.HearthException;
import dev.hearth.local.internal.model.ModelConfig;
import dev.hearth.local.internal.tokenizer.Tokenizer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * The GGUF reader, and the tokenizer and model configuration built from its metadata, on arbitrary bytes: a file is
 * either read or refused with a typed {@link HearthException}; any other exception is a finding. The suite replays
 * {@code GgufReaderFuzzTestInputs/} (small valid and damaged headers); {@code JAZZER_FUZZ=1} fuzzes
 * (docs/RELIABILITY.md).
 */
class GgufReaderFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void readsOrRefusesTyped(byte[] bytes) {
        try (Arena arena = Arena.ofConfined()) {
            GgufFile file = GgufFile.parse(Path.of("fuzz.gguf"), arena, MemorySegment.ofArray(bytes));
            Tokenizer tokenizer = Tokenizer.fromGguf(file.metadata());
            ModelConfig.from(file.metadata(), tokenizer.vocabularySize());
        } catch (HearthException refused) {
            // a bad file gets a type and a message
        }
    }
}
