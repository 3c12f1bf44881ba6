package dev.hearth.local.onnx.internal;

import dev.hearth.api.ChatResponse;
import dev.hearth.api.FinishReason;
import dev.hearth.api.GenerationOptions;
import dev.hearth.api.TokenEvent;
import dev.hearth.api.spi.CancellationSignal;
import dev.hearth.local.onnx.Onnx;
import dev.hearth.local.testing.SharedModels;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The two tiny ONNX decoders reproduce the greedy continuations onnxruntime-genai's own tests expect
 * ({@code expected-greedy.txt}): the prompt runs in one pass, then one token per step through the KV cache, in the
 * legacy combined fp32 convention (GPT-2) and the Optimum fp16 one (Llama); also when the prompt goes through in
 * chunks that each extend the cache.
 */
class ReferenceGreedyOutputTest {
    private static final CancellationSignal NEVER = new CancellationSignal() {
        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public void onCancel(Runnable action) {
        }
    };

    private record Case(int[] prompt, int[] expected) {
    }

    @ParameterizedTest(name = "{0}, prompt chunks of {1}")
    @CsvSource({
            "onnx/tiny-random-gpt2-fp32, 256",
            "onnx/tiny-random-gpt2-fp32, 3",
            "onnx/tiny-random-LlamaForCausalLM-fp16, 256",
            "onnx/tiny-random-LlamaForCausalLM-fp16, 3"})
    void greedyContinuationMatchesTheReferenceForBothPrompts(String model, int prefillChunk) throws IOException {
        Path directory = SharedModels.directory(model);
        List<Case> cases = read(directory.resolve("expected-greedy.txt"));
        assertThat(cases).hasSize(2);
        try (OnnxDecoderRuntime runtime = OnnxDecoderRuntime.open(Onnx.model(directory).threads(1), prefillChunk)) {
            assertThat(runtime.kvConvention()).isEqualTo(model.contains("gpt2") ? "LEGACY_COMBINED" : "OPTIMUM_SPLIT");
            for (Case reference : cases) {
                int answerLength = reference.expected().length - reference.prompt().length;
                GenerationOptions greedy = GenerationOptions.builder().temperature(0).maxTokens(answerLength).build();
                List<TokenEvent> events = new ArrayList<>();
                ChatResponse response = runtime.generateFromTokens(reference.prompt(), greedy, events::add, NEVER);

                int[] generated = events.stream().filter(event -> event.tokenId() >= 0).mapToInt(TokenEvent::tokenId).toArray();
                int[] full = new int[reference.prompt().length + generated.length];
                System.arraycopy(reference.prompt(), 0, full, 0, reference.prompt().length);
                System.arraycopy(generated, 0, full, reference.prompt().length, generated.length);
                assertThat(full).as("prompt %s", Arrays.toString(reference.prompt())).containsExactly(reference.expected());
                assertThat(response.finishReason()).isEqualTo(FinishReason.LENGTH);
                assertThat(response.usage().promptTokens()).isEqualTo(reference.prompt().length);
                assertThat(response.usage().completionTokens()).isEqualTo(answerLength);
                assertThat(response.timings().decodeTokens()).isEqualTo(answerLength - 1);
            }
        }
    }

    /** Lines "p0 p1 ... | e0 e1 ..." after '#' comments. */
    private static List<Case> read(Path file) throws IOException {
        List<Case> cases = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] halves = line.split("\\|");
            cases.add(new Case(ids(halves[0]), ids(halves[1])));
        }
        return cases;
    }

    private static int[] ids(String text) {
        return Arrays.stream(text.trim().split("\\s+")).mapToInt(Integer::parseInt).toArray();
    }
}
