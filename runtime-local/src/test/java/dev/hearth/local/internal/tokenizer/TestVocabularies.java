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
    static final String GPT_2 = "llama.cpp-vocab/ggml-vocab-gpt-2.gguf";
    static final String STARCODER = "llama.cpp-vocab/ggml-vocab-starcoder.gguf";
    static final String FALCON = "llama.cpp-vocab/ggml-vocab-falcon.gguf";
    static final String DEEPSEEK_CODER = "llama.cpp-vocab/ggml-vocab-deepseek-coder.gguf";
    static final String DEEPSEEK_LLM = "llama.cpp-vocab/ggml-vocab-deepseek-llm.gguf";
    static final String LLAMA_BPE = "llama.cpp-vocab/ggml-vocab-llama-bpe.gguf";
    static final String BERT_BGE = "llama.cpp-vocab/ggml-vocab-bert-bge.gguf";
    static final String LLAMA3_ENCODER = "tokenizers/llama3/encoder.json";
    static final String LLAMA3_MERGES = "tokenizers/llama3/vocab.bpe";

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

    /** The Llama 3 vocabulary from its GPT-2 style file pair, with the llama-bpe pre-tokenizer. */
    static Tokenizer llama3FromFiles() {
        return TOKENIZERS.computeIfAbsent(LLAMA3_ENCODER, path -> Tokenizer.fromGpt2Files(
                SharedModels.file(LLAMA3_ENCODER), SharedModels.file(LLAMA3_MERGES), "llama-bpe"));
    }
}
