package dev.hearth.api.spi;

import java.util.List;
import java.util.Objects;

/**
 * What a runtime is: its name as shown in routes and logs, where it sends data, the models it serves (the first is
 * its default) and its context window in tokens (0 when unknown).
 */
public record RuntimeInfo(String name, Locality locality, List<String> models, int contextLength) {
    public RuntimeInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(locality, "locality");
        models = List.copyOf(models);
        if (models.isEmpty()) {
            throw new IllegalArgumentException("a runtime serves at least one model");
        }
    }

    public String defaultModel() {
        return models.getFirst();
    }
}
