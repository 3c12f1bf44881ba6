package dev.hearth.api;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Rules of the small value types: messages, requests, tools, usage and timings. */
class ValuesTest {

    @Test
    void toolMessageNeedsTheToolCallItAnswers() {
        assertThatThrownBy(() -> Message.toolResult(null, "42")).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("toolCallId");
        assertThatThrownBy(() -> Message.toolResult(" ", "42")).isInstanceOf(InvalidRequestException.class);
        assertThat(Message.toolResult("call-1", "42").toolCallId()).isEqualTo("call-1");
    }

    @Test
    void onlyAssistantMessagesCarryToolCalls() {
        List<ToolCall> calls = List.of(new ToolCall("call-1", "read", "{\"path\":\"a\"}"));

        assertThat(Message.assistant("", calls).toolCalls()).isEqualTo(calls);
        assertThatThrownBy(() -> new Message(Role.USER, "hi", calls, null))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("USER");
        assertThatThrownBy(() -> new Message(Role.TOOL, "hi", calls, "call-1")).isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void messageToStringNeverContainsTheContent() {
        String secret = "my password is hunter2";
        Message message = Message.assistant(secret, List.of(new ToolCall("id", "tool", "{}")));

        assertThat(message.toString()).doesNotContain("hunter2").contains("ASSISTANT").contains(secret.length() + " chars")
                .contains("1 tool calls");
        assertThat(ChatRequest.of(Message.user(secret)).toString()).doesNotContain("hunter2");
    }

    @Test
    void requestNeedsAMessageAndUniqueToolNames() {
        assertThatThrownBy(() -> ChatRequest.builder().build()).isInstanceOf(InvalidRequestException.class);
        Tool read = new Tool("read", "reads a file", "{}");

        assertThatThrownBy(() -> ChatRequest.builder().user("hi").tools(List.of(read, read)).build())
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("read");
    }

    @Test
    void toolNameMustBeShortAndPlain() {
        assertThatThrownBy(() -> new Tool("rm -rf", "", "{}")).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("rm -rf");
        assertThatThrownBy(() -> new Tool("x".repeat(65), "", "{}")).isInstanceOf(InvalidRequestException.class);
        assertThat(new Tool("fs.read_file-2", "", "{}").name()).isEqualTo("fs.read_file-2");
    }

    @Test
    void usageRejectsMoreCachedThanPromptTokens() {
        assertThatThrownBy(() -> new Usage(10, 11, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cached 11");
        assertThatThrownBy(() -> new Usage(-1, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new Usage(10, 10, 5).totalTokens()).isEqualTo(15);
    }

    @Test
    void timingRatesAreTokensPerSecond() {
        Timings timings = new Timings(Duration.ofMillis(100), Duration.ofMillis(250), 50, Duration.ofSeconds(2), 40,
                Duration.ofMillis(2300));

        assertThat(timings.prefillTokensPerSecond()).isEqualTo(200.0);
        assertThat(timings.decodeTokensPerSecond()).isEqualTo(20.0);
    }

    @Test
    void timingRatesAreZeroWhenNothingWasMeasured() {
        assertThat(Timings.NONE.prefillTokensPerSecond()).isZero();
        assertThat(Timings.NONE.decodeTokensPerSecond()).isZero();
        Timings noTime = new Timings(Duration.ZERO, Duration.ZERO, 12, Duration.ZERO, 3, Duration.ZERO);
        assertThat(noTime.prefillTokensPerSecond()).isZero();
        assertThat(noTime.decodeTokensPerSecond()).isZero();
        Timings noTokens = new Timings(Duration.ZERO, Duration.ofMillis(5), 0, Duration.ofMillis(5), 0, Duration.ofMillis(10));
        assertThat(noTokens.decodeTokensPerSecond()).isZero();
    }
}
