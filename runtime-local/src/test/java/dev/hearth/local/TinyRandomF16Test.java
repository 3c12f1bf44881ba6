package dev.hearth.local;

import dev.hearth.api.ChatResponse;
import dev.hearth.api.FinishReason;
import dev.hearth.api.InferenceClient;
import dev.hearth.local.testing.SharedModels;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** llama-2-tiny-random: F16 weights and the real 32000-token Llama 2 vocabulary; it talks gibberish, but must run. */
class TinyRandomF16Test {

    @Test
    void loadsAndGeneratesWithTheLlama2Vocabulary() {
        try (InferenceClient client = InferenceClient.builder()
                .runtime(Gguf.model(SharedModels.file("gguf/llama-2-tiny-random.gguf")).threads(2).contextLength(256))
                .build()) {
            assertThat(client.runtimes().getFirst().contextLength()).isEqualTo(256);
            ChatResponse answer = client.chat().user("Hello world").temperature(0).maxTokens(24).call();
            // "Hello world" is 15043 3186 after BOS in the Llama 2 vocabulary
            assertThat(answer.usage().promptTokens()).isEqualTo(3);
            assertThat(answer.finishReason()).isIn(FinishReason.LENGTH, FinishReason.STOP);
            assertThat(answer.usage().completionTokens()).isPositive().isLessThanOrEqualTo(24);
            ChatResponse again = client.chat().user("Hello world").temperature(0).maxTokens(24).call();
            assertThat(again.text()).isEqualTo(answer.text());
        }
    }
}
