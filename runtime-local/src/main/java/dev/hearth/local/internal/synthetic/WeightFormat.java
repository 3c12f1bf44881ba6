package dev.hearth.local.internal.synthetic;

import dev.hearth.api.ConfigurationException;
import dev.hearth.local.internal.gguf.GgmlType;
import dev.hearth.local.internal.tensor.Quantizer;

import java.util.Locale;
import java.util.Objects;

/**
 * The block format of a synthetic model's 2-D weights: one type for all of them, or llama.cpp's Q4_K_M mix (Q4_K,
 * with the output projection and the value/down projections of some layers in Q6_K). Norms, biases and RoPE factors
 * are always F32, as in files made by llama-quantize.
 *
 * @param base        the type of every 2-D weight the mix does not promote
 * @param q4KMedium   whether this is the Q4_K_M mix (then {@code base} is Q4_K)
 */
public record WeightFormat(GgmlType base, boolean q4KMedium) {

    public WeightFormat {
        Objects.requireNonNull(base, "base");
        if (!Quantizer.supports(base)) {
            throw new ConfigurationException("Synthetic models cannot be written in " + base + " (no quantiser for it); "
                    + "use one of F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q4_K, Q6_K or Q4_K_M.");
        }
        if (q4KMedium && base != GgmlType.Q4_K) {
            throw new ConfigurationException("The Q4_K_M mix is based on Q4_K, not " + base);
        }
    }

    /** Every 2-D weight in {@code type}. */
    public static WeightFormat pure(GgmlType type) {
        return new WeightFormat(type, false);
    }

    /** llama.cpp's Q4_K_M mix. */
    public static WeightFormat q4KM() {
        return new WeightFormat(GgmlType.Q4_K, true);
    }

    /** "Q8_0", "q4_k_m", "F16", ... as the command line and llama-quantize spell them. */
    public static WeightFormat parse(String name) {
        String upper = Objects.requireNonNull(name, "name").trim().toUpperCase(Locale.ROOT);
        if (upper.equals("Q4_K_M")) {
            return q4KM();
        }
        GgmlType type;
        try {
            type = GgmlType.valueOf(upper);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("Unknown weight format '" + name + "'; use one of F32, F16, BF16, Q8_0, "
                    + "Q4_0, Q4_1, Q5_0, Q5_1, Q4_K, Q6_K or Q4_K_M.");
        }
        return pure(type);
    }

    /**
     * The type of one 2-D weight, following llama.cpp's {@code llama_tensor_get_type} for Q4_K_M: the output
     * projection (the token embedding when it is tied) is Q6_K, and so are {@code attn_v} and {@code ffn_down} in the
     * first and last eighth of the layers and every third layer between. A row length that is not a multiple of the
     * K-quant super-block (256) falls back as llama.cpp does: Q4_K to Q5_0, Q6_K to Q8_0.
     *
     * @param role  which weight ({@code "output"}, {@code "attn_v"}, {@code "ffn_down"}, ...)
     * @param layer its layer, or -1 for weights outside the blocks
     */
    GgmlType typeFor(String role, int layer, int layerCount, long rowLength) {
        GgmlType type = base;
        if (q4KMedium) {
            boolean moreBits = layer >= 0 && useMoreBits(layer, layerCount);
            if (role.equals("output") || (moreBits && (role.equals("attn_v") || role.equals("ffn_down")))) {
                type = GgmlType.Q6_K;
            }
        }
        if (rowLength % type.blockSize() == 0) {
            return type;
        }
        GgmlType fallback = switch (type) {
            case Q4_K -> GgmlType.Q5_0;
            case Q6_K -> GgmlType.Q8_0;
            default -> null;
        };
        if (fallback == null || rowLength % fallback.blockSize() != 0) {
            throw new ConfigurationException("A " + role + " row of " + rowLength + " values is not a whole number of "
                    + type + " blocks of " + type.blockSize() + "; choose dimensions that are multiples of it.");
        }
        return fallback;
    }

    private static boolean useMoreBits(int layer, int layerCount) {
        return layer < layerCount / 8 || layer >= 7 * layerCount / 8 || (layer - layerCount / 8) % 3 == 2;
    }

    /** {@code general.file_type}: llama.cpp's {@code llama_ftype} of the file as a whole. */
    long fileType() {
        if (q4KMedium) {
            return 15; // MOSTLY_Q4_K_M
        }
        return switch (base) {
            case F32 -> 0;
            case F16 -> 1;
            case Q4_0 -> 2;
            case Q4_1 -> 3;
            case Q8_0 -> 7;
            case Q5_0 -> 8;
            case Q5_1 -> 9;
            case Q4_K -> 15; // what llama-quantize --pure Q4_K_M writes
            case Q6_K -> 18;
            case BF16 -> 32;
            default -> throw new AssertionError("checked by the constructor: " + base);
        };
    }

    @Override
    public String toString() {
        return q4KMedium ? "Q4_K_M" : base.name();
    }
}
