package dev.hearth.local.onnx.internal;

/** How a decoder exported to ONNX names and shapes its KV cache. */
enum KvConvention {
    /** HF Optimum / onnxruntime-genai: {@code past_key_values.N.key} and {@code .value} in, {@code present.N.key/value} out. */
    OPTIMUM_SPLIT,
    /** The older onnxruntime GPT-2 export: {@code past_N} in, {@code present_N} out, key and value stacked on axis 0. */
    LEGACY_COMBINED
}
