package dev.hearth.local.internal.tokenizer;

import dev.hearth.api.ModelFormatException;
import dev.hearth.api.UnsupportedModelException;
import dev.hearth.local.internal.gguf.GgufMetadata;

/**
 * Text to token ids and back for a model's vocabulary, as read from GGUF {@code tokenizer.ggml.*} metadata.
 * Implementations are immutable and safe to share between threads. Token ids that a vocabulary lacks are reported
 * as {@code -1}.
 */
public sealed interface Tokenizer permits SentencePieceTokenizer {

    /**
     * Reads {@code tokenizer.ggml.*} from the metadata. {@code tokenizer.ggml.model = "llama"} gives a SentencePiece
     * tokenizer.
     *
     * @throws UnsupportedModelException if the tokenizer model is another one (e.g. "gpt2", "bert")
     * @throws ModelFormatException      if a key is missing or has the wrong type, the token, score and token-type
     *                                   arrays differ in length, or a BOS/EOS/unknown id lies outside the vocabulary;
     *                                   the exception names the key
     */
    static Tokenizer fromGguf(GgufMetadata metadata) {
        String model = metadata.getString(SentencePieceVocabulary.MODEL_KEY);
        if (!model.equals("llama")) {
            throw new UnsupportedModelException("tokenizer model '" + model + "' is not supported yet");
        }
        return new SentencePieceTokenizer(SentencePieceVocabulary.fromMetadata(metadata));
    }

    int vocabularySize();

    /**
     * Encodes text to token ids.
     *
     * @param addSpecial   prepend BOS if the vocabulary asks for it ({@link #addsBos()}) and append EOS if it asks for
     *                     that ({@code tokenizer.ggml.add_eos_token}, default false)
     * @param parseSpecial match the text of control, unknown and user-defined tokens (e.g. {@code "<s>"}) to those
     *                     tokens; when false, control and unknown token texts are ordinary text. User-defined tokens
     *                     are matched either way, as llama.cpp and Hugging Face do.
     */
    int[] encode(String text, boolean addSpecial, boolean parseSpecial);

    /**
     * The raw bytes this token stands for when detokenised: a normal piece with "▁" turned into spaces, the single
     * byte of a {@code <0xNN>} byte token, nothing for control and unused tokens, and the piece text itself for
     * unknown and user-defined tokens. The array is a copy.
     *
     * @throws IndexOutOfBoundsException if the id is not in the vocabulary
     */
    byte[] tokenBytes(int tokenId);

    /**
     * The concatenated {@link #tokenBytes} decoded as UTF-8, malformed sequences becoming U+FFFD. No leading space is
     * stripped; see {@link StreamingDetokenizer} for that.
     */
    String decode(int[] ids);

    /** The raw vocabulary string of a token (e.g. {@code "▁Hello"}, {@code "<0x0A>"}), for debugging. */
    String tokenText(int tokenId);

    /** Beginning-of-sequence token, or -1 if the vocabulary has none. */
    int bosId();

    /** End-of-sequence token, or -1 if the vocabulary has none. */
    int eosId();

    /** Whether {@code encode(text, addSpecial = true, ...)} prepends {@link #bosId()}. */
    boolean addsBos();

    /**
     * True for EOS and for the other tokens that end generation: {@code tokenizer.ggml.eot_token_id} and
     * {@code eom_token_id} when present, and end-of-turn pieces such as {@code <|end|>} or {@code <|eot_id|>} that
     * llama.cpp recognises by their text. False for ids outside the vocabulary.
     */
    boolean isEndOfGeneration(int tokenId);
}
