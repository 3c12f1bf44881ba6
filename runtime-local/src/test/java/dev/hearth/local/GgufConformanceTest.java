package dev.hearth.local;

import dev.hearth.api.ChatRequest;
import dev.hearth.api.InferenceClient;
import dev.hearth.api.conformance.RuntimeConformanceSuite;
import dev.hearth.local.testing.SharedModels;

/** The local GGUF engine passes the conformance suite every runtime must pass, on stories260K. */
class GgufConformanceTest extends RuntimeConformanceSuite {

    @Override
    protected InferenceClient newClient() {
        return InferenceClient.builder().runtime(Gguf.model(SharedModels.stories260K()).threads(2)).build();
    }

    @Override
    protected ChatRequest.Builder longAnswerRequest() {
        return ChatRequest.builder().user("Once upon a time, there was a little girl named Lily.");
    }
}
