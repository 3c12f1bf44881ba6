package dev.hearth.examples.tokenizerbench;

import dev.hearth.local.internal.gguf.GgufFile;
import dev.hearth.local.internal.tokenizer.Tokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hearth's SentencePiece tokenizer ({@code ggml-vocab-llama-spm.gguf}) gives the same ids as Hugging Face's Rust
 * tokenizer (through DJL, offline) for the Llama 2 {@code tokenizer.json} on a 256 KiB slice of the benchmark corpus,
 * the known id 31353 aside ({@link IdComparison}). Surefire sets {@code OPT_OUT_TRACKING=true} and
 * {@code DJL_CACHE_DIR} under target/ for this module; the test sets {@code ai.djl.offline} itself.
 */
class RustTokenizerAgreementTest {
    private static Path shared;
    private static Tokenizer spm;
    private static RustTokenizer rust;

    @BeforeAll
    static void load() {
        System.setProperty("ai.djl.offline", "true");
        String configured = System.getProperty("hearth.shared.models");
        assertThat(configured).as("surefire sets hearth.shared.models").isNotNull();
        shared = Path.of(configured);
        try (GgufFile file = GgufFile.open(shared.resolve("llama.cpp-vocab/ggml-vocab-llama-spm.gguf"))) {
            spm = Tokenizer.fromGguf(file.metadata());
        }
        Path tokenizerJson = shared.resolve("onnx/tiny-random-LlamaForCausalLM-fp16/tokenizer.json");
        assertThat(tokenizerJson).isRegularFile();
        rust = RustTokenizer.open(tokenizerJson, Path.of("target", "djl-cache").toAbsolutePath());
    }

    @AfterAll
    static void close() {
        if (rust != null) {
            rust.close();
        }
    }

    @Test
    void djlRunsOfflineWithTrackingOptedOut() {
        assertThat(System.getenv("OPT_OUT_TRACKING")).as("set by surefire's environmentVariables").isEqualTo("true");
        assertThat(System.getProperty("ai.djl.offline")).isEqualTo("true");
    }

    @Test
    void sentencePieceIdsEqualTheRustTokenizersOnTheMixedCorpus() {
        BenchmarkCorpus corpus = BenchmarkCorpus.build(shared, 256 * 1024);
        assertThat(corpus.documents()).hasSizeGreaterThan(100);
        assertThat(corpus.documents()).as("the corpus exercises the one differing token")
                .anyMatch(document -> document.contains("\u2028"));
        int checked = TokenizerBenchCommand.verifySameIds(corpus, spm, rust);
        assertThat(checked).isEqualTo(corpus.documents().size());
    }

    @Test
    void lineSeparatorIsTheOnlyKnownDifference() {
        int[] ours = spm.encode("a\u2028b", false, false);
        assertThat(ours).contains(IdComparison.LINE_SEPARATOR_TOKEN);
        int[] theirs = IdComparison.toInts(rust.encode("a\u2028b"));
        assertThat(theirs).doesNotContain(IdComparison.LINE_SEPARATOR_TOKEN);
        assertThat(IdComparison.asHuggingFaceIds(ours)).containsExactly(theirs);
        assertThat(IdComparison.firstDifference(theirs, ours)).isNotNull();
    }

    @Test
    void corpusIsDeterministic() {
        BenchmarkCorpus first = BenchmarkCorpus.build(shared, 64 * 1024);
        BenchmarkCorpus second = BenchmarkCorpus.build(shared, 64 * 1024);
        assertThat(first.documents()).isEqualTo(second.documents());
        assertThat(first.utf8Bytes()).isGreaterThanOrEqualTo(64 * 1024);
        assertThat(Files.isDirectory(shared.resolve("chat-templates"))).isTrue();
    }
}
