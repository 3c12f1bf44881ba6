package dev.hearth.local.stage;

import dev.hearth.api.spi.InferenceRuntime;
import dev.hearth.api.spi.Locality;
import dev.hearth.local.internal.engine.LocalGgufRuntime;

import java.nio.file.Path;

/** The chat runtime of a GGUF model whose layers run in a {@link StagePipeline}, here or on other machines. */
public final class GgufChat {
    private GgufChat() {
    }

    /**
     * A runtime that reads the tokenizer and chat template of {@code model}, renders and tokenizes requests, samples
     * and streams in this process, and runs the layers in {@code pipeline} (which it owns and closes).
     *
     * @param runtimeName the name in {@code RuntimeInfo} and in each answer's route
     */
    public static InferenceRuntime open(Path model, StagePipeline pipeline, String runtimeName, Locality locality) {
        return LocalGgufRuntime.over(model, pipeline, runtimeName, locality);
    }
}
