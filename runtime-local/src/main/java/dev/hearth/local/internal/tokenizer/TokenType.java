package dev.hearth.local.internal.tokenizer;

/**
 * The per-token kind stored in {@code tokenizer.ggml.token_type} (the numbering of llama.cpp's
 * {@code llama_token_type}, which the GGUF converters write).
 */
enum TokenType {
    UNDEFINED,
    NORMAL,
    UNKNOWN,
    CONTROL,
    USER_DEFINED,
    UNUSED,
    BYTE;

    private static final TokenType[] BY_CODE = values();

    /** The type of a code, or null for a code outside the known range (the caller names the field). */
    static TokenType fromCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
