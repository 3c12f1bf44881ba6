package dev.hearth.local;

import dev.hearth.api.CacheControl;
import dev.hearth.api.CacheStats;
import dev.hearth.api.ChatRequest;
import dev.hearth.api.ConfigurationException;
import dev.hearth.api.spi.RuntimeSpec;
import dev.hearth.api.ChatResponse;
import dev.hearth.api.GenerationOptions;
import dev.hearth.api.InferenceClient;
import dev.hearth.api.InferenceListener;
import dev.hearth.api.InvalidRequestException;
import dev.hearth.api.Message;
import dev.hearth.api.spi.RuntimeInfo;
import dev.hearth.kvcache.KvShape;
import dev.hearth.kvcache.PrefixCache;
import dev.hearth.local.testing.SharedModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The prefix cache through the public client: same answers, fewer computed tokens, observable. */
class PrefixCacheTest {
    static final String SYSTEM = "Once upon a time, there was a little girl named Lily. She loved to play outside in the"
            + " park with her friends. One day, she found a big red ball under a tree.";
    static final long BLOCK_BYTES = new KvShape(5, 32).bytesFor(16);
    static final GenerationOptions GREEDY = GenerationOptions.builder().temperature(0).maxTokens(24).build();

    /** The reference: every answer computed from scratch. */
    private static InferenceClient cold;

    @TempDir
    Path directory;

    @BeforeAll
    static void openCold() {
        cold = uncached();
    }

    @AfterAll
    static void closeCold() {
        cold.close();
    }

    static InferenceClient cached(PrefixCache cache, InferenceListener... listeners) {
        InferenceClient.Builder builder = InferenceClient.builder()
                .runtime(Gguf.model(SharedModels.stories260K()).threads(2).prefixCache(cache));
        for (InferenceListener listener : listeners) {
            builder.listener(listener);
        }
        return builder.build();
    }

    static ChatRequest turn(List<Message> history, String user) {
        return ChatRequest.builder().messages(history).user(user).options(GREEDY).build();
    }

    private static String coldAnswer(ChatRequest request) {
        return coldAnswer(cold, request);
    }

    static String coldAnswer(InferenceClient reference, ChatRequest request) {
        return reference.call(request.withCache(CacheControl.disabled())).text();
    }

    static InferenceClient uncached() {
        return InferenceClient.builder().runtime(Gguf.model(SharedModels.stories260K()).threads(2)).build();
    }

    @Test
    void aConversationReusesItsHistoryAndAnswersExactlyAsWithoutTheCache() {
        List<CacheStats> seen = new CopyOnWriteArrayList<>();
        InferenceListener listener = new InferenceListener() {
            @Override
            public void cacheStats(RuntimeInfo runtime, CacheStats stats) {
                seen.add(stats);
            }
        };
        try (InferenceClient client = cached(PrefixCache.inMemory(32L << 20).blockSize(16), listener)) {
            List<Message> history = new ArrayList<>(List.of(Message.system(SYSTEM)));
            for (String user : List.of("Lily said", "Then her mom", "The ball")) {
                ChatRequest request = turn(history, user);
                ChatResponse answer = client.call(request);
                assertThat(answer.text()).isEqualTo(coldAnswer(request));
                assertThat(answer.timings().prefillTokens())
                        .isEqualTo(answer.usage().promptTokens() - answer.usage().cachedPromptTokens());
                if (history.size() > 1) {
                    assertThat(answer.usage().cachedPromptTokens()).isGreaterThanOrEqualTo(32);
                }
                history.add(Message.user(user));
                history.add(Message.assistant(answer.text()));
            }
            assertThat(seen).hasSize(3);
            CacheStats last = seen.getLast();
            assertThat(last.hits()).isEqualTo(2);
            assertThat(last.hitTokens()).isPositive();
            assertThat(last.bytesInMemory()).isPositive();

            ChatRequest again = turn(history, "And");
            ChatResponse uncached = client.call(again.withCache(CacheControl.disabled()));
            assertThat(uncached.usage().cachedPromptTokens()).isZero();
            assertThat(uncached.timings().prefillTokens()).isEqualTo(uncached.usage().promptTokens());
        }
    }

    @Test
    void concurrentSessionsSharingAPrefixEachGetTheirOwnExactAnswer() throws Exception {
        try (InferenceClient client = cached(PrefixCache.inMemory(32L << 20).blockSize(16));
             ExecutorService callers = Executors.newFixedThreadPool(4)) {
            List<ChatRequest> requests = List.of("Tom", "The dog", "A bird", "Sue").stream()
                    .map(user -> turn(List.of(Message.system(SYSTEM)), user)).toList();
            List<Future<ChatResponse>> answers = new ArrayList<>();
            for (ChatRequest request : requests) {
                answers.add(callers.submit(() -> client.call(request)));
            }
            int cachedTotal = 0;
            for (int i = 0; i < requests.size(); i++) {
                ChatResponse answer = answers.get(i).get();
                assertThat(answer.text()).isEqualTo(coldAnswer(requests.get(i)));
                cachedTotal += answer.usage().cachedPromptTokens();
            }
            assertThat(cachedTotal).as("all but the first session reuse the shared system prompt").isGreaterThanOrEqualTo(3 * 32);
        }
    }

    @Test
    void aPinnedSystemPromptStaysCachedUnderPressureFromOtherPrompts() {
        // room for six stories260K blocks (5 layers × 16 positions × 32 floats of keys and of values = 20 KiB each):
        // the three pinned ones and three for everything else
        try (InferenceClient client = cached(PrefixCache.inMemory(6 * BLOCK_BYTES).blockSize(16))) {
            ChatRequest first = ChatRequest.builder().system(SYSTEM).user("Lily").options(GREEDY)
                    .cache(CacheControl.defaults().pinFirstMessages(1)).build();
            client.call(first);
            for (String other : List.of("A cat sat on a mat and looked at the moon for a long time, then it went",
                    "The big brown dog ran across the green field to find his friend the little duck who",
                    "There once lived a king in a castle far away who had three sons and one daughter and")) {
                client.call(ChatRequest.builder().user(other).options(GREEDY).build());
            }
            ChatRequest later = turn(List.of(Message.system(SYSTEM)), "Tom");
            ChatResponse answer = client.call(later);
            assertThat(answer.usage().cachedPromptTokens()).isGreaterThanOrEqualTo(32);
            assertThat(answer.text()).isEqualTo(coldAnswer(later));
        }
    }

    @Test
    void aSavedSessionRestoredInAnotherClientContinuesExactly() {
        Path session = directory.resolve("story.session");
        ChatRequest first = ChatRequest.builder().system(SYSTEM).user("Lily said").options(GREEDY)
                .cache(CacheControl.defaults().saveSessionTo(session)).build();
        ChatResponse answer = cold.call(first);

        List<Message> history = List.of(Message.system(SYSTEM), Message.user("Lily said"), Message.assistant(answer.text()));
        ChatRequest next = ChatRequest.builder().messages(history).user("Then").options(GREEDY)
                .cache(CacheControl.defaults().restoreSessionFrom(session)).build();
        try (InferenceClient other = InferenceClient.builder().runtime(Gguf.model(SharedModels.stories260K()).threads(2)).build()) {
            ChatResponse restored = other.call(next);
            assertThat(restored.usage().cachedPromptTokens()).isGreaterThan(first.messages().size());
            assertThat(restored.text()).isEqualTo(coldAnswer(next));
        }
    }

    @Test
    void aSessionSavedByAnotherModelIsRefusedWithAClearError() {
        Path session = directory.resolve("q8.session");
        try (InferenceClient q8 = InferenceClient.builder()
                .runtime(Gguf.model(SharedModels.file("parity/models/llama-Q8_0.gguf")).threads(2).contextLength(256)).build()) {
            q8.call(ChatRequest.builder().user("Once upon a time").options(GREEDY)
                    .cache(CacheControl.defaults().saveSessionTo(session)).build());
        }
        ChatRequest restore = ChatRequest.builder().user("Once upon a time").options(GREEDY)
                .cache(CacheControl.defaults().restoreSessionFrom(session)).build();
        assertThatThrownBy(() -> cold.call(restore)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("another model");
        // the runtime is unharmed
        assertThat(cold.call(restore.withCache(CacheControl.defaults())).text()).isNotEmpty();
    }

    @Test
    void namedSettingsTurnThePrefixCacheOn() {
        try (InferenceClient client = InferenceClient.builder().runtime(RuntimeSpec.of("gguf", Map.of(
                "model", SharedModels.stories260K().toString(), "threads", "2", "prefixCacheBytes", "8000000",
                "prefixCacheBlockSize", "8", "prefixCacheDirectory", directory.resolve("named").toString()))).build()) {
            ChatRequest request = turn(List.of(Message.system(SYSTEM)), "Lily");
            client.call(request);
            ChatResponse again = client.call(request);
            assertThat(again.usage().cachedPromptTokens()).isEqualTo((again.usage().promptTokens() - 1) / 8 * 8);
        }
        assertThatThrownBy(() -> InferenceClient.builder().runtime(RuntimeSpec.of("gguf", Map.of(
                "model", SharedModels.stories260K().toString(), "prefixCacheBlockSize", "8"))).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("prefixCacheBytes");
    }

    @Test
    void savingToAMissingDirectoryFailsBeforeAnyWork() {
        ChatRequest request = ChatRequest.builder().user("Hi").options(GREEDY)
                .cache(CacheControl.defaults().saveSessionTo(directory.resolve("missing/dir/file"))).build();
        assertThatThrownBy(() -> cold.call(request)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("does not exist");
    }
}
