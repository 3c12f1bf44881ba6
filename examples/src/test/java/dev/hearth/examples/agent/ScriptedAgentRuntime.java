package dev.hearth.examples.agent;

import dev.hearth.api.ChatRequest;
import dev.hearth.api.ChatResponse;
import dev.hearth.api.FinishReason;
import dev.hearth.api.Route;
import dev.hearth.api.Timings;
import dev.hearth.api.TokenEvent;
import dev.hearth.api.ToolCall;
import dev.hearth.api.ToolCallError;
import dev.hearth.api.Usage;
import dev.hearth.api.spi.CancellationSignal;
import dev.hearth.api.spi.InferenceRuntime;
import dev.hearth.api.spi.Locality;
import dev.hearth.api.spi.RuntimeInfo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A runtime for agent-loop tests that answers from a script, one answer per request: text, tool calls, malformed
 * calls, or "block until cancelled". It records every request it received, so tests can check what the loop sent
 * (messages, tool choice, sensitivity). Usage counts one prompt token per message.
 */
final class ScriptedAgentRuntime implements InferenceRuntime {
    /** One scripted answer. */
    sealed interface Answer permits Text, Calls, Malformed, BlockUntilCancelled {
    }

    record Text(String text) implements Answer {
    }

    record Calls(List<ToolCall> calls) implements Answer {
    }

    record Malformed(String raw, String problem) implements Answer {
    }

    /** Signals {@code started}, then waits for the cancellation signal and answers CANCELLED. */
    record BlockUntilCancelled(CountDownLatch started) implements Answer {
    }

    private final RuntimeInfo info;
    private final List<Answer> script;
    private final Answer whenExhausted;
    final List<ChatRequest> requests = Collections.synchronizedList(new ArrayList<>());

    ScriptedAgentRuntime(String name, Locality locality, List<Answer> script, Answer whenExhausted) {
        this.info = new RuntimeInfo(name, locality, List.of("scripted"), 0);
        this.script = new ArrayList<>(script);
        this.whenExhausted = whenExhausted;
    }

    static ScriptedAgentRuntime of(Answer... answers) {
        return new ScriptedAgentRuntime("scripted", Locality.IN_PROCESS, List.of(answers), new Text("done"));
    }

    static ToolCall call(String id, String name, String arguments) {
        return new ToolCall(id, name, arguments);
    }

    @Override
    public RuntimeInfo info() {
        return info;
    }

    @Override
    public ChatResponse generate(ChatRequest request, Consumer<TokenEvent> tokens, CancellationSignal cancellation) {
        int index;
        Answer answer;
        synchronized (this) {
            requests.add(request);
            index = requests.size() - 1;
            answer = index < script.size() ? script.get(index) : whenExhausted;
        }
        Usage usage = new Usage(request.messages().size(), 0, 1);
        Timings timings = new Timings(Duration.ofMillis(1), Duration.ofMillis(1), request.messages().size(),
                Duration.ZERO, 0, Duration.ofMillis(1));
        Route route = new Route(info.name(), "scripted", "scripted");
        return switch (answer) {
            case Text text -> new ChatResponse(text.text(), List.of(), FinishReason.STOP, usage, timings, route);
            case Calls calls -> new ChatResponse("", calls.calls(), FinishReason.TOOL_CALLS, usage, timings, route);
            case Malformed malformed -> new ChatResponse("", List.of(), FinishReason.TOOL_CALLS, usage, timings, route,
                    List.of(new ToolCallError(malformed.raw(), malformed.problem())));
            case BlockUntilCancelled block -> {
                CountDownLatch cancelled = new CountDownLatch(1);
                cancellation.onCancel(cancelled::countDown);
                block.started().countDown();
                try {
                    if (!cancelled.await(30, TimeUnit.SECONDS)) {
                        throw new AssertionError("the loop never cancelled the generation");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                yield new ChatResponse("partial", List.of(), FinishReason.CANCELLED, usage, timings, route);
            }
        };
    }

    @Override
    public void close() {
    }
}
