package dev.hearth.examples.chat;

import dev.hearth.api.ChatResponse;
import dev.hearth.api.FinishReason;
import dev.hearth.api.GenerationOptions;
import dev.hearth.api.InferenceClient;
import dev.hearth.api.Role;
import dev.hearth.kvcache.PrefixCache;
import dev.hearth.local.Gguf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The chat's behaviour without a terminal, on the real stories260K with the prefix cache on. */
class ChatSessionTest {
    @TempDir
    Path folder;

    private static InferenceClient client() {
        Path model = Path.of(System.getProperty("hearth.shared.models"), "gguf", "stories260K.gguf");
        assertThat(model).as("shared test model").isRegularFile();
        return InferenceClient.builder()
                .runtime(Gguf.model(model).threads(1).prefixCache(PrefixCache.inMemory(16L << 20))).build();
    }

    @Test
    void laterTurnsPrefillOnlyTheirNewTokensAndStatsReportIt() {
        StringWriter printed = new StringWriter();
        try (InferenceClient client = client()) {
            ChatSession session = new ChatSession(client, GenerationOptions.builder().temperature(0).maxTokens(40).build(),
                    new Conversation(), new PrintWriter(printed, true));
            assertThat(session.handle(ChatInput.parse("/system Tell a short story about a dog and a cat who are friends."))).isTrue();
            assertThat(session.handle(ChatInput.parse("Once upon a time, there was a little dog named Max."))).isTrue();
            ChatResponse first = session.stats().last().orElseThrow();
            assertThat(session.handle(ChatInput.parse("Max had a friend, a cat named Lily."))).isTrue();
            ChatResponse second = session.stats().last().orElseThrow();

            assertThat(session.conversation().messages()).extracting(m -> m.role())
                    .containsExactly(Role.SYSTEM, Role.USER, Role.ASSISTANT, Role.USER, Role.ASSISTANT);
            assertThat(session.conversation().turns().get(1).content()).isEqualTo(first.text());
            assertThat(second.usage().promptTokens()).isGreaterThan(first.usage().promptTokens() + first.usage().completionTokens());
            // the second prompt starts with the whole first turn: the cache serves it, at block granularity
            assertThat(second.usage().cachedPromptTokens()).isPositive();

            session.handle(ChatInput.parse("/stats"));
            String output = printed.toString();
            assertThat(output).contains(first.text()).contains(second.text()).contains("System prompt set.")
                    .contains("last answer: " + second.usage().promptTokens() + " prompt tokens ("
                            + second.usage().cachedPromptTokens() + " cached")
                    .contains("session:     2 answers");
            assertThat(session.handle(ChatInput.parse("/exit"))).isFalse();
        }
    }

    @Test
    void cancellingStopsTheAnswerKeepsItsTextAndTheChatGoesOn() throws Exception {
        CountDownLatch firstToken = new CountDownLatch(1);
        StringWriter printed = new StringWriter();
        Writer signalling = new Writer() {
            @Override
            public void write(char[] buffer, int offset, int length) {
                printed.write(buffer, offset, length);
                if (length > 0) {
                    firstToken.countDown();
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        try (InferenceClient client = client()) {
            ChatSession session = new ChatSession(client, GenerationOptions.builder().temperature(0.7).seed(3).maxTokens(1900).build(),
                    new Conversation(), new PrintWriter(signalling, true));
            CompletableFuture<Boolean> answering = CompletableFuture.supplyAsync(() -> session.handle(ChatInput.parse("Once upon a time")));
            assertThat(firstToken.await(60, TimeUnit.SECONDS)).isTrue();
            session.cancel();
            assertThat(answering.get(60, TimeUnit.SECONDS)).isTrue();

            ChatResponse cancelled = session.stats().last().orElseThrow();
            assertThat(cancelled.finishReason()).isEqualTo(FinishReason.CANCELLED);
            assertThat(cancelled.usage().completionTokens()).isLessThan(1900);
            assertThat(session.conversation().turns()).hasSize(2);
            assertThat(session.conversation().turns().get(1).content()).isEqualTo(cancelled.text());
            assertThat(printed.toString()).contains("answer stopped").contains("cancelled]");
            assertThat(session.answering()).isFalse();
        }
    }

    @Test
    void saveAndLoadCommandsRoundTripTheConversation() {
        StringWriter printed = new StringWriter();
        try (InferenceClient client = client()) {
            ChatSession session = new ChatSession(client, GenerationOptions.builder().temperature(0).maxTokens(8).build(),
                    new Conversation(), new PrintWriter(printed, true));
            session.handle(ChatInput.parse("/system Be kind."));
            session.handle(ChatInput.parse("Once upon a time"));
            Path file = folder.resolve("chat.json");
            session.handle(new ChatInput.Save(file));
            var saved = session.conversation().messages();
            session.handle(ChatInput.parse("/clear"));
            assertThat(session.conversation().turns()).isEmpty();
            session.handle(new ChatInput.Load(file));

            assertThat(session.conversation().messages()).isEqualTo(saved).hasSize(3);
            session.handle(new ChatInput.Load(folder.resolve("missing.json")));
            assertThat(session.conversation().messages()).isEqualTo(saved);
            assertThat(printed.toString()).contains("Saved 2 messages to " + file, "Loaded 2 messages from " + file + " (with a system prompt)",
                    "error: Cannot read a chat from");
        }
    }
}
