package dev.hearth.remote.server;

import dev.hearth.api.InferenceClient;
import dev.hearth.api.spi.RuntimeInfo;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The models the client's runtimes serve, and how a name in a request maps onto one of them. */
final class ModelCatalog {
    private static final String OLLAMA_DEFAULT_TAG = ":latest";

    private final InferenceClient client;

    ModelCatalog(InferenceClient client) {
        this.client = client;
    }

    /** The client the models belong to, for endpoints that call it directly (embeddings). */
    InferenceClient client() {
        return client;
    }

    /** Every model name, each once, the client's default first. */
    List<String> models() {
        Set<String> names = new LinkedHashSet<>();
        for (RuntimeInfo runtime : client.runtimes()) {
            names.addAll(runtime.models());
        }
        return new ArrayList<>(names);
    }

    /** The runtime that serves {@code model}, or null. */
    RuntimeInfo runtimeOf(String model) {
        for (RuntimeInfo runtime : client.runtimes()) {
            if (runtime.models().contains(model)) {
                return runtime;
            }
        }
        return null;
    }

    /**
     * The served model a request names: the default when it names none, the name itself when served, and Ollama's
     * {@code name:latest} spelling of a served name.
     *
     * @throws ApiError a 404 naming the available models otherwise
     */
    String resolve(String requested) {
        List<String> models = models();
        if (requested == null || requested.isBlank()) {
            return models.getFirst();
        }
        if (models.contains(requested)) {
            return requested;
        }
        if (requested.endsWith(OLLAMA_DEFAULT_TAG)) {
            String base = requested.substring(0, requested.length() - OLLAMA_DEFAULT_TAG.length());
            if (models.contains(base)) {
                return base;
            }
        }
        throw ApiError.modelNotFound(requested, models);
    }
}
