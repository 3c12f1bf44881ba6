package dev.hearth.examples.agent;

import dev.hearth.api.InferenceClient;
import dev.hearth.api.Routing;
import dev.hearth.api.Sensitivity;
import dev.hearth.api.spi.Locality;
import dev.hearth.examples.agent.ScriptedAgentRuntime.Text;
import dev.hearth.remote.providers.OpenAiCompatible;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A cloud runtime comes first in the routing; the cloud asks for a file. When the file is private, not one more byte
 * reaches the cloud's socket: every later step, sub-agents included, is served locally.
 */
class PrivateTaintTest {
    static final String CLOUD = "cloud";
    static final String LOCAL = "local";

    @TempDir
    Path sandboxFolder;

    private static String readFileCall(String path) {
        return """
                {"id":"r1","object":"chat.completion","model":"cloud-model","choices":[{"index":0,"finish_reason":"tool_calls",
                 "message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",
                 "function":{"name":"read_file","arguments":"{\\"path\\":\\"%s\\"}"}}]}}],
                 "usage":{"prompt_tokens":20,"completion_tokens":8}}""".formatted(path).replace("\n", "");
    }

    private record Outcome(AgentRun run, List<AgentRun> subAgents, long bytesAfterStep1, long bytesAtEnd,
                           int connectionsAtEnd, ScriptedAgentRuntime local) {
    }

    private Outcome runWithCloudReading(String path) throws Exception {
        Files.writeString(sandboxFolder.resolve("public.txt"), "The picnic is on Saturday.");
        Files.createDirectories(sandboxFolder.resolve("private"));
        Files.writeString(sandboxFolder.resolve("private/diary.txt"), "The surprise is a red kite.");
        ScriptedAgentRuntime local = new ScriptedAgentRuntime(LOCAL, Locality.IN_PROCESS, List.of(), new Text("done locally"));
        try (CountingCloudServer cloud = new CountingCloudServer(readFileCall(path));
             InferenceClient client = InferenceClient.builder()
                     .runtime(OpenAiCompatible.at(cloud.baseUrl()).name(CLOUD).locality(Locality.THIRD_PARTY)
                             .streaming(false).maxRetries(0))
                     .runtime(local)
                     .routing(Routing.cloudFirst().privateStaysLocal())
                     .build()) {
            AtomicLong afterStep1 = new AtomicLong(-1);
            AgentLoop loop = AgentLoop.builder(client).system("Read files.")
                    .tools(List.of(BuiltinTools.readFile(Sandbox.of(sandboxFolder))))
                    .toolChoice(dev.hearth.api.ToolChoice.auto(), dev.hearth.api.ToolChoice.auto()).maxSteps(2)
                    .onStep(step -> afterStep1.compareAndSet(-1, cloud.bytesReceived.get()))
                    .build();
            AgentRun run = loop.run("What is in the file?");
            List<AgentRun> subAgents = SubAgents.fork(loop, run, List.of("And then?"), new CancelToken());
            return new Outcome(run, subAgents, afterStep1.get(), cloud.bytesReceived.get(), cloud.connections.get(), local);
        }
    }

    @Test
    void afterAPrivateToolResultNoByteReachesTheCloud() throws Exception {
        Outcome outcome = runWithCloudReading("private/diary.txt");
        AgentRun run = outcome.run();

        assertThat(outcome.bytesAfterStep1()).as("step 1 went to the cloud").isPositive();
        assertThat(outcome.bytesAtEnd()).as("bytes the cloud read after the private result").isEqualTo(outcome.bytesAfterStep1());
        assertThat(outcome.connectionsAtEnd()).isEqualTo(1);
        assertThat(run.privateTaint()).isTrue();
        assertThat(run.steps()).extracting(AgentStep::route).containsExactly(CLOUD, LOCAL);
        assertThat(run.steps()).extracting(AgentStep::sensitivity).containsExactly(Sensitivity.PUBLIC, Sensitivity.PRIVATE);
        assertThat(run.steps().getFirst().tools().getFirst().result().isPrivate()).isTrue();
        // the sub-agent inherits the taint: its only step stays local too
        assertThat(outcome.subAgents().getFirst().steps()).extracting(AgentStep::route).containsExactly(LOCAL);
        assertThat(outcome.local().requests).allSatisfy(request ->
                assertThat(request.sensitivity()).isEqualTo(Sensitivity.PRIVATE));
    }

    @Test
    void withOnlyACloudRuntimeTheRunStopsRatherThanSendThePrivateResult() throws Exception {
        Files.createDirectories(sandboxFolder.resolve("private"));
        Files.writeString(sandboxFolder.resolve("private/diary.txt"), "The surprise is a red kite.");
        try (CountingCloudServer cloud = new CountingCloudServer(readFileCall("private/diary.txt"));
             InferenceClient client = InferenceClient.builder()
                     .runtime(OpenAiCompatible.at(cloud.baseUrl()).name(CLOUD).locality(Locality.THIRD_PARTY)
                             .streaming(false).maxRetries(0))
                     .build()) {
            AgentRun run = AgentLoop.builder(client).tools(List.of(BuiltinTools.readFile(Sandbox.of(sandboxFolder))))
                    .maxSteps(3).build().run("What is in the diary?");
            long bytes = cloud.bytesReceived.get();

            assertThat(run.stop()).isEqualTo(StopReason.REFUSED);
            assertThat(run.steps()).extracting(AgentStep::route).containsExactly(CLOUD);
            assertThat(cloud.connections.get()).isEqualTo(1);
            assertThat(SubAgents.fork(AgentLoop.builder(client).build(), run, List.of("Tell me"), new CancelToken()))
                    .singleElement().satisfies(sub -> assertThat(sub.stop()).isEqualTo(StopReason.REFUSED));
            assertThat(cloud.bytesReceived.get()).isEqualTo(bytes);
            assertThat(cloud.connections.get()).isEqualTo(1);
        }
    }

    @Test
    void aPublicToolResultLetsTheNextStepGoToTheCloud() throws Exception {
        // the control: the same setup with a public file keeps using the cloud, so the counter does see later steps
        Outcome outcome = runWithCloudReading("public.txt");

        assertThat(outcome.run().privateTaint()).isFalse();
        assertThat(outcome.run().steps()).extracting(AgentStep::route).containsExactly(CLOUD, CLOUD);
        assertThat(outcome.bytesAtEnd()).isGreaterThan(outcome.bytesAfterStep1());
        assertThat(outcome.connectionsAtEnd()).as("two steps of the run, two of the sub-agent").isEqualTo(4);
    }
}
