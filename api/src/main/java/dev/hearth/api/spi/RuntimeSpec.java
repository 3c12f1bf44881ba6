package dev.hearth.api.spi;

import java.util.Map;

/**
 * What the client should open: the name of the {@link RuntimeProvider} that opens it, plus that provider's settings.
 * Runtimes offer typed specs with fluent setters (for example {@code Gguf.model(path).threads(2)}); configuration files
 * use {@link #of(String, Map)} with string settings.
 */
public interface RuntimeSpec {

    /** The {@link RuntimeProvider#name()} that can open this spec. */
    String provider();

    /** A spec from plain settings, for configuration files and command lines. */
    static RuntimeSpec of(String provider, Map<String, String> settings) {
        return new NamedRuntimeSpec(provider, settings);
    }
}
