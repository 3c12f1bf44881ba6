package dev.hearth.remote.server;

import dev.hearth.api.ChatRequest;
import dev.hearth.api.ChatResponse;
import dev.hearth.api.FinishReason;
import dev.hearth.api.Role;
import dev.hearth.api.Route;
import dev.hearth.api.Timings;
import dev.hearth.api.TokenEvent;
import dev.hearth.api.ToolCall;
import dev.hearth.api.Usage;
import dev.hearth.api.spi.CancellationSignal;
import dev.hearth.api.spi.InferenceRuntime;
import dev.hearth.api.spi.Locality;
import dev.hearth.api.spi.RuntimeInfo;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * A runtime that behaves like a tool-using chat model (stories260K has no chat template and cannot be offered tools):
 * offered tools, it calls {@code get_weather} for Paris; given that call's result, it answers in text. It remembers
 * the last request it received, so tests can check how each API's request was mapped, and reports 4 of its 10
 * prompt tokens as cached.
 */
final class ToolCallingRuntime implements InferenceRuntime {
    static final String MODEL = "tool-model";
    static final String CALL_ID = "call_weather_1";
    static final String ARGUMENTS = "{\"city\":\"Paris\"}";
    static final List<String> ANSWER = List.of("It", " is", " sunny", ".");
    static final Usage USAGE = new Usage(10, 4, 5);

    private final AtomicReference<ChatRequest> lastRequest = new AtomicReference<>();

    @Override
    public RuntimeInfo info() {
        return new RuntimeInfo("tool-runtime", Locality.IN_PROCESS, List.of(MODEL), 4096);
    }

    ChatRequest lastRequest() {
        return lastRequest.get();
    }

    @Override
    public ChatResponse generate(ChatRequest request, Consumer<TokenEvent> tokens, CancellationSignal cancellation) {
        lastRequest.set(request);
        Route route = new Route("tool-runtime", MODEL, "test");
        boolean answered = request.messages().getLast().role() == Role.TOOL;
        if (!request.tools().isEmpty() && !answered) {
            return new ChatResponse("", List.of(new ToolCall(CALL_ID, "get_weather", ARGUMENTS)), FinishReason.TOOL_CALLS,
                    USAGE, Timings.NONE, route);
        }
        for (int i = 0; i < ANSWER.size(); i++) {
            tokens.accept(new TokenEvent(i, i, ANSWER.get(i)));
        }
        return new ChatResponse(String.join("", ANSWER), List.of(), FinishReason.STOP, USAGE, Timings.NONE, route);
    }

    @Override
    public void close() {
    }
}
