package dev.hearth.api;

import dev.hearth.api.spi.CancellationSignal;
import dev.hearth.api.spi.InferenceRuntime;
import dev.hearth.api.spi.RuntimeInfo;
import dev.hearth.api.testing.ScriptedRuntime;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CacheControlTest {

    @Test
    void requestsUseTheCacheByDefaultAndKeepTheirCacheControlThroughCopies() {
        ChatRequest request = ChatRequest.of(Message.user("hi"));
        assertThat(request.cache()).isEqualTo(CacheControl.defaults());
        assertThat(new ChatRequest(request.messages(), List.of(), GenerationOptions.defaults(), Optional.empty()).cache())
                .isEqualTo(CacheControl.defaults());

        CacheControl pinned = CacheControl.defaults().pinFirstMessages(2).saveSessionTo(Path.of("s.session"));
        ChatRequest withCache = request.withCache(pinned).withOptions(GenerationOptions.greedy());
        assertThat(withCache.cache()).isEqualTo(pinned);
        assertThat(ChatRequest.builder().user("hi").cache(CacheControl.disabled()).build().cache().enabled()).isFalse();
    }

    @Test
    void contradictoryOrNegativeSettingsAreRejectedNamingTheProblem() {
        assertThatThrownBy(() -> CacheControl.defaults().pinFirstMessages(-1))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("pinnedMessages").hasMessageContaining("-1");
        assertThatThrownBy(() -> CacheControl.disabled().pinFirstMessages(1))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("disabled");
        assertThatThrownBy(() -> CacheControl.disabled().saveSessionTo(Path.of("x")))
                .isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void listenersReceiveTheCacheCountersOfRuntimesThatHaveACache() {
        CacheStats counters = new CacheStats(3, 1, 96, 4096, 8192, 2);
        ScriptedRuntime scripted = ScriptedRuntime.builder().name("cached").tokens("a", "b").build();
        InferenceRuntime withCache = new InferenceRuntime() {
            @Override
            public RuntimeInfo info() {
                return scripted.info();
            }

            @Override
            public ChatResponse generate(ChatRequest request, Consumer<TokenEvent> tokens, CancellationSignal cancellation) {
                return scripted.generate(request, tokens, cancellation);
            }

            @Override
            public Optional<CacheStats> cacheStats() {
                return Optional.of(counters);
            }

            @Override
            public void close() {
                scripted.close();
            }
        };
        List<CacheStats> seen = new CopyOnWriteArrayList<>();
        InferenceListener listener = new InferenceListener() {
            @Override
            public void cacheStats(RuntimeInfo runtime, CacheStats stats) {
                seen.add(stats);
            }
        };
        try (InferenceClient client = InferenceClient.builder().runtime(withCache).listener(listener).build()) {
            client.chat().user("hi").call();
        }
        assertThat(seen).containsExactly(counters);

        seen.clear();
        try (InferenceClient client = InferenceClient.builder().runtime(ScriptedRuntime.builder().build()).listener(listener).build()) {
            client.chat().user("hi").call();
        }
        assertThat(seen).as("a runtime without a cache reports nothing").isEmpty();
    }
}
