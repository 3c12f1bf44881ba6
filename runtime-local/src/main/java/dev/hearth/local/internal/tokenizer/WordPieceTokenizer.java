package dev.hearth.local.internal.tokenizer;

import dev.hearth.api.ModelFormatException;
import dev.hearth.local.internal.gguf.GgufMetadata;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * BERT's WordPiece ({@code tokenizer.ggml.model = "bert"}), matching llama.cpp's {@code llm_tokenizer_wpm}. GGUF
 * stores word-initial pieces with a leading "▁" and continuation pieces bare (the converter drops BERT's "##").
 *
 * <p>Encoding: split off special tokens; normalise like BERT (decompose and drop accent marks, lower-case, drop
 * control characters, U+0000 and U+FFFD); cut at whitespace, and make every punctuation character, ASCII symbol and
 * CJK ideograph a word of its own; then cover each "▁"-prefixed word greedily with the longest matching piece from
 * the left. A word that cannot be covered becomes the unknown token. With {@code addSpecial}, [CLS] (BOS) comes first
 * and [SEP] last.
 *
 * <p>Immutable and safe to share between threads.
 */
final class WordPieceTokenizer implements Tokenizer {
    static final String WORD_START = "\u2581";
    static final String CLS_KEY = "tokenizer.ggml.cls_token_id";
    /** Sic: llama.cpp's key for the separator token is spelt this way. */
    static final String SEPARATOR_KEY = "tokenizer.ggml.seperator_token_id";
    static final String ADD_SEPARATOR_KEY = "tokenizer.ggml.add_sep_token";
    static final String LOWERCASE_KEY = "tokenizer.ggml.normalizer.lowercase";
    static final String STRIP_ACCENTS_KEY = "tokenizer.ggml.normalizer.strip_accents";

    private final String[] pieces;
    private final byte[][] bytesById;
    private final Map<String, Integer> pieceIds;
    private final int longestPiece;
    private final int bosId;
    private final int separatorId;
    private final int unknownId;
    private final boolean addBos;
    private final boolean addSeparator;
    private final boolean lowercase;
    private final boolean stripAccents;
    private final SpecialTokenSplitter allSpecialTokens;
    private final SpecialTokenSplitter userDefinedTokens;
    private final TokenType[] types;

    WordPieceTokenizer(String[] pieces, TokenType[] types, int bosId, int separatorId, int unknownId, boolean addBos,
                       boolean addSeparator, boolean lowercase, boolean stripAccents) {
        int size = pieces.length;
        if (size == 0) {
            throw new ModelFormatException(SentencePieceVocabulary.TOKENS_KEY, -1, "the vocabulary is empty");
        }
        if (types.length != size) {
            throw new ModelFormatException(SentencePieceVocabulary.TOKEN_TYPE_KEY, -1,
                    "has " + types.length + " entries but " + SentencePieceVocabulary.TOKENS_KEY + " has " + size);
        }
        if (addBos && bosId < 0) {
            throw new ModelFormatException(SentencePieceVocabulary.ADD_BOS_KEY, -1,
                    "is true but the vocabulary has no BOS ([CLS]) token");
        }
        if (addSeparator && separatorId < 0) {
            throw new ModelFormatException(ADD_SEPARATOR_KEY, -1, "is true but the vocabulary has no [SEP] token");
        }
        if (unknownId < 0) {
            throw new ModelFormatException(SentencePieceVocabulary.UNKNOWN_KEY, -1,
                    "WordPiece needs an unknown token for words it cannot spell");
        }
        this.pieces = pieces;
        this.bosId = bosId;
        this.separatorId = separatorId;
        this.unknownId = unknownId;
        this.addBos = addBos;
        this.addSeparator = addSeparator;
        this.lowercase = lowercase;
        this.stripAccents = stripAccents;
        this.pieceIds = HashMap.newHashMap(size);
        int longest = 0;
        this.bytesById = new byte[size][];
        for (int id = 0; id < size; id++) {
            if (pieces[id] == null) {
                throw new ModelFormatException(SentencePieceVocabulary.TOKENS_KEY, -1, "token " + id + " is null");
            }
            if (!pieces[id].isEmpty()) {
                pieceIds.put(pieces[id], id);
            }
            longest = Math.max(longest, pieces[id].length());
            bytesById[id] = switch (types[id]) {
                case NORMAL -> pieces[id].replace(WORD_START, " ").getBytes(StandardCharsets.UTF_8);
                case UNKNOWN, USER_DEFINED -> pieces[id].getBytes(StandardCharsets.UTF_8);
                case BYTE, CONTROL, UNUSED, UNDEFINED -> new byte[0];
            };
        }
        this.longestPiece = longest;
        this.types = types.clone();
        this.allSpecialTokens = TokenTables.allSpecialTokens(pieces, types);
        this.userDefinedTokens = TokenTables.userDefinedTokens(pieces, types);
    }

    /**
     * Reads a {@code bert} vocabulary with llama.cpp's defaults: [CLS] 101 (as BOS, also read from
     * {@code tokenizer.ggml.cls_token_id}), [SEP] 102, [UNK] 100, add both; lower-case and strip accents unless the
     * normaliser keys say otherwise.
     */
    static WordPieceTokenizer fromMetadata(GgufMetadata metadata) {
        String[] pieces = metadata.getStringArray(SentencePieceVocabulary.TOKENS_KEY);
        int size = pieces.length;
        TokenType[] types = TokenTables.tokenTypes(metadata, size);
        int clsId = SentencePieceVocabulary.requiredId(metadata, CLS_KEY, 101, size);
        int bosId = metadata.contains(SentencePieceVocabulary.BOS_KEY)
                ? SentencePieceVocabulary.requiredId(metadata, SentencePieceVocabulary.BOS_KEY, 101, size) : clsId;
        int separatorId = SentencePieceVocabulary.requiredId(metadata, SEPARATOR_KEY, 102, size);
        int unknownId = SentencePieceVocabulary.requiredId(metadata, SentencePieceVocabulary.UNKNOWN_KEY, 100, size);
        boolean addBos = metadata.optionalBoolean(SentencePieceVocabulary.ADD_BOS_KEY).orElse(true);
        boolean addSeparator = metadata.optionalBoolean(ADD_SEPARATOR_KEY).orElse(true);
        boolean lowercase = metadata.optionalBoolean(LOWERCASE_KEY).orElse(true);
        boolean stripAccents = metadata.optionalBoolean(STRIP_ACCENTS_KEY).orElse(lowercase);
        return new WordPieceTokenizer(pieces, types, bosId, separatorId, unknownId, addBos, addSeparator, lowercase,
                stripAccents);
    }

    @Override
    public int vocabularySize() {
        return pieces.length;
    }

    @Override
    public int[] encode(String text, boolean addSpecial, boolean parseSpecial) {
        TokenIdList out = new TokenIdList(text.length() / 4 + 2);
        if (addSpecial && addBos) {
            out.add(bosId);
        }
        if (!text.isEmpty()) {
            SpecialTokenSplitter splitter = parseSpecial ? allSpecialTokens : userDefinedTokens;
            List<SpecialTokenSplitter.Fragment> fragments = splitter.isEmpty()
                    ? List.of(new SpecialTokenSplitter.Text(text))
                    : splitter.split(text);
            for (SpecialTokenSplitter.Fragment fragment : fragments) {
                switch (fragment) {
                    case SpecialTokenSplitter.Token token -> out.add(token.id());
                    case SpecialTokenSplitter.Text plain -> {
                        for (String word : words(plain.text())) {
                            encodeWord(WORD_START + word, out);
                        }
                    }
                }
            }
        }
        if (addSpecial && addSeparator) {
            out.add(separatorId);
        }
        return out.toArray();
    }

    /** BERT's normalisation and basic word splitting (llama.cpp's {@code llm_tokenizer_wpm_session::preprocess}). */
    List<String> words(String text) {
        String normalized = stripAccents ? Normalizer.normalize(text, Normalizer.Form.NFD) : text;
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        for (int i = 0; i < normalized.length(); ) {
            int c = normalized.codePointAt(i);
            i += Character.charCount(c);
            int flags = CodepointClass.of(c);
            if ((flags & CodepointClass.WHITESPACE) != 0) {
                finish(word, words);
                continue;
            }
            if (c == 0 || c == 0xFFFD || (flags & CodepointClass.CONTROL) != 0) {
                continue;
            }
            if (stripAccents && (flags & CodepointClass.MARK) != 0) {
                continue;
            }
            int mapped = lowercase ? Character.toLowerCase(c) : c;
            if ((flags & CodepointClass.PUNCTUATION) != 0 || (c < 0x7F && (flags & CodepointClass.SYMBOL) != 0)
                    || isChineseCharacter(c)) {
                finish(word, words);
                words.add(Character.toString(mapped));
            } else {
                word.appendCodePoint(mapped);
            }
        }
        finish(word, words);
        return words;
    }

    private static void finish(StringBuilder word, List<String> words) {
        if (!word.isEmpty()) {
            words.add(word.toString());
            word.setLength(0);
        }
    }

    /** The CJK ideograph blocks BERT isolates (with Hugging Face's 0x2B920 start of the fifth range, as llama.cpp). */
    private static boolean isChineseCharacter(int c) {
        return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2A6DF)
                || (c >= 0x2A700 && c <= 0x2B73F) || (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B920 && c <= 0x2CEAF)
                || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
    }

    /** Greedy longest-match-first; a word with any position no piece starts at is the unknown token as a whole. */
    private void encodeWord(String word, TokenIdList out) {
        int mark = out.size();
        int n = word.length();
        int i = 0;
        while (i < n) {
            int match = -1;
            int matchEnd = -1;
            for (int j = Math.min(n, i + longestPiece); j > i; j--) {
                Integer id = pieceIds.get(word.substring(i, j));
                if (id != null) {
                    match = id;
                    matchEnd = j;
                    break;
                }
            }
            if (match < 0) {
                out.truncate(mark);
                break;
            }
            out.add(match);
            i = matchEnd;
        }
        if (out.size() == mark) {
            out.add(unknownId);
        }
    }

    @Override
    public byte[] tokenBytes(int tokenId) {
        return bytesById[tokenId].clone();
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
        return pieces[tokenId];
    }

    @Override
    public int bosId() {
        return bosId;
    }

    /** WordPiece vocabularies have no end-of-sequence token; [SEP] closes the input instead. */
    @Override
    public int eosId() {
        return -1;
    }

    @Override
    public boolean addsBos() {
        return addBos;
    }

    /** Every word starts with "▁", so decoded text starts with a space. */
    @Override
    public boolean addsSpacePrefix() {
        return true;
    }

    /** BERT vocabularies are for encoders: no token ends generation (llama.cpp lists none for them either). */
    @Override
    public boolean isText(int tokenId) {
        return tokenId >= 0 && tokenId < types.length && (types[tokenId] == TokenType.NORMAL
                || types[tokenId] == TokenType.BYTE);
    }

    @Override
    public boolean isEndOfGeneration(int tokenId) {
        return false;
    }

    @Override
    public String toString() {
        return "WordPieceTokenizer[" + pieces.length + " tokens, cls=" + bosId + ", sep=" + separatorId + ", unk="
                + unknownId + ", lowercase=" + lowercase + ", stripAccents=" + stripAccents + "]";
    }
}
