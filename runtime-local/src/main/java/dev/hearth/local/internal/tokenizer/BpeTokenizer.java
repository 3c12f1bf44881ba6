package dev.hearth.local.internal.tokenizer;

import dev.hearth.api.ModelFormatException;
import dev.hearth.local.internal.gguf.GgufMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Byte-level BPE ({@code tokenizer.ggml.model = "gpt2"}), matching llama.cpp's BPE tokenizer token for token: split
 * off special tokens ({@link SpecialTokenSplitter}), cut each plain fragment into words with the pre-tokenizer named
 * by {@code tokenizer.ggml.pre} ({@link PreTokenizer}), spell each word's UTF-8 bytes with GPT-2's byte characters
 * and merge them by rank ({@link BpeMerges}). With "ignore merges" (Llama 3), a word that is itself a token is that
 * token. There is no dummy-prefix space.
 *
 * <p>Immutable and safe to share between threads.
 */
final class BpeTokenizer implements Tokenizer {
    private static final Logger LOG = LoggerFactory.getLogger(BpeTokenizer.class);

    static final String MERGES_KEY = "tokenizer.ggml.merges";
    static final String PRE_KEY = "tokenizer.ggml.pre";
    /** llama.cpp's BOS/EOS default for BPE vocabularies (GPT-2's {@code <|endoftext|>} in NeoX-style files). */
    private static final int DEFAULT_BOS_EOS = 11;

    private final String[] pieces;
    private final TokenType[] types;
    private final byte[][] bytesById;
    private final PreTokenizer preTokenizer;
    private final BpeMerges merges;
    /** Present only with "ignore merges": whole words looked up as tokens. */
    private final ByteSequenceTable wholeWords;
    private final int bosId;
    private final int eosId;
    private final boolean addBos;
    private final boolean addEos;
    private final boolean[] endOfGeneration;
    private final int[] endOfGenerationIds;
    private final SpecialTokenSplitter allSpecialTokens;
    private final SpecialTokenSplitter userDefinedTokens;

    /**
     * @param pieces       token texts in GPT-2 byte spelling; not copied
     * @param types        token kinds; not copied, and end-of-turn pieces are turned into CONTROL as llama.cpp does
     * @param merges       merge rules "left right" in rank order
     * @param mergesSource where the merges came from, for error messages (a GGUF key or a file name)
     */
    BpeTokenizer(String[] pieces, TokenType[] types, String[] merges, String mergesSource, PreTokenizer preTokenizer,
                 int bosId, int eosId, int eotId, int eomId, boolean addBos, boolean addEos) {
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
                    "is true but the vocabulary has no BOS token");
        }
        if (addEos && eosId < 0) {
            throw new ModelFormatException(SentencePieceVocabulary.ADD_EOS_KEY, -1,
                    "is true but the vocabulary has no EOS token");
        }
        this.pieces = pieces;
        this.types = types;
        this.preTokenizer = preTokenizer;
        this.bosId = bosId;
        this.eosId = eosId;
        this.addBos = addBos;
        this.addEos = addEos;

        Map<String, Integer> tokenIds = HashMap.newHashMap(size);
        Set<Integer> endOfGenerationSet = new LinkedHashSet<>();
        for (int id : new int[] {eosId, eotId, eomId}) {
            if (id >= 0) {
                endOfGenerationSet.add(id);
            }
        }
        for (int id = 0; id < size; id++) {
            String piece = pieces[id];
            if (piece == null) {
                throw new ModelFormatException(SentencePieceVocabulary.TOKENS_KEY, -1, "token " + id + " is null");
            }
            if (!piece.isEmpty()) {
                tokenIds.put(piece, id);
            }
            if (SentencePieceVocabulary.END_OF_TURN_PIECES.contains(piece)) {
                endOfGenerationSet.add(id);
                types[id] = TokenType.CONTROL;
            }
        }
        this.merges = new BpeMerges(size, tokenIds, merges, mergesSource);

        this.bytesById = new byte[size][];
        byte[][] rawBytes = preTokenizer.ignoreMerges() ? new byte[size][] : null;
        for (int id = 0; id < size; id++) {
            bytesById[id] = detokenised(pieces[id], types[id]);
            if (rawBytes != null && !pieces[id].isEmpty()) {
                rawBytes[id] = ByteLevelAlphabet.decodeStrict(pieces[id]);
            }
        }
        this.wholeWords = rawBytes != null ? new ByteSequenceTable(rawBytes) : null;

        this.endOfGenerationIds = endOfGenerationSet.stream().mapToInt(Integer::intValue).toArray();
        this.endOfGeneration = new boolean[size];
        for (int id : endOfGenerationIds) {
            endOfGeneration[id] = true;
        }
        this.allSpecialTokens = TokenTables.allSpecialTokens(pieces, types);
        this.userDefinedTokens = TokenTables.userDefinedTokens(pieces, types);
    }

    /**
     * Reads a {@code gpt2} vocabulary. Defaults follow llama.cpp: BOS and EOS 11 (only if the vocabulary is that
     * large), no unknown token, add BOS only for the Llama 3 family of pre-tokenizers, never add EOS; a missing type
     * array means every token is NORMAL; a missing {@code tokenizer.ggml.pre} means "default" (logged as a warning,
     * as the quality suffers).
     */
    static BpeTokenizer fromMetadata(GgufMetadata metadata) {
        String[] pieces = metadata.getStringArray(SentencePieceVocabulary.TOKENS_KEY);
        int size = pieces.length;
        TokenType[] types = TokenTables.tokenTypes(metadata, size);
        String[] mergeRules = metadata.getStringArray(MERGES_KEY);
        String pre = metadata.optionalString(PRE_KEY).orElse("");
        if (pre.isEmpty()) {
            LOG.warn("{} is missing: using llama.cpp's 'default' pre-tokenizer; tokenization may not match the model's "
                    + "training", PRE_KEY);
        }
        PreTokenizer preTokenizer = PreTokenizer.forName(pre);
        int bosId = SentencePieceVocabulary.requiredId(metadata, SentencePieceVocabulary.BOS_KEY, DEFAULT_BOS_EOS, size);
        int eosId = SentencePieceVocabulary.requiredId(metadata, SentencePieceVocabulary.EOS_KEY, DEFAULT_BOS_EOS, size);
        int eotId = SentencePieceVocabulary.optionalId(metadata, SentencePieceVocabulary.EOT_KEY, size);
        int eomId = SentencePieceVocabulary.optionalId(metadata, SentencePieceVocabulary.EOM_KEY, size);
        boolean addBos = metadata.optionalBoolean(SentencePieceVocabulary.ADD_BOS_KEY).orElse(preTokenizer.addsBos());
        boolean addEos = metadata.optionalBoolean(SentencePieceVocabulary.ADD_EOS_KEY).orElse(false);
        return new BpeTokenizer(pieces, types, mergeRules, MERGES_KEY, preTokenizer, bosId, eosId, eotId, eomId,
                addBos, addEos);
    }

    private static byte[] detokenised(String piece, TokenType type) {
        return switch (type) {
            case NORMAL -> ByteLevelAlphabet.decodeLenient(piece);
            case BYTE -> {
                int value = ByteToken.parse(piece);
                yield value >= 0 ? new byte[] {(byte) value} : ByteLevelAlphabet.decodeLenient(piece);
            }
            case UNKNOWN, USER_DEFINED -> piece.getBytes(StandardCharsets.UTF_8);
            case CONTROL, UNUSED, UNDEFINED -> new byte[0];
        };
    }

    String preTokenizerName() {
        return preTokenizer.name();
    }

    @Override
    public int vocabularySize() {
        return pieces.length;
    }

    @Override
    public int[] encode(String text, boolean addSpecial, boolean parseSpecial) {
        TokenIdList out = new TokenIdList(text.length() / 3 + 2);
        if (addSpecial && addBos) {
            out.add(bosId);
        }
        if (!text.isEmpty()) {
            SpecialTokenSplitter splitter = parseSpecial ? allSpecialTokens : userDefinedTokens;
            if (splitter.isEmpty()) {
                encodePlain(text, out);
            } else {
                for (SpecialTokenSplitter.Fragment fragment : splitter.split(text)) {
                    switch (fragment) {
                        case SpecialTokenSplitter.Token token -> out.add(token.id());
                        case SpecialTokenSplitter.Text plain -> encodePlain(plain.text(), out);
                    }
                }
            }
        }
        if (addSpecial && addEos) {
            out.add(eosId);
        }
        return out.toArray();
    }

    private void encodePlain(String text, TokenIdList out) {
        CodepointText codePoints = new CodepointText(text);
        IntList ends = preTokenizer.split(codePoints);
        BpeMerges.Scratch scratch = new BpeMerges.Scratch();
        byte[] utf8 = new byte[256];
        int[] length = new int[1];
        int start = 0;
        for (int i = 0; i < ends.size(); i++) {
            int end = ends.get(i);
            utf8 = codePoints.appendUtf8(start, end, utf8, length);
            start = end;
            if (wholeWords != null) {
                int whole = wholeWords.find(utf8, 0, length[0]);
                if (whole >= 0) {
                    out.add(whole);
                    continue;
                }
            }
            merges.encode(utf8, 0, length[0], scratch, out);
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

    @Override
    public int eosId() {
        return eosId;
    }

    @Override
    public boolean addsBos() {
        return addBos;
    }

    @Override
    public boolean addsSpacePrefix() {
        return false;
    }

    @Override
    public boolean isText(int tokenId) {
        return tokenId >= 0 && tokenId < types.length && (types[tokenId] == TokenType.NORMAL
                || types[tokenId] == TokenType.BYTE);
    }

    @Override
    public boolean isEndOfGeneration(int tokenId) {
        return tokenId >= 0 && tokenId < endOfGeneration.length && endOfGeneration[tokenId];
    }

    @Override
    public String toString() {
        return "BpeTokenizer[" + pieces.length + " tokens, pre=" + preTokenizer.name() + ", bos=" + bosId
                + ", eos=" + eosId + ", addBos=" + addBos + ", endOfGeneration=" + Arrays.toString(endOfGenerationIds)
                + "]";
    }
}
