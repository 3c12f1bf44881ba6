package dev.hearth.local.internal.template;

import dev.hearth.api.ToolCall;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class ToolCallStreamTest {
    private static final Set<String> TOOLS = Set.of("get_weather", "search");

    /** Feeds the text in chunks of the given size (1 = one character per token) and returns the released text. */
    private static String stream(ToolCallStream calls, String output, int chunk) {
        StringBuilder released = new StringBuilder();
        for (int i = 0; i < output.length(); i += chunk) {
            String piece = calls.accept(output.substring(i, Math.min(output.length(), i + chunk)));
            released.append(piece);
        }
        released.append(calls.finish());
        return released.toString();
    }

    private static ToolCallStream stream(ToolCallFormat format) {
        AtomicInteger next = new AtomicInteger();
        return new ToolCallStream(format, TOOLS, () -> String.format("call%05d", next.incrementAndGet()));
    }

    @Test
    void hermesCallSplitIntoSingleCharactersNeverLeaksIntoText() {
        for (int chunk : new int[] {1, 2, 3, 7, 1000}) {
            ToolCallStream calls = stream(ToolCallFormat.HERMES);
            StringBuilder released = new StringBuilder();
            String output = "Let me check.\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"location\": \"Paris\"}}\n</tool_call>";
            for (int i = 0; i < output.length(); i += chunk) {
                String piece = calls.accept(output.substring(i, Math.min(output.length(), i + chunk)));
                assertThat(piece).doesNotContain("<", "{");
                released.append(piece);
            }
            released.append(calls.finish());
            assertThat(released.toString()).isEqualTo("Let me check.\n");
            assertThat(calls.toolCalls()).containsExactly(new ToolCall("call00001", "get_weather", "{\"location\":\"Paris\"}"));
            assertThat(calls.errors()).isEmpty();
        }
    }

    @Test
    void hermesParallelCallsAreAllReturned() {
        ToolCallStream calls = stream(ToolCallFormat.HERMES);
        String text = stream(calls, "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"location\": \"Paris\"}}\n</tool_call>\n"
                + "<tool_call>\n{\"name\": \"search\", \"arguments\": {\"q\": \"r\u00e9sum\u00e9\"}}\n</tool_call>", 4);
        assertThat(text).isEmpty();
        assertThat(calls.toolCalls()).extracting(ToolCall::name).containsExactly("get_weather", "search");
        assertThat(calls.toolCalls().get(1).argumentsJson()).isEqualTo("{\"q\":\"r\u00e9sum\u00e9\"}");
    }

    @Test
    void textThatOnlyLooksLikeTheStartOfAMarkerIsReleased() {
        ToolCallStream calls = stream(ToolCallFormat.HERMES);
        assertThat(calls.accept("a <tool")).isEqualTo("a ");
        assertThat(calls.accept("box> b")).isEqualTo("<toolbox> b");
        assertThat(calls.finish()).isEmpty();
        assertThat(calls.calledTools()).isFalse();
    }

    @Test
    void malformedJsonBecomesAToolCallErrorNotAnException() {
        ToolCallStream calls = stream(ToolCallFormat.HERMES);
        String text = stream(calls, "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"location\": \"Par\n</tool_call>", 1);
        assertThat(text).isEmpty();
        assertThat(calls.toolCalls()).isEmpty();
        assertThat(calls.errors()).singleElement().satisfies(error -> {
            assertThat(error.rawText()).contains("\"Par");
            assertThat(error.problem()).contains("not valid JSON");
        });
        assertThat(calls.calledTools()).isTrue();
    }

    @Test
    void callToAnUnknownToolIsAnError() {
        ToolCallStream calls = stream(ToolCallFormat.HERMES);
        stream(calls, "<tool_call>{\"name\": \"rm_rf\", \"arguments\": {}}</tool_call>", 5);
        assertThat(calls.errors()).singleElement().extracting(e -> e.problem()).asString().contains("no tool named 'rm_rf'");
    }

    @Test
    void qwenCoderXmlCallIsParsed() {
        ToolCallStream calls = stream(ToolCallFormat.HERMES);
        stream(calls, "<tool_call>\n<function=get_weather>\n<parameter=location>\nParis\n</parameter>\n<parameter=days>\n3\n</parameter>\n</function>\n</tool_call>", 3);
        assertThat(calls.toolCalls()).singleElement().extracting(ToolCall::argumentsJson).isEqualTo("{\"location\":\"Paris\",\"days\":3}");
    }

    @Test
    void llama3JsonCallIsHeldFromTheFirstBrace() {
        ToolCallStream calls = stream(ToolCallFormat.LLAMA3_JSON);
        String text = stream(calls, "{\"name\": \"get_weather\", \"parameters\": {\"location\": \"Paris\"}}", 1);
        assertThat(text).isEmpty();
        assertThat(calls.toolCalls()).singleElement().isEqualTo(new ToolCall("call00001", "get_weather", "{\"location\":\"Paris\"}"));
    }

    @Test
    void llama3PythonTagCallIsParsed() {
        ToolCallStream calls = stream(ToolCallFormat.LLAMA3_JSON);
        stream(calls, "<|python_tag|>{\"name\": \"search\", \"parameters\": {\"q\": \"x\"}}", 2);
        assertThat(calls.toolCalls()).extracting(ToolCall::name).containsExactly("search");
    }

    @Test
    void llama3PlainAnswerIsReleasedWhileStreaming() {
        ToolCallStream calls = stream(ToolCallFormat.LLAMA3_JSON);
        assertThat(calls.accept("  The")).isEqualTo("  The");
        assertThat(calls.accept(" weather {is} fine")).isEqualTo(" weather {is} fine");
        assertThat(calls.finish()).isEmpty();
        assertThat(calls.calledTools()).isFalse();
    }

    @Test
    void llama3JsonAnswerThatIsNotACallStaysText() {
        ToolCallStream calls = stream(ToolCallFormat.LLAMA3_JSON);
        assertThat(stream(calls, "{\"answer\": 42}", 1)).isEqualTo("{\"answer\": 42}");
        assertThat(calls.calledTools()).isFalse();
    }

    @Test
    void mistralNemoJsonArrayKeepsTheModelsIds() {
        ToolCallStream calls = stream(ToolCallFormat.MISTRAL);
        String text = stream(calls, "[TOOL_CALLS][{\"name\": \"get_weather\", \"arguments\": {\"location\": \"Paris\"}, \"id\": \"abcDEF123\"}]", 1);
        assertThat(text).isEmpty();
        assertThat(calls.toolCalls()).containsExactly(new ToolCall("abcDEF123", "get_weather", "{\"location\":\"Paris\"}"));
    }

    @Test
    void mistralSmallNameArgsFormWithSeveralCalls() {
        ToolCallStream calls = stream(ToolCallFormat.MISTRAL);
        stream(calls, "[TOOL_CALLS]get_weather[ARGS]{\"location\": \"Paris\"}[TOOL_CALLS]search[CALL_ID]xyz987654[ARGS]{\"q\": \"a\"}", 2);
        assertThat(calls.toolCalls()).containsExactly(
                new ToolCall("call00001", "get_weather", "{\"location\":\"Paris\"}"),
                new ToolCall("xyz987654", "search", "{\"q\":\"a\"}"));
    }

    @Test
    void mistralTruncatedArgumentsAreAnError() {
        ToolCallStream calls = stream(ToolCallFormat.MISTRAL);
        stream(calls, "[TOOL_CALLS]get_weather[ARGS]{\"location\": ", 1);
        assertThat(calls.toolCalls()).isEmpty();
        assertThat(calls.errors()).singleElement().extracting(e -> e.problem()).asString().contains("not valid JSON");
    }

    @Test
    void formatIsRecognisedFromTheTemplate() {
        assertThat(ToolCallFormat.detect("... <tool_call>\\n{\"name\" ...")).contains(ToolCallFormat.HERMES);
        assertThat(ToolCallFormat.detect("{{ '[TOOL_CALLS]' }}")).contains(ToolCallFormat.MISTRAL);
        assertThat(ToolCallFormat.detect("{{ '[TOOL_CALLS]' + name + '[ARGS]' }}")).contains(ToolCallFormat.MISTRAL_ARGS);
        assertThat(ToolCallFormat.detect("{{- '<|python_tag|>' }}")).contains(ToolCallFormat.LLAMA3_JSON);
        assertThat(ToolCallFormat.detect("{{ bos_token }}{% for m in messages %}{{ m.content }}{% endfor %}")).isEmpty();
    }
}
