package dev.hearth.local.internal.tokenizer;

import dev.hearth.api.ModelFormatException;
import dev.hearth.local.internal.gguf.GgufMetadata;
import dev.hearth.local.internal.gguf.MetadataEntry;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Everything a SentencePiece ({@code tokenizer.ggml.model = "llama"}) tokenizer needs from GGUF metadata, checked
 * for consistency once so the encoder can index the arrays without further checks. Absent token ids are {@code -1}.
 *
 * <p>The arrays are shared, not copied: this record is package-private and never handed to callers.
 *
 * @param pieces          the vocabulary strings, by id ({@code tokenizer.ggml.tokens})
 * @param scores          merge priority of each piece, higher merges first ({@code tokenizer.ggml.scores})
 * @param types           the kind of each piece ({@code tokenizer.ggml.token_type})
 * @param bosId           beginning-of-sequence id, or -1
 * @param eosId           end-of-sequence id, or -1
 * @param unknownId       id used when a byte has no byte token, or -1
 * @param endOfGeneration ids that end generation: EOS, EOT, EOM and the end-of-turn pieces llama.cpp recognises by text
 * @param addBos          whether {@code encode(..., addSpecial=true, ...)} prepends BOS
 * @param addEos          whether {@code encode(..., addSpecial=true, ...)} appends EOS
 * @param addSpacePrefix  whether a space is put before text that starts the input or follows a special token
 * @param stripsWhitespaceAfter per token: whether ASCII whitespace after this special token's text is dropped when
 *                        the token is matched in text (llama.cpp's RSTRIP attribute; see {@link #fromMetadata})
 */
record SentencePieceVocabulary(String[] pieces, float[] scores, TokenType[] types, int bosId, int eosId,
                               int unknownId, int[] endOfGeneration, boolean addBos, boolean addEos,
                               boolean addSpacePrefix, boolean[] stripsWhitespaceAfter) {

    static final String NAME_KEY = "general.name";
    static final String MODEL_KEY = "tokenizer.ggml.model";
    static final String TOKENS_KEY = "tokenizer.ggml.tokens";
    static final String SCORES_KEY = "tokenizer.ggml.scores";
    static final String TOKEN_TYPE_KEY = "tokenizer.ggml.token_type";
    static final String BOS_KEY = "tokenizer.ggml.bos_token_id";
    static final String EOS_KEY = "tokenizer.ggml.eos_token_id";
    static final String UNKNOWN_KEY = "tokenizer.ggml.unknown_token_id";
    static final String EOT_KEY = "tokenizer.ggml.eot_token_id";
    static final String EOM_KEY = "tokenizer.ggml.eom_token_id";
    static final String ADD_BOS_KEY = "tokenizer.ggml.add_bos_token";
    static final String ADD_EOS_KEY = "tokenizer.ggml.add_eos_token";
    static final String ADD_SPACE_PREFIX_KEY = "tokenizer.ggml.add_space_prefix";

    /**
     * Pieces that end a turn in common chat formats. Many converters do not write an EOT id, so llama.cpp
     * recognises these by text, treats them as end-of-generation and forces them to be control tokens; doing the
     * same keeps generation from running past e.g. Phi-3's {@code <|end|>}.
     */
    static final Set<String> END_OF_TURN_PIECES = Set.of(
            "<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "<|eom_id|>", "<EOT>",
            "<|end_of_text|>");

    SentencePieceVocabulary {
        int size = pieces.length;
        if (size == 0) {
            throw new ModelFormatException(TOKENS_KEY, -1, "the vocabulary is empty");
        }
        if (scores.length != size) {
            throw new ModelFormatException(SCORES_KEY, -1,
                    "has " + scores.length + " entries but " + TOKENS_KEY + " has " + size);
        }
        if (types.length != size) {
            throw new ModelFormatException(TOKEN_TYPE_KEY, -1,
                    "has " + types.length + " entries but " + TOKENS_KEY + " has " + size);
        }
        if (stripsWhitespaceAfter.length != size) {
            throw new IllegalArgumentException("stripsWhitespaceAfter has " + stripsWhitespaceAfter.length
                    + " entries for " + size + " tokens");
        }
        requireIdInRange(BOS_KEY, bosId, size);
        requireIdInRange(EOS_KEY, eosId, size);
        requireIdInRange(UNKNOWN_KEY, unknownId, size);
        for (int id : endOfGeneration) {
            requireIdInRange("end-of-generation token", id, size);
        }
        if (addBos && bosId < 0) {
            throw new ModelFormatException(ADD_BOS_KEY, -1, "is true but the vocabulary has no BOS token");
        }
        if (addEos && eosId < 0) {
            throw new ModelFormatException(ADD_EOS_KEY, -1, "is true but the vocabulary has no EOS token");
        }
        for (int id = 0; id < size; id++) {
            if (pieces[id] == null) {
                throw new ModelFormatException(TOKENS_KEY, -1, "token " + id + " is null");
            }
            if (types[id] == TokenType.BYTE && ByteToken.parse(pieces[id]) < 0) {
                throw new ModelFormatException(TOKENS_KEY, -1,
                        "token " + id + " has type BYTE but its text '" + pieces[id] + "' is not of the form <0xNN>");
            }
        }
    }

    int size() {
        return pieces.length;
    }

    private static void requireIdInRange(String key, int id, int size) {
        if (id < -1 || id >= size) {
            throw new ModelFormatException(key, -1, "token id " + id + " is outside the vocabulary [0, " + size + ")");
        }
    }

    /**
     * Reads the SentencePiece vocabulary and flags. Defaults follow llama.cpp for SPM vocabularies: BOS 1, EOS 2,
     * unknown 0 (each only if the vocabulary is that large), add BOS yes, add EOS no, space prefix yes; a missing
     * score array means all scores are 0 and a missing type array means every token is NORMAL.
     */
    static SentencePieceVocabulary fromMetadata(GgufMetadata metadata) {
        String[] pieces = metadata.getStringArray(TOKENS_KEY);
        int size = pieces.length;
        float[] scores = metadata.optionalFloatArray(SCORES_KEY).orElseGet(() -> new float[size]);
        TokenType[] types = TokenTables.tokenTypes(metadata, size);
        if (scores.length != size) {
            throw new ModelFormatException(SCORES_KEY, offsetOf(metadata, SCORES_KEY),
                    "has " + scores.length + " entries but " + TOKENS_KEY + " has " + size);
        }

        int bosId = requiredId(metadata, BOS_KEY, 1, size);
        int eosId = requiredId(metadata, EOS_KEY, 2, size);
        int unknownId = requiredId(metadata, UNKNOWN_KEY, 0, size);
        int eotId = optionalId(metadata, EOT_KEY, size);
        int eomId = optionalId(metadata, EOM_KEY, size);

        Set<Integer> endOfGeneration = new LinkedHashSet<>();
        for (int id : new int[] {eosId, eotId, eomId}) {
            if (id >= 0) {
                endOfGeneration.add(id);
            }
        }
        for (int id = 0; id < size; id++) {
            if (END_OF_TURN_PIECES.contains(pieces[id])) {
                endOfGeneration.add(id);
                types[id] = TokenType.CONTROL;
            }
        }

        boolean addBos = metadata.optionalBoolean(ADD_BOS_KEY).orElse(true);
        boolean addEos = metadata.optionalBoolean(ADD_EOS_KEY).orElse(false);
        boolean addSpacePrefix = metadata.optionalBoolean(ADD_SPACE_PREFIX_KEY).orElse(true);
        return new SentencePieceVocabulary(pieces, scores, types, bosId, eosId, unknownId,
                endOfGeneration.stream().mapToInt(Integer::intValue).toArray(), addBos, addEos, addSpacePrefix,
                whitespaceStripping(metadata, pieces, types));
    }

    /**
     * GGUF has no per-token strip flags, so llama.cpp hard-codes them for Phi-3 (recognised by
     * {@code general.name}): its chat special tokens swallow the whitespace after them, as Hugging Face's
     * {@code rstrip=True} added tokens do, so that "{@code <|user|>\nHi}" encodes like "{@code <|user|>Hi}".
     * {@code </s>} strips too; {@code <unk>}, {@code <s>} and {@code <|endoftext|>} do not.
     */
    private static boolean[] whitespaceStripping(GgufMetadata metadata, String[] pieces, TokenType[] types) {
        boolean[] strips = new boolean[pieces.length];
        String name = metadata.optionalString(NAME_KEY).orElse("").toLowerCase(Locale.ROOT);
        if (!name.contains("phi-3") && !name.contains("phi3")) {
            return strips;
        }
        for (int id = 0; id < pieces.length; id++) {
            boolean special = types[id] == TokenType.CONTROL || types[id] == TokenType.USER_DEFINED
                    || types[id] == TokenType.UNKNOWN;
            strips[id] = special || pieces[id].equals("</s>");
            if (Set.of("<unk>", "<s>", "<|endoftext|>").contains(pieces[id])) {
                strips[id] = false;
            }
        }
        return strips;
    }

    /** BOS/EOS/unknown: a present id must lie in the vocabulary; an absent one takes llama.cpp's SPM default. */
    static int requiredId(GgufMetadata metadata, String key, int defaultId, int size) {
        Optional<Long> stored = metadata.optionalLong(key);
        if (stored.isEmpty()) {
            return defaultId < size ? defaultId : -1;
        }
        long id = stored.get();
        if (id < 0 || id >= size) {
            throw new ModelFormatException(key, offsetOf(metadata, key),
                    "token id " + id + " is outside the vocabulary [0, " + size + ")");
        }
        return (int) id;
    }

    /**
     * EOT/EOM are hints for stopping generation; converters write 0xFFFFFFFF or -1 for "none", so an id outside
     * the vocabulary means absent (llama.cpp likewise ignores it) rather than a corrupt file.
     */
    static int optionalId(GgufMetadata metadata, String key, int size) {
        return metadata.optionalLong(key).filter(id -> id >= 0 && id < size).map(Long::intValue).orElse(-1);
    }

    static long offsetOf(GgufMetadata metadata, String key) {
        return metadata.entry(key).map(MetadataEntry::offset).orElse(-1L);
    }
}
