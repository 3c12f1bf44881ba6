package dev.hearth.local.internal.tokenizer;

import dev.hearth.api.ModelFormatException;
import dev.hearth.api.ModelNotFoundException;
import dev.hearth.api.UnsupportedModelException;
import dev.hearth.local.internal.gguf.GgufMetadata;
import dev.hearth.local.internal.gguf.GgufMetadataFixtures;
import dev.hearth.local.internal.gguf.MetadataType;
import dev.hearth.local.testing.SharedModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.hearth.local.internal.tokenizer.TestVocabularies.BERT_BGE;
import static dev.hearth.local.internal.tokenizer.TestVocabularies.GPT_2;
import static dev.hearth.local.internal.tokenizer.TestVocabularies.LLAMA_BPE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Byte-level BPE and WordPiece behaviour beyond the vectors: special tokens, flags, decoding and bad input. */
class BpeTokenizerTest {
    private static final int BEGIN_OF_TEXT = 128000;
    private static final int END_OF_TEXT = 128001;
    private static final int EOT = 128009;

    @Test
    void llama3AddsBeginOfTextOnlyWithAddSpecial() {
        Tokenizer llama3 = TestVocabularies.tokenizer(LLAMA_BPE);
        assertThat(llama3.addsBos()).isTrue();
        assertThat(llama3.bosId()).isEqualTo(BEGIN_OF_TEXT);
        assertThat(llama3.encode("Hello world", true, false)).containsExactly(BEGIN_OF_TEXT, 9906, 1917);
        assertThat(llama3.encode("Hello world", false, false)).containsExactly(9906, 1917);
        assertThat(llama3.encode("", true, false)).containsExactly(BEGIN_OF_TEXT);
    }

    @Test
    void controlTokenTextIsParsedOnlyWhenAsked() {
        Tokenizer llama3 = TestVocabularies.tokenizer(LLAMA_BPE);
        String prompt = "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>";
        int[] parsed = llama3.encode(prompt, false, true);
        assertThat(parsed).startsWith(128006).contains(EOT).endsWith(EOT);
        assertThat(llama3.decode(parsed)).isEqualTo("user\n\nHi");
        int[] literal = llama3.encode(prompt, false, false);
        assertThat(literal).doesNotContain(128006, EOT);
        assertThat(llama3.decode(literal)).isEqualTo(prompt);
    }

    @Test
    void endOfTurnAndEndOfTextEndGeneration() {
        Tokenizer llama3 = TestVocabularies.tokenizer(LLAMA_BPE);
        assertThat(llama3.isEndOfGeneration(EOT)).isTrue();
        assertThat(llama3.isEndOfGeneration(END_OF_TEXT)).isTrue();
        assertThat(llama3.isEndOfGeneration(9906)).isFalse();
        assertThat(llama3.isEndOfGeneration(-1)).isFalse();
        Tokenizer gpt2 = TestVocabularies.tokenizer(GPT_2);
        assertThat(gpt2.isEndOfGeneration(50256)).as("<|endoftext|>").isTrue();
        assertThat(gpt2.addsBos()).isFalse();
        assertThat(gpt2.addsSpacePrefix()).isFalse();
    }

    @Test
    void byteLevelTokensDecodeToTheirBytesAndStreamWholeCharacters() {
        Tokenizer gpt2 = TestVocabularies.tokenizer(GPT_2);
        assertThat(gpt2.tokenText(18435)).isEqualTo("ĠHello");
        assertThat(gpt2.tokenBytes(18435)).isEqualTo(" Hello".getBytes(StandardCharsets.UTF_8));
        int[] ids = gpt2.encode("🦙 llama", false, false);
        StreamingDetokenizer stream = new StreamingDetokenizer(gpt2, false);
        StringBuilder streamed = new StringBuilder();
        for (int id : ids) {
            String piece = stream.push(id);
            assertThat(piece).doesNotContain("\uFFFD");
            streamed.append(piece);
        }
        streamed.append(stream.flush());
        assertThat(streamed.toString()).isEqualTo("🦙 llama");
    }

    @Test
    void encoderJsonPairGivesTheSameIdsAsTheGguf() {
        Tokenizer files = TestVocabularies.llama3FromFiles();
        Tokenizer gguf = TestVocabularies.tokenizer(LLAMA_BPE);
        String text = "Grüße, 世界! 12345 don't\n\n  x 🦙";
        assertThat(files.encode(text, false, false)).containsExactly(gguf.encode(text, false, false));
        assertThat(files.vocabularySize()).isEqualTo(128000);
        assertThat(files.bosId()).isEqualTo(-1);
        assertThat(files.encode("Hi", true, true)).as("no special tokens in the files").containsExactly(13347);
    }

    @Test
    void wordPieceLowercasesStripsAccentsAndAddsClsAndSep() {
        Tokenizer bert = TestVocabularies.tokenizer(BERT_BGE);
        int[] ids = bert.encode("Héllo, World!", true, false);
        assertThat(ids).startsWith(101).endsWith(102);
        assertThat(bert.encode("Héllo, World!", false, false)).containsExactly(bert.encode("hello , world !", false,
                false));
        assertThat(bert.decode(bert.encode("hello world", false, false))).isEqualTo(" hello world");
        assertThat(bert.encode("[CLS]", false, true)).containsExactly(101);
    }

    @Test
    void missingMergesNameTheKey() {
        GgufMetadata withoutMerges = GgufMetadataFixtures.without(TestVocabularies.metadata(GPT_2),
                "tokenizer.ggml.merges");
        assertThatThrownBy(() -> Tokenizer.fromGguf(withoutMerges))
                .isInstanceOf(ModelFormatException.class)
                .satisfies(e -> assertThat(((ModelFormatException) e).field()).isEqualTo("tokenizer.ggml.merges"));
    }

    @Test
    void unknownPreTokenizerIsUnsupportedByName() {
        GgufMetadata unknownPre = GgufMetadataFixtures.with(TestVocabularies.metadata(GPT_2), "tokenizer.ggml.pre",
                MetadataType.STRING, "brand-new-bpe");
        assertThatThrownBy(() -> Tokenizer.fromGguf(unknownPre))
                .isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("'brand-new-bpe'");
    }

    @Test
    void addBosWithoutBosTokenIsAFormatError() {
        assertThatThrownBy(() -> new BpeTokenizer(new String[] {"a", "b"},
                new TokenType[] {TokenType.NORMAL, TokenType.NORMAL}, new String[0], "test",
                PreTokenizer.forName("gpt-2"), -1, -1, -1, -1, true, false))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("no BOS");
    }

    @Test
    void malformedGpt2FilesAreFormatErrorsNamingTheFile(@TempDir Path dir) throws IOException {
        Path merges = SharedModels.file(TestVocabularies.LLAMA3_MERGES);
        Path gap = Files.writeString(dir.resolve("gap.json"), "{\"a\": 0, \"b\": 2}");
        assertThatThrownBy(() -> Tokenizer.fromGpt2Files(gap, merges, "gpt-2"))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("no token has id 1")
                .satisfies(e -> assertThat(((ModelFormatException) e).field()).isEqualTo(gap.toString()));
        Path notAnObject = Files.writeString(dir.resolve("array.json"), "[1, 2]");
        assertThatThrownBy(() -> Tokenizer.fromGpt2Files(notAnObject, merges, "gpt-2"))
                .isInstanceOf(ModelFormatException.class);
        Path textId = Files.writeString(dir.resolve("text-id.json"), "{\"a\": \"zero\"}");
        assertThatThrownBy(() -> Tokenizer.fromGpt2Files(textId, merges, "gpt-2"))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("'a'");
        Path truncated = Files.writeString(dir.resolve("truncated.json"), "{\"a\": 0, \"b\"");
        assertThatThrownBy(() -> Tokenizer.fromGpt2Files(truncated, merges, "gpt-2"))
                .isInstanceOf(ModelFormatException.class);
        Path encoder = Files.writeString(dir.resolve("encoder.json"), "{\"a\": 0, \"b\": 1, \"ab\": 2}");
        Path badMerges = Files.writeString(dir.resolve("vocab.bpe"), "#version: 0.2\na b\nab\n");
        assertThatThrownBy(() -> Tokenizer.fromGpt2Files(encoder, badMerges, "gpt-2"))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("line 3");
        assertThatThrownBy(() -> Tokenizer.fromGpt2Files(dir.resolve("absent.json"), merges, "gpt-2"))
                .isInstanceOf(ModelNotFoundException.class);
    }

    @Test
    void tinyGpt2FilePairMergesByRank(@TempDir Path dir) throws IOException {
        Path encoder = Files.writeString(dir.resolve("encoder.json"),
                "{\"a\": 0, \"b\": 1, \"c\": 2, \"ab\": 3, \"bc\": 4, \"Ġ\": 5, \"Ġa\": 6}");
        Path merges = Files.writeString(dir.resolve("vocab.bpe"), "#version: 0.2\nb c\na b\nĠ a\n");
        Tokenizer tokenizer = Tokenizer.fromGpt2Files(encoder, merges, "gpt-2");
        assertThat(tokenizer.encode("abc", false, false)).as("'b c' ranks before 'a b'").containsExactly(0, 4);
        assertThat(tokenizer.encode("ab a", false, false)).containsExactly(3, 6);
        assertThat(tokenizer.encode("ad", false, false)).as("no token for 'd': dropped, as llama.cpp")
                .containsExactly(0);
    }
}
