package dev.hearth.examples.agent;

import dev.hearth.api.CacheControl;
import dev.hearth.api.ChatCall;
import dev.hearth.api.ChatResponse;
import dev.hearth.api.FinishReason;
import dev.hearth.api.Generation;
import dev.hearth.api.GenerationOptions;
import dev.hearth.api.InferenceClient;
import dev.hearth.api.Message;
import dev.hearth.api.PolicyViolationException;
import dev.hearth.api.Sensitivity;
import dev.hearth.api.Tool;
import dev.hearth.api.ToolCall;
import dev.hearth.api.ToolCallError;
import dev.hearth.api.ToolChoice;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * The agent loop: the model answers, the tools it called run (several calls of one answer at once), their results go
 * back to it in the order it wrote the calls, and it answers again, until it answers without a tool call, the step
 * limit is reached, or the run is cancelled.
 *
 * <pre>{@code
 * AgentLoop loop = AgentLoop.builder(client)
 *         .system("You answer questions about the files in the sandbox.")
 *         .tools(BuiltinTools.all(Sandbox.of(folder), Clock.systemUTC()))
 *         .maxSteps(6)
 *         .onStep(step -> System.out.println(step.describe()))
 *         .build();
 * AgentRun run = loop.run("What does notes.md say about the deadline?");
 * }</pre>
 *
 * <ul>
 * <li><b>Tool choice</b>: the first step is asked with {@link ToolChoice#required()} by default, so even a tiny local
 * model starts with a call that parses (the local engine constrains it); later steps use {@link ToolChoice#auto()}.
 * A loop without tools sends none and no tool choice: it is a plain multi-turn conversation.
 * <li><b>Errors</b>: a tool that throws, arguments that do not fit, an unknown tool name and a call written wrongly
 * all go back to the model as results it can read; they never end the run.
 * <li><b>Privacy</b>: a {@link ToolResult#isPrivate() private} tool result taints the run: it and every later message
 * and request are {@link Sensitivity#PRIVATE}, so the client's routing keeps them off third-party runtimes; when no
 * runtime may take them the run stops with {@link StopReason#REFUSED}, nothing sent.
 * <li><b>Prefix cache</b>: every step resends the same system prompt, tools and history, and pins the system prompt
 * with the tools; with a session file, each step saves the runtime's keys and values there and the first step of a
 * run restores them, so a resumed session computes only its new tokens.
 * </ul>
 * A loop is immutable and may run several conversations, one after the other or at once.
 */
public final class AgentLoop {
    private static final Logger LOG = LoggerFactory.getLogger(AgentLoop.class);

    private final InferenceClient client;
    private final String systemPrompt;
    private final Map<String, AgentTool> tools;
    private final List<Tool> definitions;
    private final int maxSteps;
    private final ToolChoice firstChoice;
    private final ToolChoice laterChoice;
    private final GenerationOptions options;
    private final boolean cache;
    private final Path sessionFile;
    private final Consumer<AgentStep> onStep;

    private AgentLoop(Builder builder) {
        this.client = builder.client;
        this.systemPrompt = builder.systemPrompt;
        this.tools = new LinkedHashMap<>();
        for (AgentTool tool : builder.tools) {
            if (tools.putIfAbsent(tool.name(), tool) != null) {
                throw new IllegalArgumentException("two tools are named " + tool.name());
            }
        }
        this.definitions = builder.tools.stream().map(AgentTool::definition).toList();
        this.maxSteps = builder.maxSteps;
        this.firstChoice = builder.firstChoice;
        this.laterChoice = builder.laterChoice;
        this.options = builder.options;
        this.cache = builder.cache;
        this.sessionFile = builder.sessionFile;
        this.onStep = builder.onStep;
    }

    public static Builder builder(InferenceClient client) {
        return new Builder(client);
    }

    /** The tools this loop offers, in order. */
    public List<AgentTool> tools() {
        return List.copyOf(tools.values());
    }

    /** The system prompt, then {@code task} from the user. */
    public AgentRun run(String task) {
        return run(task, new CancelToken());
    }

    public AgentRun run(String task, CancelToken cancel) {
        List<Message> start = new ArrayList<>();
        if (!systemPrompt.isEmpty()) {
            start.add(Message.system(systemPrompt));
        }
        start.add(Message.user(task));
        return continueFrom(start, false, cancel);
    }

    /**
     * Continues a conversation: {@code history} is sent as it is (its system prompt included) and usually ends with a
     * new user message. {@code privateTaint} carries a parent's or saved session's taint over.
     */
    public AgentRun continueFrom(List<Message> history, boolean privateTaint, CancelToken cancel) {
        Objects.requireNonNull(cancel, "cancel");
        if (history.isEmpty()) {
            throw new IllegalArgumentException("a conversation needs at least one message");
        }
        List<Message> messages = new ArrayList<>(history);
        boolean tainted = privateTaint || messages.stream().anyMatch(m -> m.sensitivity() == Sensitivity.PRIVATE);
        List<AgentStep> steps = new ArrayList<>();
        String lastText = "";
        for (int index = 1; index <= maxSteps; index++) {
            if (cancel.isCancelled() || Thread.currentThread().isInterrupted()) {
                return new AgentRun(messages, steps, StopReason.CANCELLED, lastText, tainted);
            }
            ToolChoice choice = index == 1 ? firstChoice : laterChoice;
            Sensitivity sensitivity = tainted ? Sensitivity.PRIVATE : Sensitivity.PUBLIC;
            Optional<ChatResponse> generated;
            try {
                generated = generate(messages, choice, sensitivity, index == 1, cancel);
            } catch (PolicyViolationException refused) {
                LOG.info("Step {} refused by routing, the run stops: {}", index, refused.getMessage());
                return new AgentRun(messages, steps, StopReason.REFUSED, lastText, tainted);
            }
            if (generated.isEmpty()) {
                return new AgentRun(messages, steps, StopReason.CANCELLED, lastText, tainted);
            }
            ChatResponse answer = generated.get();
            lastText = answer.text();
            if (answer.finishReason() == FinishReason.CANCELLED) {
                record(steps, new AgentStep(index, choice, sensitivity, answer, List.of(), List.of()));
                return new AgentRun(messages, steps, StopReason.CANCELLED, lastText, tainted);
            }
            messages.add(mark(Message.assistant(answer.text(), answer.toolCalls()), tainted));
            if (answer.toolCalls().isEmpty() && answer.toolCallErrors().isEmpty()) {
                record(steps, new AgentStep(index, choice, sensitivity, answer, List.of(), List.of()));
                return new AgentRun(messages, steps, StopReason.ANSWERED, lastText, tainted);
            }
            ToolRound round = runTools(answer.toolCalls(), cancel);
            for (ToolOutcome outcome : round.outcomes()) {
                tainted |= outcome.result().isPrivate();
                messages.add(mark(Message.toolResult(outcome.call().id(), outcome.result().content(),
                        outcome.result().sensitivity()), tainted));
            }
            for (ToolCallError error : answer.toolCallErrors()) {
                // a call without a usable id cannot be answered by a tool message; the model reads why as a user turn
                messages.add(mark(Message.user("Your tool call could not be used: " + error.problem()
                        + " Write each call as <tool_call>{\"name\": ..., \"arguments\": {...}}</tool_call>."), tainted));
            }
            record(steps, new AgentStep(index, choice, sensitivity, answer, round.outcomes(), answer.toolCallErrors()));
            if (round.cancelled()) {
                return new AgentRun(messages, steps, StopReason.CANCELLED, lastText, tainted);
            }
        }
        return new AgentRun(messages, steps, StopReason.STEP_LIMIT, lastText, tainted);
    }

    private void record(List<AgentStep> steps, AgentStep step) {
        steps.add(step);
        try {
            onStep.accept(step);
        } catch (RuntimeException e) {
            LOG.warn("A step listener threw; ignoring it", e);
        }
    }

    private static Message mark(Message message, boolean tainted) {
        return tainted ? message.withSensitivity(Sensitivity.PRIVATE) : message;
    }

    /** One model call; empty when the run was cancelled before an answer came back. */
    private Optional<ChatResponse> generate(List<Message> messages, ToolChoice choice, Sensitivity sensitivity,
                                            boolean firstStep, CancelToken cancel) {
        ChatCall call = client.chat().messages(messages).options(options).sensitivity(sensitivity)
                .cache(cacheControl(firstStep));
        if (!definitions.isEmpty()) {
            call.tools(definitions.toArray(Tool[]::new)).toolChoice(choice);
        }
        Generation generation = call.submit(token -> { });
        try (CancelToken.Registration ignored = cancel.onCancel(generation::cancel)) {
            return Optional.of(generation.await());
        } catch (InterruptedException e) {
            // the caller's thread was interrupted: stop the model between two tokens, keep what it wrote
            generation.cancel();
            cancel.cancel();
            Thread.currentThread().interrupt();
            return generation.response().isDone() && !generation.response().isCompletedExceptionally()
                    ? Optional.of(generation.response().join()) : Optional.empty();
        }
    }

    private CacheControl cacheControl(boolean firstStep) {
        if (!cache) {
            return CacheControl.disabled();
        }
        // the system prompt and the tools come first in every step and every sub-agent: keep them cached
        CacheControl control = CacheControl.defaults().pinFirstMessages(1);
        if (sessionFile != null) {
            control = control.saveSessionTo(sessionFile);
            if (firstStep && Files.isRegularFile(sessionFile)) {
                control = control.restoreSessionFrom(sessionFile);
            }
        }
        return control;
    }

    private record ToolRound(List<ToolOutcome> outcomes, boolean cancelled) {
    }

    /** Runs the calls of one answer at once; results come back in the order of the calls. */
    private ToolRound runTools(List<ToolCall> calls, CancelToken cancel) {
        List<ToolOutcome> outcomes = new ArrayList<>();
        boolean cancelled = false;
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<ToolOutcome>> running = calls.stream().map(call -> executor.submit(() -> execute(call))).toList();
            try (CancelToken.Registration ignored = cancel.onCancel(() -> running.forEach(f -> f.cancel(true)))) {
                for (int i = 0; i < calls.size(); i++) {
                    ToolCall call = calls.get(i);
                    try {
                        outcomes.add(running.get(i).get());
                    } catch (CancellationException e) {
                        cancelled = true;
                        outcomes.add(new ToolOutcome(call, ToolResult.error(call.name() + " was cancelled"), Duration.ZERO));
                    } catch (InterruptedException e) {
                        cancelled = true;
                        cancel.cancel(); // interrupts the other calls too
                        Thread.currentThread().interrupt();
                        outcomes.add(new ToolOutcome(call, ToolResult.error(call.name() + " was cancelled"), Duration.ZERO));
                    } catch (ExecutionException e) {
                        // execute() turns every failure into a result; this is a bug in the loop, reported like one
                        outcomes.add(new ToolOutcome(call, ToolResult.error(call.name() + " failed: " + e.getCause()), Duration.ZERO));
                    }
                }
            }
        }
        return new ToolRound(outcomes, cancelled || cancel.isCancelled());
    }

    private ToolOutcome execute(ToolCall call) {
        long start = System.nanoTime();
        AgentTool tool = tools.get(call.name());
        ToolResult result;
        if (tool == null) {
            result = ToolResult.error("there is no tool named '" + call.name() + "'; the tools are " + tools.keySet());
        } else {
            try {
                result = tool.call(call.argumentsJson());
            } catch (ToolArgumentsException e) {
                result = ToolResult.error("bad arguments for " + call.name() + ": " + e.getMessage());
            } catch (SandboxException e) {
                result = ToolResult.error(e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                result = ToolResult.error(call.name() + " was cancelled");
            } catch (Exception e) {
                LOG.debug("Tool {} failed", call.name(), e);
                result = ToolResult.error(call.name() + " failed: " + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + e.getMessage()));
            }
        }
        return new ToolOutcome(call, result, Duration.ofNanos(System.nanoTime() - start));
    }

    /** Configures a loop; every setting has a default but the client. */
    public static final class Builder {
        private final InferenceClient client;
        private String systemPrompt = "";
        private final List<AgentTool> tools = new ArrayList<>();
        private int maxSteps = 8;
        private ToolChoice firstChoice = ToolChoice.required();
        private ToolChoice laterChoice = ToolChoice.auto();
        private GenerationOptions options = GenerationOptions.defaults();
        private boolean cache = true;
        private Path sessionFile;
        private Consumer<AgentStep> onStep = step -> { };

        private Builder(InferenceClient client) {
            this.client = Objects.requireNonNull(client, "client");
        }

        public Builder system(String prompt) {
            this.systemPrompt = Objects.requireNonNull(prompt, "prompt");
            return this;
        }

        public Builder tool(AgentTool tool) {
            tools.add(Objects.requireNonNull(tool, "tool"));
            return this;
        }

        public Builder tools(List<AgentTool> more) {
            more.forEach(this::tool);
            return this;
        }

        /** The most model calls a run makes (default 8). */
        public Builder maxSteps(int steps) {
            if (steps < 1) {
                throw new IllegalArgumentException("maxSteps must be at least 1, was " + steps);
            }
            this.maxSteps = steps;
            return this;
        }

        /** The tool choice of a run's first step (default {@code required}) and of the later ones (default {@code auto}). */
        public Builder toolChoice(ToolChoice first, ToolChoice later) {
            this.firstChoice = Objects.requireNonNull(first, "first");
            this.laterChoice = Objects.requireNonNull(later, "later");
            return this;
        }

        /** Sampling options of every step (its tool choice is set per step). */
        public Builder options(GenerationOptions options) {
            this.options = Objects.requireNonNull(options, "options");
            return this;
        }

        /** Whether steps use the runtime's prefix cache (default on); off computes every prompt whole. */
        public Builder cache(boolean enabled) {
            this.cache = enabled;
            return this;
        }

        /**
         * Saves the runtime's keys and values for the conversation to {@code file} after every step, and restores them
         * from it on a run's first step when it exists (needs the cache on; remote runtimes ignore it).
         */
        public Builder sessionFile(Path file) {
            this.sessionFile = Objects.requireNonNull(file, "file");
            return this;
        }

        /** Called after each step, on the thread running the loop. */
        public Builder onStep(Consumer<AgentStep> listener) {
            this.onStep = Objects.requireNonNull(listener, "listener");
            return this;
        }

        public AgentLoop build() {
            if (sessionFile != null && !cache) {
                throw new IllegalArgumentException("a session file needs the prefix cache on");
            }
            return new AgentLoop(this);
        }
    }
}
