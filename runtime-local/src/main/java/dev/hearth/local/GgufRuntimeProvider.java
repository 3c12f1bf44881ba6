package dev.hearth.local;

import dev.hearth.api.ConfigurationException;
import dev.hearth.api.spi.InferenceRuntime;
import dev.hearth.api.spi.NamedRuntimeSpec;
import dev.hearth.api.spi.RuntimeProvider;
import dev.hearth.api.spi.RuntimeSpec;
import dev.hearth.kvcache.PrefixCache;
import dev.hearth.local.internal.engine.LocalGgufRuntime;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * Opens local GGUF models for {@code InferenceClient}; found through {@link java.util.ServiceLoader} under the name
 * {@value GgufModelSpec#PROVIDER}. Accepts a {@link GgufModelSpec} or named settings {@code model} (path, required),
 * {@code threads}, {@code contextLength}, and for a prefix cache {@code prefixCacheBytes} (turns it on),
 * {@code prefixCacheDirectory} (its disk tier) and {@code prefixCacheBlockSize}, and {@code chatTemplate} (a template
 * shipped with Hearth by name, such as {@code chatml}, or the path of a Jinja file).
 */
public final class GgufRuntimeProvider implements RuntimeProvider {
    private static final Set<String> SETTINGS = Set.of("model", "threads", "contextLength", "prefixCacheBytes",
            "prefixCacheDirectory", "prefixCacheBlockSize", "chatTemplate");

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
        return LocalGgufRuntime.open(model.path(), model.contextLength(), model.threads(), model.prefixCache(),
                model.chatTemplate());
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
        if (settings.containsKey("chatTemplate")) {
            String template = settings.get("chatTemplate").trim();
            Path file = Path.of(template);
            if (java.nio.file.Files.isRegularFile(file)) {
                spec.chatTemplate(file);
            } else {
                spec.chatTemplate(template);
            }
        }
        if (settings.containsKey("prefixCacheBytes")) {
            PrefixCache cache = PrefixCache.inMemory(parseLong(settings, "prefixCacheBytes"));
            if (settings.containsKey("prefixCacheDirectory")) {
                cache.spillTo(Path.of(settings.get("prefixCacheDirectory").trim()));
            }
            if (settings.containsKey("prefixCacheBlockSize")) {
                cache.blockSize(parse(settings, "prefixCacheBlockSize"));
            }
            spec.prefixCache(cache);
        } else if (settings.containsKey("prefixCacheDirectory") || settings.containsKey("prefixCacheBlockSize")) {
            throw new ConfigurationException("gguf settings prefixCacheDirectory and prefixCacheBlockSize need prefixCacheBytes"
                    + " (the memory budget that turns the prefix cache on)");
        }
        return spec;
    }

    private static long parseLong(Map<String, String> settings, String key) {
        try {
            return Long.parseLong(settings.get(key).trim());
        } catch (NumberFormatException e) {
            throw new ConfigurationException("gguf setting '" + key + "' must be an integer, was '" + settings.get(key) + "'");
        }
    }

    private static int parse(Map<String, String> settings, String key) {
        try {
            return Integer.parseInt(settings.get(key).trim());
        } catch (NumberFormatException e) {
            throw new ConfigurationException("gguf setting '" + key + "' must be an integer, was '" + settings.get(key) + "'");
        }
    }
}
