package dev.hearth.remote.providers;

import dev.hearth.local.Gguf;
import dev.hearth.local.GgufModelSpec;

import java.nio.file.Files;
import java.nio.file.Path;

/** The real local runtime of the router tests: stories260K from the shared models (a missing file fails the test). */
final class LocalModel {
    static final String RUNTIME = "local-gguf";

    private LocalModel() {
    }

    static GgufModelSpec stories(int contextLength) {
        String shared = System.getProperty("hearth.shared.models");
        if (shared == null) {
            throw new AssertionError("hearth.shared.models is not set (surefire sets it): cannot find stories260K.gguf");
        }
        Path model = Path.of(shared, "gguf", "stories260K.gguf");
        if (!Files.isRegularFile(model)) {
            throw new AssertionError("Missing test model " + model + ": lay shared/ beside the checkout");
        }
        return Gguf.model(model).threads(1).contextLength(contextLength);
    }
}
