package dev.hearth.local;

import dev.hearth.api.ConfigurationException;
import dev.hearth.api.spi.InferenceRuntime;
import dev.hearth.api.spi.NamedRuntimeSpec;
import dev.hearth.api.spi.RuntimeProvider;
import dev.hearth.api.spi.RuntimeSpec;
import dev.hearth.local.internal.engine.LocalGgufRuntime;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * Opens local GGUF models for {@code InferenceClient}; found through {@link java.util.ServiceLoader} under the name
 * {@value GgufModelSpec#PROVIDER}. Accepts a {@link GgufModelSpec} or named settings {@code model} (path, required),
 * {@code threads} and {@code contextLength}.
 */
public final class GgufRuntimeProvider implements RuntimeProvider {
    private static final Set<String> SETTINGS = Set.of("model", "threads", "contextLength");

    @Override
    public String name() {
        return GgufModelSpec.PROVIDER;
    }

    @Override
    public InferenceRuntime open(RuntimeSpec spec) {
        GgufModelSpec model = switch (spec) {
            case GgufModelSpec typed -> typed;
            case NamedRuntimeSpec named -> fromSettings(named.settings());
            default -> throw new ConfigurationException("The gguf provider cannot open a " + spec.getClass().getName()
                    + "; use Gguf.model(path) or RuntimeSpec.of(\"gguf\", Map.of(\"model\", path))");
        };
        return LocalGgufRuntime.open(model.path(), model.contextLength(), model.threads(), model.prefixCache());
    }

    private static GgufModelSpec fromSettings(Map<String, String> settings) {
        for (String key : settings.keySet()) {
            if (!SETTINGS.contains(key)) {
                throw new ConfigurationException("Unknown gguf setting '" + key + "'; known settings: " + SETTINGS);
            }
        }
        String path = settings.get("model");
        if (path == null || path.isBlank()) {
            throw new ConfigurationException("The gguf runtime needs a 'model' setting with the path of a .gguf file");
        }
        GgufModelSpec spec = Gguf.model(Path.of(path));
        if (settings.containsKey("threads")) {
            spec.threads(parse(settings, "threads"));
        }
        if (settings.containsKey("contextLength")) {
            spec.contextLength(parse(settings, "contextLength"));
        }
        return spec;
    }

    private static int parse(Map<String, String> settings, String key) {
        try {
            return Integer.parseInt(settings.get(key).trim());
        } catch (NumberFormatException e) {
            throw new ConfigurationException("gguf setting '" + key + "' must be an integer, was '" + settings.get(key) + "'");
        }
    }
}
