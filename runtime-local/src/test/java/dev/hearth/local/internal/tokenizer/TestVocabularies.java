package dev.hearth.local.internal.tokenizer;

import dev.hearth.local.internal.gguf.GgufFile;
import dev.hearth.local.internal.gguf.GgufMetadata;
import dev.hearth.local.testing.SharedModels;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Loads each shared GGUF's metadata and tokenizer once per test run, so the suites stay fast. */
final class TestVocabularies {
    static final String LLAMA_SPM = "llama.cpp-vocab/ggml-vocab-llama-spm.gguf";
    static final String PHI_3 = "llama.cpp-vocab/ggml-vocab-phi-3.gguf";
    static final String LLAMA_2_TINY = "gguf/llama-2-tiny-random.gguf";
    static final String STORIES_260K = "gguf/stories260K.gguf";

    private static final Map<String, GgufMetadata> METADATA = new ConcurrentHashMap<>();
    private static final Map<String, Tokenizer> TOKENIZERS = new ConcurrentHashMap<>();

    private TestVocabularies() {
    }

    static GgufMetadata metadata(String relativePath) {
        return METADATA.computeIfAbsent(relativePath, path -> {
            try (GgufFile file = GgufFile.open(SharedModels.file(path))) {
                return file.metadata(); // values are copied out of the mapping, so they outlive the file
            }
        });
    }

    static Tokenizer tokenizer(String relativePath) {
        return TOKENIZERS.computeIfAbsent(relativePath, path -> Tokenizer.fromGguf(metadata(path)));
    }
}
