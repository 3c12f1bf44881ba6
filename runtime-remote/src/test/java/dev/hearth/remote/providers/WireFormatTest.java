package dev.hearth.remote.providers;

import dev.hearth.api.ChatRequest;
import dev.hearth.api.Message;
import dev.hearth.api.Tool;
import org.junit.jupiter.api.Test;

import java.net.http.HttpHeaders;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The small parsers under the clients: SSE, stop sequences, Retry-After, the prompt cache key. */
class WireFormatTest {

    @Test
    void sseJoinsDataLinesSkipsCommentsAndDispatchesOnBlankLines() {
        List<String> events = new ArrayList<>();
        SseDecoder decoder = new SseDecoder((name, data) -> events.add(name + "|" + data));
        for (String line : List.of(": keep-alive", "event: message_start", "data: {\"a\":", "data:1}", "", "",
                "data: [DONE]", "", "event: orphan", "")) {
            decoder.line(line);
        }
        decoder.line("data: tail");
        decoder.end();

        assertThat(events).containsExactly("message_start|{\"a\":\n1}", "null|[DONE]", "null|tail");
    }

    @Test
    void stopMatcherHoldsBackAPossibleStartAndReleasesItWhenItIsNot() {
        StopMatcher matcher = new StopMatcher(List.of("END"));
        assertThat(matcher.accept("The E")).isEqualTo("The ");
        assertThat(matcher.accept("nd")).isEqualTo("End");
        assertThat(matcher.accept(" of it E")).isEqualTo(" of it ");
        assertThat(matcher.accept("N")).isEmpty();
        assertThat(matcher.accept("D and more")).isEmpty();
        assertThat(matcher.stopped()).isTrue();
        assertThat(matcher.accept("ignored")).isEmpty();
    }

    @Test
    void stopMatcherFlushesHeldTextWhenTheStreamEnds() {
        StopMatcher matcher = new StopMatcher(List.of("\n\n"));
        assertThat(matcher.accept("line\n")).isEqualTo("line");
        assertThat(matcher.flush()).isEqualTo("\n");
        assertThat(matcher.stopped()).isFalse();
    }

    @Test
    void retryAfterReadsSecondsDatesAndOpenAisMilliseconds() {
        Clock clock = Clock.fixed(Instant.parse("2026-11-25T21:00:00Z"), ZoneOffset.UTC);
        assertThat(RetryAfter.parse("7", clock)).contains(Duration.ofSeconds(7));
        assertThat(RetryAfter.parse("Wed, 25 Nov 2026 21:00:30 GMT", clock)).contains(Duration.ofSeconds(30));
        assertThat(RetryAfter.parse("Wed, 25 Nov 2026 20:00:00 GMT", clock)).contains(Duration.ZERO);
        assertThat(RetryAfter.parse("soon", clock)).isEmpty();
        assertThat(RetryAfter.parse("-3", clock)).isEmpty();
        HttpHeaders headers = HttpHeaders.of(Map.of("retry-after-ms", List.of("1500"), "retry-after", List.of("2")),
                (a, b) -> true);
        assertThat(RetryAfter.from(headers, clock)).isEqualTo(Optional.of(Duration.ofMillis(1500)));
    }

    @Test
    void promptCacheKeyDependsOnTheStablePrefixOnly() {
        Tool tool = new Tool("read_file", "Reads a file.", "{\"type\":\"object\"}");
        ChatRequest first = ChatRequest.builder().system("You are careful.").user("Summarise a.md").tools(List.of(tool)).build();
        ChatRequest later = ChatRequest.builder().system("You are careful.").user("Summarise a.md")
                .assistant("Done.").user("Now b.md").tools(List.of(tool)).build();
        ChatRequest otherTools = ChatRequest.builder().system("You are careful.").user("Summarise a.md").build();
        ChatRequest splitDifferently = ChatRequest.builder().message(Message.system("You are")).system(" careful.")
                .user("x").tools(List.of(tool)).build();

        String key = PromptCacheKey.of("gpt-4.1", first);
        assertThat(PromptCacheKey.of("gpt-4.1", later)).isEqualTo(key);
        assertThat(PromptCacheKey.of("gpt-4.1-mini", first)).isNotEqualTo(key);
        assertThat(PromptCacheKey.of("gpt-4.1", otherTools)).isNotEqualTo(key);
        assertThat(PromptCacheKey.of("gpt-4.1", splitDifferently)).isNotEqualTo(key);
        assertThat(key).matches("hearth-[0-9a-f]{32}");
    }
}
