package dev.hearth.local.internal.template;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tool-call parser on arbitrary model output cut into arbitrary chunks, in every format: it releases text and
 * reports well-formed and malformed calls, never throws, and every call it reports names an offered tool. The suite
 * replays {@code ToolCallStreamFuzzTestInputs/}; {@code JAZZER_FUZZ=1} fuzzes (docs/RELIABILITY.md).
 */
class ToolCallStreamFuzzTest {
    private static final Set<String> TOOLS = Set.of("get_weather", "add");

    @FuzzTest(maxDuration = "30s")
    void parsesAnyOutputWithoutThrowing(FuzzedDataProvider data) {
        ToolCallFormat format = data.pickValue(ToolCallFormat.values());
        ToolCallStream calls = new ToolCallStream(format, TOOLS, () -> "abcdefghi");
        while (data.remainingBytes() > 0) {
            calls.accept(data.consumeString(1 + data.consumeInt(0, 40)));
        }
        calls.finish();
        calls.toolCalls().forEach(call -> assertThat(TOOLS).contains(call.name()));
    }
}
