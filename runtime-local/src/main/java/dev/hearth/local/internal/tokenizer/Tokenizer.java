package dev.hearth.local.internal.tokenizer;

import dev.hearth.api.ModelFormatException;
import dev.hearth.api.ModelNotFoundException;
import dev.hearth.api.UnsupportedModelException;
import dev.hearth.local.internal.gguf.GgufMetadata;

import java.nio.file.Path;

/**
 * Text to token ids and back for a model's vocabulary, as read from GGUF {@code tokenizer.ggml.*} metadata.
 * Implementations are immutable and safe to share between threads. Token ids that a vocabulary lacks are reported
 * as {@code -1}.
 */
public sealed interface Tokenizer permits SentencePieceTokenizer, BpeTokenizer, WordPieceTokenizer {

    /**
     * Reads {@code tokenizer.ggml.*} from the metadata: {@code tokenizer.ggml.model = "llama"} gives SentencePiece,
     * {@code "gpt2"} byte-level BPE with the pre-tokenizer named by {@code tokenizer.ggml.pre}, and {@code "bert"}
     * WordPiece.
     *
     * @throws UnsupportedModelException if the tokenizer model or the BPE pre-tokenizer is not supported; the message
     *                                   names it
     * @throws ModelFormatException      if a key is missing or has the wrong type, the token, score and token-type
     *                                   arrays differ in length, a merge rule is malformed, or a BOS/EOS/unknown id
     *                                   lies outside the vocabulary; the exception names the key
     */
    static Tokenizer fromGguf(GgufMetadata metadata) {
        String model = metadata.getString(SentencePieceVocabulary.MODEL_KEY);
        return switch (model) {
            case "llama" -> new SentencePieceTokenizer(SentencePieceVocabulary.fromMetadata(metadata));
            case "gpt2" -> BpeTokenizer.fromMetadata(metadata);
            case "bert" -> WordPieceTokenizer.fromMetadata(metadata);
            default -> throw new UnsupportedModelException("tokenizer model '" + model
                    + "' (tokenizer.ggml.model) is not supported; supported: llama (SentencePiece), gpt2 (byte-level "
                    + "BPE), bert (WordPiece)");
        };
    }

    /**
     * A byte-level BPE tokenizer from a GPT-2 style vocabulary pair: {@code encoder.json} (token text to id) and
     * {@code vocab.bpe} (merge rules in rank order, an optional {@code #version} first line). The files carry no
     * special tokens, so there is no BOS or EOS and nothing is added.
     *
     * @param preTokenizer a {@code tokenizer.ggml.pre} name, e.g. {@code "llama-bpe"} for Llama 3 or {@code "gpt-2"}
     * @throws ModelFormatException      if a file is not in that format; the exception names the file
     * @throws ModelNotFoundException    if a file does not exist
     * @throws UnsupportedModelException if the pre-tokenizer is not supported
     */
    static Tokenizer fromGpt2Files(Path encoderJson, Path vocabBpe, String preTokenizer) {
        return Gpt2VocabularyFiles.load(encoderJson, vocabBpe, preTokenizer);
    }

    int vocabularySize();

    /**
     * Encodes text to token ids.
     *
     * @param addSpecial   prepend BOS if the vocabulary asks for it ({@link #addsBos()}) and append EOS if it asks for
     *                     that ({@code tokenizer.ggml.add_eos_token}, default false); WordPiece adds [CLS] and [SEP]
     * @param parseSpecial match the text of control, unknown and user-defined tokens (e.g. {@code "<s>"}) to those
     *                     tokens; when false, control and unknown token texts are ordinary text. User-defined tokens
     *                     are matched either way, as llama.cpp and Hugging Face do.
     */
    int[] encode(String text, boolean addSpecial, boolean parseSpecial);

    /**
     * The raw bytes this token stands for when detokenised: for a normal piece, its text with SentencePiece's "▁"
     * turned into spaces, or the bytes a byte-level BPE piece spells with GPT-2's byte characters (WordPiece: "▁"
     * marks a word start and becomes a space); the single byte of a {@code <0xNN>} byte token; nothing for control
     * and unused tokens; and the piece text itself for unknown and user-defined tokens. The array is a copy.
     *
     * @throws IndexOutOfBoundsException if the id is not in the vocabulary
     */
    byte[] tokenBytes(int tokenId);

    /**
     * The concatenated {@link #tokenBytes} decoded as UTF-8, malformed sequences becoming U+FFFD. No leading space is
     * stripped; see {@link StreamingDetokenizer} for that.
     */
    String decode(int[] ids);

    /** The raw vocabulary string of a token (e.g. {@code "▁Hello"}, {@code "<0x0A>"}, {@code "ĠHello"}), for debugging. */
    String tokenText(int tokenId);

    /**
     * Whether a token stands for literal text of an answer: true for normal and byte tokens, false for control,
     * unknown, user-defined and unused ones (constrained decoding never offers those) and for ids outside the
     * vocabulary.
     */
    boolean isText(int tokenId);

    /** Beginning-of-sequence token, or -1 if the vocabulary has none. */
    int bosId();

    /** End-of-sequence token, or -1 if the vocabulary has none. */
    int eosId();

    /** Whether {@code encode(text, addSpecial = true, ...)} prepends {@link #bosId()}. */
    boolean addsBos();

    /**
     * Whether encoding puts a space before the text (SentencePiece's dummy prefix), so that decoded output starts
     * with a space that a reader should not see.
     */
    boolean addsSpacePrefix();

    /**
     * True for EOS and for the other tokens that end generation: {@code tokenizer.ggml.eot_token_id} and
     * {@code eom_token_id} when present, and end-of-turn pieces such as {@code <|end|>} or {@code <|eot_id|>} that
     * llama.cpp recognises by their text. False for ids outside the vocabulary.
     */
    boolean isEndOfGeneration(int tokenId);
}
