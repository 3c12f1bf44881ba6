package dev.hearth.examples.agent;

import dev.hearth.api.GenerationOptions;
import dev.hearth.api.InferenceClient;
import dev.hearth.api.Message;
import dev.hearth.api.Sensitivity;
import dev.hearth.api.ToolCall;
import dev.hearth.kvcache.PrefixCache;
import dev.hearth.local.Gguf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Saving an agent session and resuming it in a fresh client, on the real stories260K with the ChatML template. */
class SessionResumeTest {
    @TempDir
    Path temp;

    static Path stories260K() {
        Path path = Path.of(System.getProperty("hearth.shared.models"), "gguf", "stories260K.gguf");
        assertThat(path).as("shared test model").isRegularFile();
        return path;
    }

    /** A fresh client, as a new process would open: an empty prefix cache (or none). */
    static InferenceClient freshClient(boolean prefixCache) {
        var spec = Gguf.model(stories260K()).threads(2).contextLength(2048).chatTemplate("chatml");
        if (prefixCache) {
            spec.prefixCache(PrefixCache.inMemory(64L << 20));
        }
        return InferenceClient.builder().runtime(spec).build();
    }

    private AgentLoop.Builder loop(InferenceClient client, Sandbox sandbox, int maxSteps) {
        return AgentLoop.builder(client).system(AgentDemo.SYSTEM_PROMPT).tools(BuiltinTools.all(sandbox, Clock.systemUTC()))
                .maxSteps(maxSteps).options(GenerationOptions.builder().maxTokens(64).temperature(0.7).seed(11).build());
    }

    @Test
    void aResumedSessionsFirstAnswerComputesOnlyItsNewTokens() throws Exception {
        AgentDemo.writeSandbox(temp.resolve("sandbox"));
        Sandbox sandbox = Sandbox.of(temp.resolve("sandbox"));
        Path sessionFolder = Files.createDirectories(temp.resolve("session"));
        AgentRun first;
        try (InferenceClient client = freshClient(true)) {
            first = loop(client, sandbox, 2).sessionFile(AgentSession.kvFile(sessionFolder)).build().run(AgentDemo.TASK);
            AgentSession.of(first).save(sessionFolder);
        }
        assertThat(AgentSession.kvFile(sessionFolder)).isRegularFile();
        AgentStep last = first.steps().getLast();
        int savedTokens = last.promptTokens() + last.completionTokens();

        AgentSession saved = AgentSession.load(sessionFolder);
        assertThat(saved.messages()).isEqualTo(first.messages());
        AgentStep resumed;
        try (InferenceClient fresh = freshClient(false)) {
            AgentLoop resumeLoop = loop(fresh, sandbox, 1).sessionFile(AgentSession.kvFile(sessionFolder)).build();
            resumed = resumeLoop.continueFrom(saved.followUp(AgentDemo.FOLLOW_UP), saved.privateTaint(), new CancelToken())
                    .steps().getFirst();
        }
        AgentStep cold;
        try (InferenceClient fresh = freshClient(false)) {
            cold = loop(fresh, sandbox, 1).build()
                    .continueFrom(saved.followUp(AgentDemo.FOLLOW_UP), false, new CancelToken()).steps().getFirst();
        }
        // the resumed prompt is the saved conversation plus the follow-up: all but the follow-up comes from the file
        assertThat(resumed.promptTokens()).isEqualTo(cold.promptTokens()).isGreaterThan(savedTokens);
        // the file holds every position the last step computed: its prompt and its answer but the final token
        // (sampled, never fed back); the resumed prompt re-renders that answer identically
        assertThat(resumed.cachedTokens()).as("tokens restored from the session file").isEqualTo(savedTokens - 1);
        assertThat(resumed.promptTokens() - resumed.cachedTokens()).as("computed: the follow-up turn only")
                .isLessThan(80);
        assertThat(cold.cachedTokens()).as("without the session file nothing is cached").isZero();
    }

    @Test
    void messagesKeepTheirRolesToolCallsAndSensitivityOnDisk() {
        List<Message> messages = List.of(Message.system("sys"), Message.user("task"),
                Message.assistant("", List.of(new ToolCall("c1", "read_file", "{\"path\":\"private/a\"}"))),
                Message.toolResult("c1", "secret \"quoted\"\nline", Sensitivity.PRIVATE),
                Message.assistant("answer").withSensitivity(Sensitivity.PRIVATE));
        new AgentSession(messages, true).save(temp);

        AgentSession loaded = AgentSession.load(temp);
        assertThat(loaded.messages()).isEqualTo(messages);
        assertThat(loaded.privateTaint()).isTrue();
        assertThat(loaded.followUp("more").getLast().sensitivity()).isEqualTo(Sensitivity.PRIVATE);
    }
}
