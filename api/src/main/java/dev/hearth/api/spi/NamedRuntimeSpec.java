package dev.hearth.api.spi;

import java.util.Map;
import java.util.Objects;

/** A runtime chosen by provider name with string settings; providers read the settings they know. */
public record NamedRuntimeSpec(String provider, Map<String, String> settings) implements RuntimeSpec {
    public NamedRuntimeSpec {
        Objects.requireNonNull(provider, "provider");
        settings = Map.copyOf(settings);
    }
}
