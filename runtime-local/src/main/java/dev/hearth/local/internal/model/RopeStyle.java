package dev.hearth.local.internal.model;

/** Which dimensions of a head RoPE rotates together; GGUF files do not say, the architecture decides. */
public enum RopeStyle {
    /** Adjacent pairs {@code (2i, 2i+1)}: llama, mistral (ggml's "normal" mode). */
    NORMAL,
    /** Halves {@code (i, i + d/2)}: qwen2, qwen3, phi3, gemma2, gemma3 (ggml's GPT-NeoX mode). */
    NEOX
}
