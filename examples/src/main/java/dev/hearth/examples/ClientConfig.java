package dev.hearth.examples;

import dev.hearth.api.ConfigurationException;
import dev.hearth.api.InferenceClient;
import dev.hearth.api.Routing;
import dev.hearth.api.spi.RuntimeSpec;
import dev.hearth.local.Gguf;
import dev.hearth.local.GgufModelSpec;
import dev.hearth.kvcache.PrefixCache;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * A whole client described in one properties file, so that {@code hearth run}, {@code hearth agent} and
 * {@code hearth serve} share the same runtimes and routing rules:
 *
 * <pre>
 * runtime.1.provider = gguf                     # any RuntimeProvider name: gguf, onnx, openai, anthropic, ollama, ...
 * runtime.1.model = models/qwen2.5-0.5b-instruct-q8_0.gguf
 * runtime.1.threads = 2
 * runtime.2.provider = openai
 * runtime.2.model = gpt-4.1-mini
 * runtime.2.apiKeyEnv = OPENAI_API_KEY
 * routing.policy = local-first                  # every routing.* key of Routing.fromProperties
 * routing.fallbackOn = UNAVAILABLE, TOO_SLOW
 * </pre>
 *
 * Runtimes are added in the order of their ids (numbers numerically, names alphabetically); each one's settings are
 * handed to its provider as a {@link RuntimeSpec#of named spec}, which rejects settings it does not know.
 */
final class ClientConfig {
    private ClientConfig() {
    }

    /**
     * The client a command line asks for: the configuration file when one is given (then --model, --threads and
     * --context must not be), otherwise the GGUF model (the default one when none is named) with an in-memory prefix
     * cache of {@code prefixCacheMib} MiB (0: none), so a multi-turn session pays only for its new tokens.
     */
    static InferenceClient.Builder forCommandLine(Path config, Path model, Integer threads, Integer context,
                                                  int prefixCacheMib) {
        return forCommandLine(config, model, threads, context, prefixCacheMib, null);
    }

    /**
     * {@link #forCommandLine(Path, Path, Integer, Integer, int)} with the GGUF model's prompts rendered by
     * {@code chatTemplate} (null: the model's own): a template shipped with Hearth by name ({@code chatml}) or a
     * Jinja file.
     */
    static InferenceClient.Builder forCommandLine(Path config, Path model, Integer threads, Integer context,
                                                  int prefixCacheMib, String chatTemplate) {
        if (config != null) {
            if (model != null || threads != null || context != null || chatTemplate != null) {
                throw new ConfigurationException("--config describes the runtimes itself: drop --model, --threads, --context"
                        + " and --chat-template, or set them in " + config);
            }
            return builder(config);
        }
        GgufModelSpec gguf = Gguf.model(model != null ? model : DefaultModel.resolve());
        if (threads != null) {
            gguf.threads(threads);
        }
        if (context != null) {
            gguf.contextLength(context);
        }
        if (chatTemplate != null) {
            Path file = Path.of(chatTemplate);
            if (Files.isRegularFile(file)) {
                gguf.chatTemplate(file);
            } else {
                gguf.chatTemplate(chatTemplate);
            }
        }
        if (prefixCacheMib > 0) {
            gguf.prefixCache(PrefixCache.inMemory((long) prefixCacheMib << 20));
        }
        return InferenceClient.builder().runtime(gguf);
    }

    static InferenceClient.Builder builder(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new ConfigurationException("Cannot read the configuration file " + file + ": " + e.getMessage(), e);
        }
        Map<String, Map<String, String>> runtimes = new TreeMap<>(RUNTIME_ORDER);
        for (String key : properties.stringPropertyNames()) {
            String value = properties.getProperty(key).strip();
            if (key.startsWith("routing.")) {
                continue;
            }
            String[] parts = key.split("\\.", 3);
            if (parts.length != 3 || !parts[0].equals("runtime") || parts[1].isBlank() || parts[2].isBlank()) {
                throw new ConfigurationException("Unknown key '" + key + "' in " + file
                        + ": use runtime.<id>.<setting> or routing.<rule>");
            }
            runtimes.computeIfAbsent(parts[1], id -> new LinkedHashMap<>()).put(parts[2], value);
        }
        if (runtimes.isEmpty()) {
            throw new ConfigurationException(file + " configures no runtime: add runtime.1.provider = gguf and runtime.1.model = <file>");
        }
        InferenceClient.Builder builder = InferenceClient.builder();
        runtimes.forEach((id, settings) -> {
            String provider = settings.remove("provider");
            if (provider == null || provider.isBlank()) {
                throw new ConfigurationException("runtime." + id + ".provider is missing in " + file);
            }
            builder.runtime(RuntimeSpec.of(provider, settings));
        });
        return builder.routing(Routing.fromProperties(properties));
    }

    private static final Comparator<String> RUNTIME_ORDER = (a, b) -> {
        boolean aNumber = a.chars().allMatch(Character::isDigit);
        boolean bNumber = b.chars().allMatch(Character::isDigit);
        if (aNumber && bNumber) {
            return new java.math.BigInteger(a).compareTo(new java.math.BigInteger(b));
        }
        return aNumber ? -1 : bNumber ? 1 : a.compareTo(b);
    };
}
