package dev.hearth.examples.agent;

import dev.hearth.api.ChatRequest;
import dev.hearth.api.InferenceClient;
import dev.hearth.api.Message;
import dev.hearth.api.Role;
import dev.hearth.api.ToolChoice;
import dev.hearth.examples.agent.ScriptedAgentRuntime.BlockUntilCancelled;
import dev.hearth.examples.agent.ScriptedAgentRuntime.Calls;
import dev.hearth.examples.agent.ScriptedAgentRuntime.Malformed;
import dev.hearth.examples.agent.ScriptedAgentRuntime.Text;
import dev.hearth.api.spi.Locality;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static dev.hearth.examples.agent.ScriptedAgentRuntime.call;
import static org.assertj.core.api.Assertions.assertThat;

class AgentLoopTest {

    record Add(@ToolParam("first term") long a, @ToolParam("second term") long b) {
    }

    record Word(String word) {
    }

    static final AgentTool ADD = AgentTool.of("add", "Adds two integers.", Add.class, args -> args.a() + args.b());

    private static List<Message> toolMessages(ChatRequest request) {
        return request.messages().stream().filter(m -> m.role() == Role.TOOL).toList();
    }

    @Test
    void toolResultsGoBackToTheModelUntilItAnswers() {
        ScriptedAgentRuntime runtime = ScriptedAgentRuntime.of(
                new Calls(List.of(call("c1", "add", "{\"a\":2,\"b\":3}"))),
                new Text("The sum is 5."));
        try (InferenceClient client = InferenceClient.builder().runtime(runtime).build()) {
            AgentRun run = AgentLoop.builder(client).system("Add things.").tool(ADD).build().run("2+3?");

            assertThat(run.stop()).isEqualTo(StopReason.ANSWERED);
            assertThat(run.answer()).isEqualTo("The sum is 5.");
            assertThat(run.steps()).hasSize(2);
            assertThat(run.steps().getFirst().tools()).singleElement()
                    .satisfies(outcome -> assertThat(outcome.result()).isEqualTo(ToolResult.of("5")));
            // the second request resends the history: system, task, the call, its result
            ChatRequest second = runtime.requests.get(1);
            assertThat(second.messages()).extracting(Message::role)
                    .containsExactly(Role.SYSTEM, Role.USER, Role.ASSISTANT, Role.TOOL);
            assertThat(second.messages().get(2).toolCalls()).extracting(c -> c.id()).containsExactly("c1");
            assertThat(toolMessages(second)).singleElement().satisfies(m -> {
                assertThat(m.toolCallId()).isEqualTo("c1");
                assertThat(m.content()).isEqualTo("5");
            });
            // the first step must call a tool, the later ones may
            assertThat(runtime.requests.get(0).options().toolChoice()).isEqualTo(ToolChoice.required());
            assertThat(second.options().toolChoice()).isEqualTo(ToolChoice.auto());
            assertThat(second.tools()).extracting(t -> t.name()).containsExactly("add");
            assertThat(run.steps().get(1).route()).isEqualTo("scripted");
        }
    }

    @Test
    void callsOfOneAnswerRunAtOnceAndTheirResultsKeepTheCallOrder() {
        // "first" can only finish after "second" has started and finished: sequential calls would time out
        CountDownLatch secondDone = new CountDownLatch(1);
        AgentTool first = AgentTool.of("first", "waits for second", Word.class, args ->
                secondDone.await(30, TimeUnit.SECONDS) ? "first saw second finish" : "first ran alone");
        AgentTool second = AgentTool.of("second", "finishes at once", Word.class, args -> {
            secondDone.countDown();
            return "second done";
        });
        ScriptedAgentRuntime runtime = ScriptedAgentRuntime.of(new Calls(List.of(
                call("a", "first", "{\"word\":\"x\"}"), call("b", "second", "{\"word\":\"y\"}"))));
        try (InferenceClient client = InferenceClient.builder().runtime(runtime).build()) {
            AgentRun run = AgentLoop.builder(client).tools(List.of(first, second)).build().run("go");

            assertThat(run.steps().getFirst().tools()).extracting(o -> o.call().id(), o -> o.result().content())
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("a", "first saw second finish"),
                            org.assertj.core.groups.Tuple.tuple("b", "second done"));
            assertThat(toolMessages(runtime.requests.get(1))).extracting(Message::toolCallId).containsExactly("a", "b");
        }
    }

    @Test
    void toolFailuresAndBadCallsGoBackAsResultsAndTheRunGoesOn() {
        AgentTool failing = AgentTool.of("failing", "always fails", Word.class, args -> {
            throw new IllegalStateException("disk on fire");
        });
        ScriptedAgentRuntime runtime = ScriptedAgentRuntime.of(
                new Calls(List.of(
                        call("1", "missing", "{}"),
                        call("2", "add", "{\"a\":2"),
                        call("3", "add", "{\"a\":2}"),
                        call("4", "add", "{\"a\":\"two\",\"b\":1}"),
                        call("5", "failing", "{\"word\":\"w\"}"),
                        call("6", "add", "[1,2]"))),
                new Malformed("<tool_call>{\"name\"", "the tool call is not valid JSON"),
                new Text("I give up."));
        try (InferenceClient client = InferenceClient.builder().runtime(runtime).build()) {
            AgentRun run = AgentLoop.builder(client).tools(List.of(ADD, failing)).build().run("try");

            assertThat(run.stop()).isEqualTo(StopReason.ANSWERED);
            List<ToolResult> results = run.steps().getFirst().tools().stream().map(ToolOutcome::result).toList();
            assertThat(results).allMatch(ToolResult::error);
            assertThat(results).extracting(ToolResult::content).satisfiesExactly(
                    text -> assertThat(text).contains("no tool named 'missing'", "[add, failing]"),
                    text -> assertThat(text).contains("bad arguments for add", "not JSON"),
                    text -> assertThat(text).contains("bad arguments for add", "'b'"),
                    text -> assertThat(text).contains("bad arguments for add"),
                    text -> assertThat(text).contains("failing failed", "IllegalStateException", "disk on fire"),
                    text -> assertThat(text).contains("must be a JSON object"));
            // the malformed call of step 2 is explained to the model in the next request
            assertThat(run.steps().get(1).malformed()).hasSize(1);
            List<Message> third = runtime.requests.get(2).messages();
            assertThat(third.getLast().role()).isEqualTo(Role.USER);
            assertThat(third.getLast().content()).contains("could not be used", "not valid JSON");
        }
    }

    @Test
    void theStepLimitEndsARunThatKeepsCallingTools() {
        ScriptedAgentRuntime runtime = new ScriptedAgentRuntime("scripted", Locality.IN_PROCESS, List.of(),
                new Calls(List.of(call("c", "add", "{\"a\":1,\"b\":1}"))));
        try (InferenceClient client = InferenceClient.builder().runtime(runtime).build()) {
            List<AgentStep> seen = new ArrayList<>();
            AgentRun run = AgentLoop.builder(client).tool(ADD).maxSteps(3).onStep(seen::add).build().run("loop");

            assertThat(run.stop()).isEqualTo(StopReason.STEP_LIMIT);
            assertThat(run.steps()).hasSize(3).isEqualTo(seen);
            assertThat(runtime.requests).hasSize(3);
            // the last step's calls still ran: the conversation ends with their result
            assertThat(run.messages().getLast().role()).isEqualTo(Role.TOOL);
        }
    }

    @Test
    void cancellingDuringAGenerationStopsTheModelAndTheRun() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        ScriptedAgentRuntime runtime = ScriptedAgentRuntime.of(new BlockUntilCancelled(started));
        try (InferenceClient client = InferenceClient.builder().runtime(runtime).build()) {
            AgentLoop loop = AgentLoop.builder(client).tool(ADD).build();
            CancelToken cancel = new CancelToken();
            AtomicReference<AgentRun> result = new AtomicReference<>();
            Thread runner = Thread.ofVirtual().start(() -> result.set(loop.run("wait", cancel)));
            assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
            cancel.cancel();
            runner.join();

            assertThat(result.get().stop()).isEqualTo(StopReason.CANCELLED);
            assertThat(result.get().steps()).singleElement()
                    .satisfies(step -> assertThat(step.answer().finishReason()).isEqualTo(dev.hearth.api.FinishReason.CANCELLED));
            assertThat(runtime.requests).hasSize(1);
        }
    }

    @Test
    void interruptingTheRunningThreadStopsTheLoopCleanly() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        ScriptedAgentRuntime runtime = ScriptedAgentRuntime.of(new BlockUntilCancelled(started));
        try (InferenceClient client = InferenceClient.builder().runtime(runtime).build()) {
            AgentLoop loop = AgentLoop.builder(client).tool(ADD).build();
            AtomicReference<AgentRun> result = new AtomicReference<>();
            AtomicBoolean stillInterrupted = new AtomicBoolean();
            Thread runner = Thread.ofVirtual().start(() -> {
                result.set(loop.run("wait"));
                stillInterrupted.set(Thread.currentThread().isInterrupted());
            });
            assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
            runner.interrupt();
            runner.join();

            assertThat(result.get().stop()).isEqualTo(StopReason.CANCELLED);
            assertThat(stillInterrupted).as("the interrupt is kept for the caller").isTrue();
            assertThat(runtime.requests).hasSize(1);
        }
    }

    @Test
    void cancellingDuringAToolInterruptsItAndNoLaterStepStarts() throws Exception {
        CountDownLatch toolStarted = new CountDownLatch(1);
        AtomicBoolean toolInterrupted = new AtomicBoolean();
        AgentTool slow = AgentTool.of("slow", "blocks", Word.class, args -> {
            toolStarted.countDown();
            try {
                Thread.sleep(60_000);
                return "finished";
            } catch (InterruptedException e) {
                toolInterrupted.set(true);
                throw e;
            }
        });
        ScriptedAgentRuntime runtime = ScriptedAgentRuntime.of(new Calls(List.of(call("s", "slow", "{\"word\":\"w\"}"))));
        try (InferenceClient client = InferenceClient.builder().runtime(runtime).build()) {
            CancelToken cancel = new CancelToken();
            AtomicReference<AgentRun> result = new AtomicReference<>();
            Thread runner = Thread.ofVirtual().start(() ->
                    result.set(AgentLoop.builder(client).tool(slow).build().run("go", cancel)));
            assertThat(toolStarted.await(30, TimeUnit.SECONDS)).isTrue();
            cancel.cancel();
            runner.join();

            assertThat(result.get().stop()).isEqualTo(StopReason.CANCELLED);
            assertThat(toolInterrupted).isTrue();
            assertThat(result.get().steps()).singleElement().satisfies(step ->
                    assertThat(step.tools().getFirst().result().content()).contains("cancelled"));
            assertThat(runtime.requests).hasSize(1);
        }
    }

    @Test
    void cancellingBetweenStepsEndsTheRunBeforeTheNextRequest() {
        ScriptedAgentRuntime runtime = new ScriptedAgentRuntime("scripted", Locality.IN_PROCESS, List.of(),
                new Calls(List.of(call("c", "add", "{\"a\":1,\"b\":1}"))));
        try (InferenceClient client = InferenceClient.builder().runtime(runtime).build()) {
            CancelToken cancel = new CancelToken();
            AgentRun run = AgentLoop.builder(client).tool(ADD).maxSteps(5)
                    .onStep(step -> cancel.cancel()).build().run("go", cancel);

            assertThat(run.stop()).isEqualTo(StopReason.CANCELLED);
            assertThat(run.steps()).hasSize(1);
            assertThat(runtime.requests).hasSize(1);
        }
    }
}
