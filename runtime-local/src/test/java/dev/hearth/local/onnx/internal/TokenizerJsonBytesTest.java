package dev.hearth.local.onnx.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.local.testing.SharedModels;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Token bytes read from tokenizer.json in both spellings the decoders use, and refusal of the others. */
class TokenizerJsonBytesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void sentencePiecePiecesAndByteFallbackOfARealTokenizer() {
        byte[][] bytes = TokenizerJsonBytes.read(SharedModels.tinyLlamaOnnxFp16().resolve("tokenizer.json"), 32000)
                .orElseThrow();
        assertThat(bytes[0]).as("<unk>").isNull();
        assertThat(bytes[1]).as("<s>, special").isNull();
        assertThat(bytes[2]).as("</s>, special").isNull();
        assertThat(bytes[3]).as("<0x00>").containsExactly(0);
        assertThat(bytes[3 + 0x41]).as("<0x41>").containsExactly('A');
        assertThat(bytes[3 + 0xE2]).as("<0xE2>").containsExactly((byte) 0xE2);
        assertThat(text(bytes[304])).as("▁to").isEqualTo(" to");
        assertThat(text(bytes[300])).isEqualTo("et");
    }

    @Test
    void byteLevelPiecesMapBackToTheirBytes() throws Exception {
        JsonNode tokenizer = JSON.readTree("""
                {"decoder":{"type":"ByteLevel"},
                 "model":{"type":"BPE","vocab":{"\\u0120the":0,"\\u010a":1,"a":2,"\\u00c3\\u00a9":3,"\\u0100":4,"\\u0143":5,"\\u4e00":6}},
                 "added_tokens":[{"id":7,"content":"<|eot_id|>","special":true},{"id":8,"content":"<tool_call>","special":false}]}""");
        byte[][] bytes = TokenizerJsonBytes.read(tokenizer, 10).orElseThrow();
        assertThat(text(bytes[0])).isEqualTo(" the");
        assertThat(text(bytes[1])).isEqualTo("\n");
        assertThat(text(bytes[2])).isEqualTo("a");
        assertThat(text(bytes[3])).as("two byte characters make é").isEqualTo("é");
        assertThat(bytes[4]).as("U+0100 stands for byte 0").containsExactly(0);
        assertThat(bytes[5]).as("the last mapped character stands for byte 0xAD").containsExactly((byte) 0xAD);
        assertThat(bytes[6]).as("outside the byte alphabet").isNull();
        assertThat(bytes[7]).as("special").isNull();
        assertThat(text(bytes[8])).as("a non-special added token is its text").isEqualTo("<tool_call>");
        assertThat(bytes[9]).as("an id the file does not define").isNull();
    }

    @Test
    void unknownSpellingsGiveNoTable() throws Exception {
        JsonNode wordPiece = JSON.readTree("""
                {"decoder":{"type":"WordPiece","prefix":"##"},"model":{"type":"WordPiece","vocab":{"a":0,"##b":1}}}""");
        assertThat(TokenizerJsonBytes.read(wordPiece, 2)).isEmpty();
        assertThat(TokenizerJsonBytes.read(JSON.readTree("{\"model\":{\"vocab\":{}}}"), 2)).isEmpty();
    }
}
