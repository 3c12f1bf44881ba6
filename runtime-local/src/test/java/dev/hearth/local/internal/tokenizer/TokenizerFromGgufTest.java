package dev.hearth.local.internal.tokenizer;

import dev.hearth.api.ModelFormatException;
import dev.hearth.api.UnsupportedModelException;
import dev.hearth.local.internal.gguf.GgufMetadata;
import dev.hearth.local.internal.gguf.GgufMetadataFixtures;
import dev.hearth.local.internal.gguf.MetadataType;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static dev.hearth.local.internal.tokenizer.TestVocabularies.STORIES_260K;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reading tokenizer metadata: defaults, flags, and typed errors for unsupported or inconsistent vocabularies. */
class TokenizerFromGgufTest {
    private final GgufMetadata stories = TestVocabularies.metadata(STORIES_260K);

    @Test
    void eachTokenizerModelGetsItsTokenizer() {
        assertThat(Tokenizer.fromGguf(stories)).isInstanceOf(SentencePieceTokenizer.class);
        assertThat(TestVocabularies.tokenizer(TestVocabularies.GPT_2)).isInstanceOf(BpeTokenizer.class);
        assertThat(TestVocabularies.tokenizer(TestVocabularies.BERT_BGE)).isInstanceOf(WordPieceTokenizer.class);
    }

    @Test
    void bpeVocabulariesGetThePreTokenizerTheyName() {
        for (String name : new String[] {"gpt-2", "starcoder", "falcon", "deepseek-coder", "deepseek-llm", "llama-bpe"}) {
            BpeTokenizer tokenizer = (BpeTokenizer) TestVocabularies.tokenizer(
                    "llama.cpp-vocab/ggml-vocab-" + name + ".gguf");
            assertThat(tokenizer.preTokenizerName()).isEqualTo(name);
        }
    }

    @Test
    void bpeVocabularyWithoutPreTokenizerUsesDefault() {
        GgufMetadata noPre = GgufMetadataFixtures.without(TestVocabularies.metadata(TestVocabularies.GPT_2),
                "tokenizer.ggml.pre");
        assertThat(((BpeTokenizer) Tokenizer.fromGguf(noPre)).preTokenizerName()).isEqualTo("default");
        assertThat(Tokenizer.fromGguf(noPre).encode("Hello world", false, false)).containsExactly(15496, 995);
    }

    @Test
    void unknownTokenizerModelIsReportedAsUnsupportedByName() {
        GgufMetadata t5 = GgufMetadataFixtures.with(stories, "tokenizer.ggml.model", MetadataType.STRING, "t5");
        assertThatThrownBy(() -> Tokenizer.fromGguf(t5))
                .isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("tokenizer model 't5'");
    }

    @Test
    void missingTokenizerModelOrTokensNameTheKey() {
        assertFormatError(GgufMetadataFixtures.without(stories, "tokenizer.ggml.model"), "tokenizer.ggml.model");
        assertFormatError(GgufMetadataFixtures.without(stories, "tokenizer.ggml.tokens"), "tokenizer.ggml.tokens");
    }

    @Test
    void scoresShorterThanTokensNameTheScoresKey() {
        float[] scores = stories.optionalFloatArray("tokenizer.ggml.scores").orElseThrow();
        GgufMetadata shortScores = GgufMetadataFixtures.withArray(stories, "tokenizer.ggml.scores",
                MetadataType.FLOAT32, Arrays.copyOf(scores, 511));
        ModelFormatException error = assertFormatError(shortScores, "tokenizer.ggml.scores");
        assertThat(error).hasMessageContaining("511").hasMessageContaining("512");
        assertThat(error.offset()).isPositive();
    }

    @Test
    void tokenTypesLongerThanTokensNameTheTokenTypeKey() {
        GgufMetadata longTypes = GgufMetadataFixtures.withArray(stories, "tokenizer.ggml.token_type",
                MetadataType.INT32, new int[513]);
        assertFormatError(longTypes, "tokenizer.ggml.token_type");
    }

    @Test
    void bosOrEosOutsideTheVocabularyNameTheirKey() {
        assertFormatError(GgufMetadataFixtures.with(stories, "tokenizer.ggml.bos_token_id", MetadataType.UINT32, 512L),
                "tokenizer.ggml.bos_token_id");
        assertFormatError(GgufMetadataFixtures.with(stories, "tokenizer.ggml.eos_token_id", MetadataType.UINT32,
                4294967295L), "tokenizer.ggml.eos_token_id");
    }

    @Test
    void wrongTypedScoresNameTheKey() {
        assertFormatError(GgufMetadataFixtures.withArray(stories, "tokenizer.ggml.scores", MetadataType.INT32,
                new int[512]), "tokenizer.ggml.scores");
    }

    @Test
    void validatingConstructorRejectsByteTokensThatAreNotHex() {
        String[] pieces = {"<unk>", "<s>", "</s>", "<0xZZ>"};
        TokenType[] types = {TokenType.UNKNOWN, TokenType.CONTROL, TokenType.CONTROL, TokenType.BYTE};
        assertThatThrownBy(() -> new SentencePieceVocabulary(pieces, new float[4], types, 1, 2, 0, new int[] {2},
                true, false, true, new boolean[4]))
                .isInstanceOf(ModelFormatException.class)
                .satisfies(e -> assertThat(((ModelFormatException) e).field()).isEqualTo("tokenizer.ggml.tokens"))
                .hasMessageContaining("<0xZZ>");
        assertThatThrownBy(() -> new SentencePieceVocabulary(pieces, new float[3], types, 1, 2, 0, new int[] {2},
                true, false, true, new boolean[4]))
                .isInstanceOf(ModelFormatException.class)
                .satisfies(e -> assertThat(((ModelFormatException) e).field()).isEqualTo("tokenizer.ggml.scores"));
    }

    @Test
    void addEosAndSpacePrefixFlagsAreHonoured() {
        GgufMetadata addEos = GgufMetadataFixtures.with(stories, "tokenizer.ggml.add_eos_token", MetadataType.BOOL, true);
        assertThat(Tokenizer.fromGguf(addEos).encode("Once", true, false)).startsWith(1).endsWith(2);

        GgufMetadata noBos = GgufMetadataFixtures.with(stories, "tokenizer.ggml.add_bos_token", MetadataType.BOOL, false);
        assertThat(Tokenizer.fromGguf(noBos).addsBos()).isFalse();
        assertThat(Tokenizer.fromGguf(noBos).encode("Once", true, false)).doesNotContain(1);

        Tokenizer withPrefix = Tokenizer.fromGguf(stories);
        GgufMetadata noPrefix = GgufMetadataFixtures.with(stories, "tokenizer.ggml.add_space_prefix",
                MetadataType.BOOL, false);
        Tokenizer withoutPrefix = Tokenizer.fromGguf(noPrefix);
        assertThat(withoutPrefix.decode(withoutPrefix.encode("Once upon", false, false))).isEqualTo("Once upon");
        assertThat(withPrefix.decode(withPrefix.encode("Once upon", false, false))).isEqualTo(" Once upon");
    }

    @Test
    void eotIdMarksEndOfGenerationAndNoneValuesAreIgnored() {
        GgufMetadata eot = GgufMetadataFixtures.with(stories, "tokenizer.ggml.eot_token_id", MetadataType.UINT32, 13L);
        assertThat(Tokenizer.fromGguf(eot).isEndOfGeneration(13)).isTrue();
        GgufMetadata none = GgufMetadataFixtures.with(stories, "tokenizer.ggml.eot_token_id", MetadataType.UINT32,
                4294967295L);
        assertThat(Tokenizer.fromGguf(none).isEndOfGeneration(2)).isTrue();
    }

    private static ModelFormatException assertFormatError(GgufMetadata metadata, String key) {
        try {
            Tokenizer.fromGguf(metadata);
        } catch (ModelFormatException e) {
            assertThat(e.field()).isEqualTo(key);
            return e;
        }
        throw new AssertionError("expected a ModelFormatException naming " + key);
    }
}
