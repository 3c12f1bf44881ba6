package dev.hearth.local.internal.gguf;

import dev.hearth.api.spi.ModelFile;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** Describes an open GGUF file the way model listings show it: size, scalar metadata, weights and quantization. */
public final class GgufDescription {
    private GgufDescription() {
    }

    public static ModelFile describe(GgufFile file) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        for (MetadataEntry entry : file.metadata().entries().values()) {
            if (!(entry.value() instanceof MetadataArray)) {
                metadata.put(entry.key(), entry.value());
            }
        }
        long parameters = 0;
        Map<GgmlType, Long> elementsByType = new EnumMap<>(GgmlType.class);
        for (GgufTensorInfo tensor : file.tensors()) {
            parameters += tensor.elementCount();
            if (tensor.rank() >= 2) {
                elementsByType.merge(tensor.type(), tensor.elementCount(), Long::sum);
            }
        }
        String quantization = file.metadata().optionalLong("general.file_type").map(GgufDescription::fileTypeName)
                .orElse(null);
        if (quantization == null) {
            // no (known) file type: name the type holding most of the matrix weights
            quantization = elementsByType.entrySet().stream().max(Map.Entry.comparingByValue())
                    .map(entry -> entry.getKey().name()).orElse("unknown");
        }
        return new ModelFile(file.path(), file.fileSize(), "gguf", metadata, parameters, quantization);
    }

    /** llama.cpp's {@code llama_ftype} names, as Ollama reports them; null for a value this table does not know. */
    static String fileTypeName(long fileType) {
        return switch ((int) fileType) {
            case 0 -> "F32";
            case 1 -> "F16";
            case 2 -> "Q4_0";
            case 3 -> "Q4_1";
            case 7 -> "Q8_0";
            case 8 -> "Q5_0";
            case 9 -> "Q5_1";
            case 10 -> "Q2_K";
            case 11 -> "Q3_K_S";
            case 12 -> "Q3_K_M";
            case 13 -> "Q3_K_L";
            case 14 -> "Q4_K_S";
            case 15 -> "Q4_K_M";
            case 16 -> "Q5_K_S";
            case 17 -> "Q5_K_M";
            case 18 -> "Q6_K";
            case 19 -> "IQ2_XXS";
            case 20 -> "IQ2_XS";
            case 21 -> "Q2_K_S";
            case 22 -> "IQ3_XS";
            case 23 -> "IQ3_XXS";
            case 24 -> "IQ1_S";
            case 25 -> "IQ4_NL";
            case 26 -> "IQ3_S";
            case 27 -> "IQ3_M";
            case 28 -> "IQ2_S";
            case 29 -> "IQ2_M";
            case 30 -> "IQ4_XS";
            case 31 -> "IQ1_M";
            case 32 -> "BF16";
            case 36 -> "TQ1_0";
            case 37 -> "TQ2_0";
            case 38 -> "MXFP4";
            default -> null;
        };
    }
}
