package dev.hearth.local.onnx;

import dev.hearth.api.ChatRequest;
import dev.hearth.api.InferenceClient;
import dev.hearth.api.conformance.RuntimeConformanceSuite;
import dev.hearth.local.testing.SharedModels;

/**
 * The ONNX decoder runtime passes the conformance suite every runtime must pass, on the fp16 tiny Llama with its
 * tokenizer.json (random weights: the text is gibberish, but deterministic and long).
 */
class OnnxConformanceTest extends RuntimeConformanceSuite {

    @Override
    protected InferenceClient newClient() {
        return InferenceClient.builder().runtime(Onnx.model(SharedModels.tinyLlamaOnnxFp16()).threads(2)).build();
    }

    @Override
    protected ChatRequest.Builder longAnswerRequest() {
        return ChatRequest.builder().user("Once upon a time, there was a little girl named Lily.");
    }
}
