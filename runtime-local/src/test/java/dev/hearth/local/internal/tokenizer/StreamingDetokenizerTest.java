package dev.hearth.local.internal.tokenizer;

import dev.hearth.local.testing.SharedModels;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;

import static dev.hearth.local.internal.tokenizer.TestVocabularies.LLAMA_SPM;
import static dev.hearth.local.internal.tokenizer.TestVocabularies.STORIES_260K;
import static org.assertj.core.api.Assertions.assertThat;

class StreamingDetokenizerTest {
    private final Tokenizer llama = TestVocabularies.tokenizer(LLAMA_SPM);

    @Test
    void pushingOneTokenAtATimeNeverSplitsACharacter() {
        String text = "Llamas 🦙 and 🐪 say 你好, 日本語 — émigré 𝄞 ok";
        int[] ids = llama.encode(text, false, false);
        assertThat(ids.length).isGreaterThan(text.codePointCount(0, text.length()) / 2);

        StreamingDetokenizer streaming = new StreamingDetokenizer(llama, false);
        StringBuilder joined = new StringBuilder();
        int heldBack = 0;
        for (int id : ids) {
            String piece = streaming.push(id);
            assertThat(piece).doesNotContain("\uFFFD");
            assertThat(piece.isEmpty() || !Character.isHighSurrogate(piece.charAt(piece.length() - 1))).isTrue();
            heldBack += piece.isEmpty() ? 1 : 0;
            joined.append(piece);
        }
        joined.append(streaming.flush());
        assertThat(heldBack).as("byte-fallback emoji must be held back at least once").isPositive();
        assertThat(joined.toString()).isEqualTo(llama.decode(ids)).isEqualTo(" " + text);
    }

    @Test
    void stripLeadingSpaceDropsOnlyTheDummyPrefix() {
        int[] ids = llama.encode("  two spaces", true, false);
        StreamingDetokenizer stripping = new StreamingDetokenizer(llama, true);
        StringBuilder joined = new StringBuilder();
        for (int id : ids) {
            joined.append(stripping.push(id));
        }
        joined.append(stripping.flush());
        assertThat(joined.toString()).as("BOS gives no bytes; then one of three spaces goes").isEqualTo("  two spaces");

        StreamingDetokenizer keeping = new StreamingDetokenizer(llama, false);
        assertThat(keeping.push(15043)).isEqualTo(" Hello");
        StreamingDetokenizer noSpace = new StreamingDetokenizer(llama, true);
        assertThat(noSpace.push(10994)).as("'Hello' without ▁").isEqualTo(llama.decode(new int[] {10994}));
        assertThat(noSpace.push(15043)).as("only the first text is stripped").isEqualTo(" Hello");
    }

    @Test
    void flushTurnsAnUnfinishedCharacterIntoAReplacementCharacter() {
        StreamingDetokenizer streaming = new StreamingDetokenizer(llama, false);
        assertThat(streaming.push(0xF0 + 3)).isEmpty();
        assertThat(streaming.push(0x9F + 3)).isEmpty();
        assertThat(streaming.flush()).isEqualTo("\uFFFD");
        assertThat(streaming.flush()).isEmpty();
        assertThat(streaming.push(15043)).isEqualTo(" Hello");
    }

    @Test
    void invalidBytesAreNotHeldBack() {
        StreamingDetokenizer streaming = new StreamingDetokenizer(llama, false);
        // 0xC0 can never start a valid sequence; 0xE0 0x80 cannot become valid either
        assertThat(streaming.push(0xC0 + 3)).isEqualTo("\uFFFD");
        assertThat(streaming.push(0xE0 + 3)).isEmpty();
        assertThat(streaming.push(0x80 + 3)).isEqualTo(new String(new byte[] {(byte) 0xE0, (byte) 0x80},
                StandardCharsets.UTF_8));
    }

    @Test
    void stories260KGreedyIdsStreamToLlama2cExpectedOutput() throws IOException {
        Tokenizer stories = TestVocabularies.tokenizer(STORIES_260K);
        int[] ids = Arrays.stream(Files.readString(SharedModels.file("gguf/stories260K.greedy200.ids")).strip()
                .split(" ")).mapToInt(Integer::parseInt).toArray();
        byte[] expected = Files.readAllBytes(SharedModels.file("gguf/stories260K.greedy200.txt"));
        assertThat(ids).hasSize(201);
        assertThat(ids[0]).isEqualTo(stories.bosId());

        StreamingDetokenizer streaming = new StreamingDetokenizer(stories, true);
        StringBuilder text = new StringBuilder();
        for (int id : Arrays.copyOfRange(ids, 1, ids.length)) {
            assertThat(stories.isEndOfGeneration(id)).isFalse();
            text.append(streaming.push(id));
        }
        text.append(streaming.flush());
        assertThat(text.toString().getBytes(StandardCharsets.UTF_8)).isEqualTo(expected);
    }
}
