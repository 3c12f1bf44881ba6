package dev.hearth.local;

import dev.hearth.local.internal.template.NamedTemplates;
import dev.hearth.api.ConfigurationException;
import dev.hearth.api.spi.RuntimeSpec;
import dev.hearth.kvcache.PrefixCache;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * How to open a local GGUF model: its path, the worker threads and the context length. Setters reject bad values at
 * once, naming them.
 */
public final class GgufModelSpec implements RuntimeSpec {
    public static final String PROVIDER = "gguf";

    private final Path path;
    private int threads = Runtime.getRuntime().availableProcessors();
    private int contextLength;
    private PrefixCache prefixCache;
    private String chatTemplate;
    private String chatTemplateOrigin;

    GgufModelSpec(Path path) {
        this.path = Objects.requireNonNull(path, "path");
    }

    /** Threads for matrix products and attention, the calling thread included; defaults to the available processors. */
    public GgufModelSpec threads(int threads) {
        if (threads < 1 || threads > 1024) {
            throw new ConfigurationException("threads must be between 1 and 1024, was " + threads);
        }
        this.threads = threads;
        return this;
    }

    /** Tokens of context (prompt plus answer); defaults to what the model was trained for. */
    public GgufModelSpec contextLength(int contextLength) {
        if (contextLength < 1) {
            throw new ConfigurationException("contextLength must be at least 1, was " + contextLength);
        }
        this.contextLength = contextLength;
        return this;
    }

    /**
     * Caches the keys and values of prompt prefixes so that prompts starting like earlier ones (an agent's system
     * prompt, tools and history) compute only their new tokens; off by default.
     */
    public GgufModelSpec prefixCache(PrefixCache prefixCache) {
        this.prefixCache = Objects.requireNonNull(prefixCache, "prefixCache");
        return this;
    }

    /**
     * Renders prompts with a chat template shipped with Hearth instead of the model's own ({@code "chatml"}: ChatML
     * turns, tools in the Hermes {@code <tool_call>} format), so a model without a template, such as stories260K,
     * can be offered tools and schemas.
     *
     * @throws ConfigurationException naming the known templates for an unknown name
     */
    public GgufModelSpec chatTemplate(String name) {
        this.chatTemplate = NamedTemplates.named(name);
        this.chatTemplateOrigin = "\"" + name + "\"";
        return this;
    }

    /** Renders prompts with the Jinja chat template in {@code file} instead of the model's own. */
    public GgufModelSpec chatTemplate(Path file) {
        this.chatTemplate = NamedTemplates.fromFile(file);
        this.chatTemplateOrigin = "Path.of(\"" + file + "\")";
        return this;
    }

    /** The Jinja source that replaces the model's own chat template, if one was given. */
    public Optional<String> chatTemplate() {
        return Optional.ofNullable(chatTemplate);
    }

    public Optional<PrefixCache> prefixCache() {
        return Optional.ofNullable(prefixCache);
    }

    public Path path() {
        return path;
    }

    public int threads() {
        return threads;
    }

    /** The configured context length, or 0 for the model's own. */
    public int contextLength() {
        return contextLength;
    }

    @Override
    public String provider() {
        return PROVIDER;
    }

    @Override
    public String toString() {
        return "Gguf.model(" + path + ").threads(" + threads + ")" + (contextLength > 0 ? ".contextLength(" + contextLength + ")" : "")
                + (prefixCache != null ? ".prefixCache(" + prefixCache + ")" : "")
                + (chatTemplateOrigin != null ? ".chatTemplate(" + chatTemplateOrigin + ")" : "");
    }
}
