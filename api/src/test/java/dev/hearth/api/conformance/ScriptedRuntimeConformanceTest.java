package dev.hearth.api.conformance;

import dev.hearth.api.ChatRequest;
import dev.hearth.api.InferenceClient;
import dev.hearth.api.testing.ScriptedRuntime;

import java.util.List;
import java.util.stream.IntStream;

/** The scripted test runtime, opened through ServiceLoader, passes the conformance suite. */
class ScriptedRuntimeConformanceTest extends RuntimeConformanceSuite {

    private static final List<String> STORY = IntStream.range(0, LONG_ANSWER_TOKENS + 8)
            .mapToObj(i -> List.of("Once", " upon", " a", " time", ",", " a", " small", " fox", " found", " a", " key", ".")
                    .get(i % 12))
            .toList();

    @Override
    protected InferenceClient newClient() {
        return InferenceClient.builder().runtime(ScriptedRuntime.builder().name("scripted-conformance").tokens(STORY)).build();
    }

    @Override
    protected ChatRequest.Builder longAnswerRequest() {
        return ChatRequest.builder().system("You tell stories.").user("Tell me a story.");
    }
}
