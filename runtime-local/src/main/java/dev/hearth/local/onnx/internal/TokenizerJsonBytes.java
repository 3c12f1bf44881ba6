package dev.hearth.local.onnx.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.api.ModelLoadException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The bytes each token of a Hugging Face {@code tokenizer.json} stands for, which constrained decoding needs and DJL's
 * tokenizer does not expose. Two spellings of a vocabulary are understood, told apart by the decoder the file declares:
 * byte-level BPE (GPT-2, Llama 3, Qwen: each byte written as one printable character) and SentencePiece-style pieces
 * ({@code ▁} for a space, {@code <0xNN>} byte-fallback tokens). Special added tokens stand for no bytes, so a grammar
 * never offers them. Anything else (WordPiece, a decoder this class does not know) gives no table, and the runtime then
 * refuses constrained output by name instead of guessing.
 */
final class TokenizerJsonBytes {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern BYTE_FALLBACK = Pattern.compile("<0x([0-9A-Fa-f]{2})>");
    private static final char METASPACE = '\u2581';

    private enum Spelling { BYTE_LEVEL, METASPACE }

    private TokenizerJsonBytes() {
    }

    /**
     * The bytes of tokens {@code 0 .. vocabularySize-1} (null for special tokens and ids the file does not define),
     * or empty when the file's vocabulary is spelled in a way this class does not read.
     */
    static Optional<byte[][]> read(Path tokenizerJson, int vocabularySize) {
        JsonNode root;
        try {
            root = JSON.readTree(tokenizerJson.toFile());
        } catch (IOException e) {
            throw new ModelLoadException("Cannot read the tokenizer " + tokenizerJson + ": " + e.getMessage(), e);
        }
        return read(root, vocabularySize);
    }

    static Optional<byte[][]> read(JsonNode root, int vocabularySize) {
        Optional<Spelling> spelling = spelling(root.path("decoder"));
        if (spelling.isEmpty()) {
            return Optional.empty();
        }
        byte[][] bytes = new byte[vocabularySize][];
        JsonNode model = root.path("model");
        JsonNode vocab = model.path("vocab");
        if (vocab.isObject()) { // BPE: piece -> id
            for (Iterator<Map.Entry<String, JsonNode>> pieces = vocab.fields(); pieces.hasNext(); ) {
                Map.Entry<String, JsonNode> piece = pieces.next();
                int id = piece.getValue().asInt(-1);
                if (id >= 0 && id < vocabularySize) {
                    bytes[id] = bytes(piece.getKey(), spelling.get());
                }
            }
        } else if (vocab.isArray()) { // Unigram: [piece, score] at its id
            for (int id = 0; id < vocab.size() && id < vocabularySize; id++) {
                bytes[id] = bytes(vocab.get(id).path(0).asText(), spelling.get());
            }
        } else {
            return Optional.empty();
        }
        for (JsonNode added : root.path("added_tokens")) {
            int id = added.path("id").asInt(-1);
            if (id >= 0 && id < vocabularySize) {
                bytes[id] = added.path("special").asBoolean(false) ? null
                        : added.path("content").asText().getBytes(StandardCharsets.UTF_8);
            }
        }
        String unknown = model.path("unk_token").asText(null);
        if (unknown != null && vocab.isObject() && vocab.has(unknown)) {
            int id = vocab.get(unknown).asInt(-1);
            if (id >= 0 && id < vocabularySize) {
                bytes[id] = null;
            }
        }
        return Optional.of(bytes);
    }

    /** How the decoder turns pieces into text, found anywhere in a (possibly nested) sequence of decoders. */
    private static Optional<Spelling> spelling(JsonNode decoder) {
        String type = decoder.path("type").asText("");
        switch (type) {
            case "ByteLevel":
                return Optional.of(Spelling.BYTE_LEVEL);
            case "Metaspace", "ByteFallback":
                return Optional.of(Spelling.METASPACE);
            case "Replace":
                return METASPACE_STRING.equals(decoder.path("pattern").path("String").asText(null))
                        ? Optional.of(Spelling.METASPACE) : Optional.empty();
            case "Sequence":
                for (JsonNode inner : decoder.path("decoders")) {
                    Optional<Spelling> found = spelling(inner);
                    if (found.isPresent()) {
                        return found;
                    }
                }
                return Optional.empty();
            default:
                return Optional.empty();
        }
    }

    private static final String METASPACE_STRING = String.valueOf(METASPACE);

    private static byte[] bytes(String piece, Spelling spelling) {
        return switch (spelling) {
            case BYTE_LEVEL -> byteLevel(piece);
            case METASPACE -> {
                Matcher fallback = BYTE_FALLBACK.matcher(piece);
                yield fallback.matches() ? new byte[] {(byte) Integer.parseInt(fallback.group(1), 16)}
                        : piece.replace(METASPACE, ' ').getBytes(StandardCharsets.UTF_8);
            }
        };
    }

    /**
     * GPT-2's byte-level alphabet: printable bytes stand for themselves, the other 68 (controls, space, 127-160, 173)
     * for the characters from U+0100 on, in byte order. A piece with a character outside the alphabet is not a byte
     * string (a merge artefact or a broken file): it gets no bytes, so no grammar offers it.
     */
    private static byte[] byteLevel(String piece) {
        byte[] out = new byte[piece.length()];
        for (int i = 0; i < piece.length(); i++) {
            int b = BYTE_OF_CHAR[Math.min(piece.charAt(i), BYTE_OF_CHAR.length - 1)];
            if (b < 0) {
                return null;
            }
            out[i] = (byte) b;
        }
        return out;
    }

    private static final int[] BYTE_OF_CHAR = byteOfChar();

    private static int[] byteOfChar() {
        int[] table = new int[256 + 68 + 1];
        java.util.Arrays.fill(table, -1);
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            table[printable ? b : next++] = b;
        }
        return table;
    }
}
