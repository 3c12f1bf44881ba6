package dev.hearth.local.onnx;

import dev.hearth.api.ConfigurationException;
import dev.hearth.api.spi.InferenceRuntime;
import dev.hearth.api.spi.NamedRuntimeSpec;
import dev.hearth.api.spi.RuntimeProvider;
import dev.hearth.api.spi.RuntimeSpec;
import dev.hearth.local.onnx.internal.OnnxDecoderRuntime;
import dev.hearth.local.onnx.internal.OnnxEmbeddingRuntime;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * Opens ONNX models for {@code InferenceClient}; found through {@link java.util.ServiceLoader} under the name
 * {@value OnnxModelSpec#PROVIDER}. Accepts an {@link OnnxModelSpec}, an {@link OnnxEmbeddingSpec}, or named settings:
 * <ul>
 *   <li>{@code task}: {@code generate} (the default) or {@code embed};</li>
 *   <li>{@code model}: the model directory or {@code .onnx} file (required), or {@value OnnxEmbeddingSpec#ALL_MINILM_L6_V2}
 *       for the built-in embedding model;</li>
 *   <li>{@code tokenizer}: the {@code tokenizer.json} of an embedding model (required with a model file);</li>
 *   <li>{@code threads}; {@code contextLength} (generate); {@code batchSize}, {@code maxTokens}, {@code normalize} (embed).</li>
 * </ul>
 */
public final class OnnxRuntimeProvider implements RuntimeProvider {
    private static final Set<String> GENERATE_SETTINGS = Set.of("task", "model", "threads", "contextLength");
    private static final Set<String> EMBED_SETTINGS = Set.of("task", "model", "tokenizer", "threads", "batchSize", "maxTokens", "normalize");

    @Override
    public String name() {
        return OnnxModelSpec.PROVIDER;
    }

    @Override
    public InferenceRuntime open(RuntimeSpec spec) {
        return switch (spec) {
            case OnnxModelSpec decoder -> OnnxDecoderRuntime.open(decoder);
            case OnnxEmbeddingSpec embedding -> OnnxEmbeddingRuntime.open(embedding);
            case NamedRuntimeSpec named -> openNamed(named.settings());
            default -> throw new ConfigurationException("The onnx provider cannot open a " + spec.getClass().getName()
                    + "; use Onnx.model(path), Onnx.allMiniLmL6V2() or RuntimeSpec.of(\"onnx\", Map.of(\"model\", path))");
        };
    }

    private static InferenceRuntime openNamed(Map<String, String> settings) {
        String task = settings.getOrDefault("task", "generate").trim();
        return switch (task) {
            case "generate" -> OnnxDecoderRuntime.open(decoderFrom(settings));
            case "embed" -> OnnxEmbeddingRuntime.open(embeddingFrom(settings));
            default -> throw new ConfigurationException("onnx setting 'task' must be 'generate' or 'embed', was '" + task + "'");
        };
    }

    private static OnnxModelSpec decoderFrom(Map<String, String> settings) {
        requireKnown(settings, GENERATE_SETTINGS);
        OnnxModelSpec spec = Onnx.model(Path.of(required(settings, "model")));
        if (settings.containsKey("threads")) {
            spec.threads(parse(settings, "threads"));
        }
        if (settings.containsKey("contextLength")) {
            spec.contextLength(parse(settings, "contextLength"));
        }
        return spec;
    }

    private static OnnxEmbeddingSpec embeddingFrom(Map<String, String> settings) {
        requireKnown(settings, EMBED_SETTINGS);
        String model = required(settings, "model");
        OnnxEmbeddingSpec spec;
        if (model.equals(OnnxEmbeddingSpec.ALL_MINILM_L6_V2)) {
            spec = Onnx.allMiniLmL6V2();
        } else {
            spec = Onnx.embeddingModel(Path.of(model), Path.of(required(settings, "tokenizer")));
        }
        if (settings.containsKey("threads")) {
            spec.threads(parse(settings, "threads"));
        }
        if (settings.containsKey("batchSize")) {
            spec.batchSize(parse(settings, "batchSize"));
        }
        if (settings.containsKey("maxTokens")) {
            spec.maxTokens(parse(settings, "maxTokens"));
        }
        if (settings.containsKey("normalize")) {
            String value = settings.get("normalize").trim();
            if (!value.equals("true") && !value.equals("false")) {
                throw new ConfigurationException("onnx setting 'normalize' must be true or false, was '" + value + "'");
            }
            spec.normalize(Boolean.parseBoolean(value));
        }
        return spec;
    }

    private static void requireKnown(Map<String, String> settings, Set<String> known) {
        for (String key : settings.keySet()) {
            if (!known.contains(key)) {
                throw new ConfigurationException("Unknown onnx setting '" + key + "' for this task; known settings: " + known);
            }
        }
    }

    private static String required(Map<String, String> settings, String key) {
        String value = settings.get(key);
        if (value == null || value.isBlank()) {
            throw new ConfigurationException("The onnx runtime needs a '" + key + "' setting");
        }
        return value.trim();
    }

    private static int parse(Map<String, String> settings, String key) {
        try {
            return Integer.parseInt(settings.get(key).trim());
        } catch (NumberFormatException e) {
            throw new ConfigurationException("onnx setting '" + key + "' must be an integer, was '" + settings.get(key) + "'");
        }
    }
}
