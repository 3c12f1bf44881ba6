package dev.hearth.local.internal.template;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.hearth.api.HearthException;
import dev.hearth.api.Message;
import dev.hearth.api.Tool;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/**
 * The chat-template renderer on arbitrary template text and message contents (a GGUF file brings its own template,
 * so this is untrusted input): it renders, or refuses with a typed {@link HearthException}; any other exception is a
 * finding. The suite replays {@code ChatTemplateFuzzTestInputs/}; {@code JAZZER_FUZZ=1} fuzzes (docs/RELIABILITY.md).
 */
class ChatTemplateFuzzTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-04T00:00:00Z"), ZoneOffset.UTC);

    @FuzzTest(maxDuration = "30s")
    void rendersOrRefusesTyped(FuzzedDataProvider data) {
        String user = data.consumeString(200);
        String source = data.consumeRemainingAsString();
        try {
            ChatTemplate template = new ChatTemplate(source, "<s>", "</s>", CLOCK);
            template.render(List.of(Message.system("Be brief."), Message.user(user)),
                    List.of(new Tool("add", "Adds.", "{\"type\":\"object\"}")), true);
        } catch (HearthException refused) {
            // a broken or hostile template is refused by name
        }
    }
}
