package dev.hearth.local.internal.model;

import dev.hearth.local.internal.threads.WorkerPool;
import dev.hearth.local.testing.SharedModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tier-A parity (rule in {@link TierAParity}) for every model in shared/models/parity: llama in every block format
 * and qwen2, qwen3, phi3, gemma2, gemma3 in F32, Q8_0 and Q4_K_M, each on both prompts. One forward pass serves them
 * all, so this is what proves each architecture's features (RoPE style, biases, q/k norms, fused projections,
 * soft-caps, post-norms, GeGLU, sliding windows) are read and applied as the reference defines them.
 */
class ArchitectureParityTest {
    private static WorkerPool pool;

    @BeforeAll
    static void startPool() {
        pool = new WorkerPool(2, "parity");
    }

    @AfterAll
    static void close() {
        pool.close();
    }

    static Stream<Arguments> everyModelAndPrompt() {
        return TierAParity.modelNames().stream()
                .flatMap(model -> TierAParity.promptKeys(model).stream().map(prompt -> Arguments.of(model, prompt)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyModelAndPrompt")
    void float32PathMeetsTierA(String modelName, String promptKey) throws IOException {
        TierAParity.assertTierA(modelName, promptKey, pool);
    }

    @Test
    void everyParityModelFileIsCoveredWithBothPrompts() throws IOException {
        Path models = SharedModels.file("parity/reference.json").resolveSibling("models");
        List<String> files;
        try (Stream<Path> listing = Files.list(models)) {
            files = listing.map(path -> path.getFileName().toString()).filter(name -> name.endsWith(".gguf")).sorted().toList();
        }
        List<String> referenced = TierAParity.modelNames().stream().map(name -> TierAParity.fileName(name).replace("models/", ""))
                .sorted().toList();
        assertThat(referenced).containsExactlyElementsOf(files).hasSize(29);
        assertThat(TierAParity.modelNames()).allSatisfy(model -> assertThat(TierAParity.promptKeys(model)).containsExactly("p1", "p2"));
    }
}
