package dev.hearth.local.internal.tokenizer;

import dev.hearth.api.ModelFormatException;
import dev.hearth.local.internal.gguf.GgufMetadata;

import java.util.Arrays;
import java.util.stream.IntStream;

/** What the BPE and WordPiece vocabularies read the same way: token types, and the splitters for special tokens. */
final class TokenTables {
    private TokenTables() {
    }

    /** {@code tokenizer.ggml.token_type}, or every token NORMAL when the key is absent; checked against the size. */
    static TokenType[] tokenTypes(GgufMetadata metadata, int size) {
        TokenType[] types = metadata.optionalIntArray(SentencePieceVocabulary.TOKEN_TYPE_KEY)
                .map(codes -> {
                    TokenType[] parsed = new TokenType[codes.length];
                    for (int id = 0; id < codes.length; id++) {
                        parsed[id] = TokenType.fromCode(codes[id]);
                        if (parsed[id] == null) {
                            // a corrupted file: llama.cpp reads such a code as "undefined" and goes on
                            throw new ModelFormatException(SentencePieceVocabulary.TOKEN_TYPE_KEY + "[" + id + "]",
                                    SentencePieceVocabulary.offsetOf(metadata, SentencePieceVocabulary.TOKEN_TYPE_KEY),
                                    "token type " + codes[id] + " is not one of 0-6 (undefined, normal, unknown, "
                                            + "control, user-defined, unused, byte)");
                        }
                    }
                    return parsed;
                })
                .orElseGet(() -> {
                    TokenType[] normal = new TokenType[size];
                    Arrays.fill(normal, TokenType.NORMAL);
                    return normal;
                });
        if (types.length != size) {
            throw new ModelFormatException(SentencePieceVocabulary.TOKEN_TYPE_KEY,
                    SentencePieceVocabulary.offsetOf(metadata, SentencePieceVocabulary.TOKEN_TYPE_KEY),
                    "has " + types.length + " entries but " + SentencePieceVocabulary.TOKENS_KEY + " has " + size);
        }
        return types;
    }

    /** Finds control, unknown and user-defined tokens in text (special-token parsing on). */
    static SpecialTokenSplitter allSpecialTokens(String[] pieces, TokenType[] types) {
        return splitter(pieces, types, true);
    }

    /** Finds user-defined tokens only: they are split off even when special-token parsing is off, as in llama.cpp. */
    static SpecialTokenSplitter userDefinedTokens(String[] pieces, TokenType[] types) {
        return splitter(pieces, types, false);
    }

    private static SpecialTokenSplitter splitter(String[] pieces, TokenType[] types, boolean withControl) {
        int[] ids = IntStream.range(0, pieces.length)
                .filter(id -> types[id] == TokenType.USER_DEFINED
                        || withControl && (types[id] == TokenType.CONTROL || types[id] == TokenType.UNKNOWN))
                .toArray();
        return new SpecialTokenSplitter(pieces, ids, new boolean[pieces.length]);
    }
}
