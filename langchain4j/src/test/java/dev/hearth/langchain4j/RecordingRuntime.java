package dev.hearth.langchain4j;

import dev.hearth.api.ChatRequest;
import dev.hearth.api.ChatResponse;
import dev.hearth.api.TokenEvent;
import dev.hearth.api.spi.CancellationSignal;
import dev.hearth.api.spi.InferenceRuntime;
import dev.hearth.api.spi.Locality;
import dev.hearth.api.spi.RuntimeInfo;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.Consumer;

/** A runtime for mapping tests: records every request it is sent and answers with what the test scripted. */
final class RecordingRuntime implements InferenceRuntime {
    final List<ChatRequest> requests = new CopyOnWriteArrayList<>();
    private final Function<ChatRequest, ChatResponse> answer;

    RecordingRuntime(Function<ChatRequest, ChatResponse> answer) {
        this.answer = answer;
    }

    @Override
    public RuntimeInfo info() {
        return new RuntimeInfo("recording", Locality.IN_PROCESS, List.of("recorded-model"), 0);
    }

    @Override
    public ChatResponse generate(ChatRequest request, Consumer<TokenEvent> tokens, CancellationSignal cancellation) {
        requests.add(request);
        return answer.apply(request);
    }

    ChatRequest last() {
        return requests.getLast();
    }

    @Override
    public void close() {
    }
}
