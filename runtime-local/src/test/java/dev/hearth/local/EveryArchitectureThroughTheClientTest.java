package dev.hearth.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.api.ChatResponse;
import dev.hearth.api.InferenceClient;
import dev.hearth.local.testing.SharedModels;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every supported architecture runs behind the public client, not only in the model-level parity test: greedy
 * decoding of prompt p1 through {@code Gguf.model(...)} streams the NumPy reference's greedy tokens (the parity
 * models carry the stories260K tokenizer, and a single user message is rendered as its plain text, so the prompt ids
 * are the reference's). 32 tokens plus the prompt run past both Gemma sliding windows.
 */
class EveryArchitectureThroughTheClientTest {

    @ParameterizedTest
    @ValueSource(strings = {"llama-F32", "qwen2-F32", "qwen3-F32", "phi3-F32", "gemma2-F32", "gemma3-F32",
            "qwen2-Q8_0", "qwen3-Q8_0", "phi3-Q8_0", "gemma2-Q8_0", "gemma3-Q8_0"})
    void greedyDecodingThroughTheClientFollowsTheReference(String model) throws IOException {
        JsonNode reference = new ObjectMapper().readTree(SharedModels.file("parity/reference.json").toFile());
        JsonNode prompt = reference.get("models").get(model).get("prompts").get("p1");
        JsonNode greedy = prompt.get("numpy_greedy");
        JsonNode margins = prompt.get("numpy_greedy_margin");
        int comparable = 0;
        while (comparable < greedy.size()) {
            int token = greedy.get(comparable).asInt();
            if (token == 2) {
                break; // EOS ends the client's answer; the reference kept going
            }
            comparable++;
            if (margins.get(comparable - 1).asDouble() <= 0.01) {
                break; // a near-tie: the reference itself could go either way after it
            }
        }
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < comparable; i++) {
            expected.add(greedy.get(i).asInt());
        }

        List<Integer> streamed = new ArrayList<>();
        try (InferenceClient client = InferenceClient.builder()
                .runtime(Gguf.model(SharedModels.file("parity/models/" + model + ".gguf")).threads(2).contextLength(128))
                .build()) {
            ChatResponse answer = client.chat().user("Once upon a time, there was a little").temperature(0)
                    .maxTokens(comparable).stream(event -> {
                        if (event.tokenId() >= 0) {
                            streamed.add(event.tokenId());
                        }
                    });
            assertThat(answer.usage().promptTokens()).isEqualTo(prompt.get("prompt_ids").size());
        }
        assertThat(streamed).as("%s greedy tokens", model).isEqualTo(expected);
    }
}
