package dev.hearth.local.internal.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The SentencePiece tokenizer of llama-family GGUF files ({@code tokenizer.ggml.model = "llama"}), matching
 * llama.cpp's SPM tokenizer token for token.
 *
 * <p>Encoding: split off special tokens ({@link SpecialTokenSplitter}); for each plain fragment, put a space in front
 * if the vocabulary asks for a dummy prefix and the fragment starts the input or follows a special token (llama.cpp
 * does this after every special token, not only at the start), replace spaces with "▁" and merge
 * ({@link SentencePieceMerger}). Text is handled as Java characters; a lone surrogate, which has no UTF-8 form, is
 * spelt with the byte tokens of '?'.
 */
final class SentencePieceTokenizer implements Tokenizer {
    /** SentencePiece's visible stand-in for a space: U+2581 LOWER ONE EIGHTH BLOCK. */
    private static final String SPACE_MARK = "\u2581";

    private final SentencePieceVocabulary vocabulary;
    private final byte[][] bytesById;
    private final boolean[] endOfGeneration;
    private final SentencePieceMerger merger;
    /** Control, unknown and user-defined tokens: used when special tokens are parsed. */
    private final SpecialTokenSplitter allSpecialTokens;
    /** User-defined tokens only: they are split off even when special tokens are not parsed. */
    private final SpecialTokenSplitter userDefinedTokens;

    SentencePieceTokenizer(SentencePieceVocabulary vocabulary) {
        this.vocabulary = vocabulary;
        String[] pieces = vocabulary.pieces();
        TokenType[] types = vocabulary.types();
        int size = vocabulary.size();

        Map<String, Integer> pieceIds = HashMap.newHashMap(size);
        for (int id = 0; id < size; id++) {
            if (!pieces[id].isEmpty()) {
                pieceIds.put(pieces[id], id); // later duplicates win, as in llama.cpp's token_to_id
            }
        }
        int[] byteTokenIds = new int[256];
        for (int b = 0; b < 256; b++) {
            Integer id = pieceIds.get(ByteToken.pieceFor(b));
            if (id == null && b < 0x80) {
                id = pieceIds.get(String.valueOf((char) b)); // llama.cpp's fallback: the byte as a one-character piece
            }
            byteTokenIds[b] = id != null ? id : -1;
        }
        this.merger = new SentencePieceMerger(pieceIds, vocabulary.scores(), byteTokenIds, vocabulary.unknownId());

        this.bytesById = new byte[size][];
        for (int id = 0; id < size; id++) {
            bytesById[id] = detokenised(pieces[id], types[id]);
        }
        this.endOfGeneration = new boolean[size];
        for (int id : vocabulary.endOfGeneration()) {
            endOfGeneration[id] = true;
        }
        this.allSpecialTokens = new SpecialTokenSplitter(pieces, IntStream.range(0, size)
                .filter(id -> types[id] == TokenType.CONTROL || types[id] == TokenType.UNKNOWN
                        || types[id] == TokenType.USER_DEFINED)
                .toArray(), vocabulary.stripsWhitespaceAfter());
        this.userDefinedTokens = new SpecialTokenSplitter(pieces, IntStream.range(0, size)
                .filter(id -> types[id] == TokenType.USER_DEFINED)
                .toArray(), vocabulary.stripsWhitespaceAfter());
    }

    private static byte[] detokenised(String piece, TokenType type) {
        return switch (type) {
            case NORMAL -> piece.replace(SPACE_MARK, " ").getBytes(StandardCharsets.UTF_8);
            case BYTE -> new byte[] {(byte) ByteToken.parse(piece)};
            case UNKNOWN, USER_DEFINED -> piece.getBytes(StandardCharsets.UTF_8);
            // llama.cpp prints nothing for control tokens and for types it does not know how to show
            case CONTROL, UNUSED, UNDEFINED -> new byte[0];
        };
    }

    @Override
    public int vocabularySize() {
        return vocabulary.size();
    }

    @Override
    public int[] encode(String text, boolean addSpecial, boolean parseSpecial) {
        TokenIdList out = new TokenIdList(text.length() / 3 + 2);
        if (addSpecial && vocabulary.addBos()) {
            out.add(vocabulary.bosId());
        }
        if (!text.isEmpty()) {
            SpecialTokenSplitter splitter = parseSpecial ? allSpecialTokens : userDefinedTokens;
            List<SpecialTokenSplitter.Fragment> fragments = splitter.isEmpty()
                    ? List.of(new SpecialTokenSplitter.Text(text))
                    : splitter.split(text);
            boolean afterSpecial = true; // the start of the input counts as following a special token
            for (SpecialTokenSplitter.Fragment fragment : fragments) {
                switch (fragment) {
                    case SpecialTokenSplitter.Token token -> {
                        out.add(token.id());
                        afterSpecial = true;
                    }
                    case SpecialTokenSplitter.Text plain -> {
                        String prefixed = vocabulary.addSpacePrefix() && afterSpecial ? " " + plain.text() : plain.text();
                        merger.encode(prefixed.replace(" ", SPACE_MARK), out);
                        afterSpecial = false;
                    }
                }
            }
        }
        if (addSpecial && vocabulary.addEos()) {
            out.add(vocabulary.eosId());
        }
        return out.toArray();
    }

    @Override
    public byte[] tokenBytes(int tokenId) {
        return bytesById[tokenId].clone();
    }

    /** The detokenised bytes without a defensive copy, for callers in this package that do not modify them. */
    byte[] sharedTokenBytes(int tokenId) {
        return bytesById[tokenId];
    }

    @Override
    public String decode(int[] ids) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(ids.length * 4);
        for (int id : ids) {
            bytes.writeBytes(bytesById[id]);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Override
    public String tokenText(int tokenId) {
        return vocabulary.pieces()[tokenId];
    }

    @Override
    public int bosId() {
        return vocabulary.bosId();
    }

    @Override
    public int eosId() {
        return vocabulary.eosId();
    }

    @Override
    public boolean addsBos() {
        return vocabulary.addBos();
    }

    @Override
    public boolean addsSpacePrefix() {
        return vocabulary.addSpacePrefix();
    }

    @Override
    public boolean isText(int tokenId) {
        return tokenId >= 0 && tokenId < vocabulary.types().length && (vocabulary.types()[tokenId] == TokenType.NORMAL
                || vocabulary.types()[tokenId] == TokenType.BYTE);
    }

    @Override
    public boolean isEndOfGeneration(int tokenId) {
        return tokenId >= 0 && tokenId < endOfGeneration.length && endOfGeneration[tokenId];
    }

    @Override
    public String toString() {
        return "SentencePieceTokenizer[" + vocabulary.size() + " tokens, bos=" + bosId() + ", eos=" + eosId()
                + ", addBos=" + addsBos() + ", endOfGeneration=" + Arrays.toString(vocabulary.endOfGeneration()) + "]";
    }
}
