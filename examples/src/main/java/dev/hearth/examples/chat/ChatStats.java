package dev.hearth.examples.chat;

import dev.hearth.api.ChatResponse;
import dev.hearth.api.Usage;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/** Token counts and timings of the last answer and of the whole session, for {@code /stats}. */
public final class ChatStats {
    private ChatResponse last;
    private int answers;
    private long promptTokens;
    private long cachedPromptTokens;
    private long completionTokens;
    private Duration timeToFirstToken = Duration.ZERO;
    private Duration decode = Duration.ZERO;
    private long decodeTokens;

    public void record(ChatResponse answer) {
        last = answer;
        answers++;
        Usage usage = answer.usage();
        promptTokens += usage.promptTokens();
        cachedPromptTokens += usage.cachedPromptTokens();
        completionTokens += usage.completionTokens();
        timeToFirstToken = timeToFirstToken.plus(answer.timings().timeToFirstToken());
        decode = decode.plus(answer.timings().decode());
        decodeTokens += answer.timings().decodeTokens();
    }

    public Optional<ChatResponse> last() {
        return Optional.ofNullable(last);
    }

    public int answers() {
        return answers;
    }

    /** One line under an answer. */
    public static String summary(ChatResponse answer) {
        Usage usage = answer.usage();
        return String.format(Locale.ROOT, "[%d tokens, prompt %d (%d cached), TTFT %s, %.1f tok/s%s]",
                usage.completionTokens(), usage.promptTokens(), usage.cachedPromptTokens(),
                millis(answer.timings().timeToFirstToken()), answer.timings().decodeTokensPerSecond(),
                switch (answer.finishReason()) {
                    case CANCELLED -> ", cancelled";
                    case LENGTH -> ", stopped at --max-tokens";
                    case CONTEXT_FULL -> ", context full";
                    default -> "";
                });
    }

    /** The {@code /stats} report. */
    public String render() {
        if (last == null) {
            return "No answer yet.";
        }
        Usage usage = last.usage();
        double totalRate = decode.isZero() ? 0 : decodeTokens * 1e9 / decode.toNanos();
        return String.format(Locale.ROOT, """
                        last answer: %d prompt tokens (%d cached, %d computed), %d completion tokens, TTFT %s, %.1f tok/s, %s
                        session:     %d answers, %d prompt tokens (%d cached, %.0f%%), %d completion tokens, mean TTFT %s, %.1f tok/s""",
                usage.promptTokens(), usage.cachedPromptTokens(), usage.promptTokens() - usage.cachedPromptTokens(),
                usage.completionTokens(), millis(last.timings().timeToFirstToken()), last.timings().decodeTokensPerSecond(),
                last.finishReason().name().toLowerCase(Locale.ROOT),
                answers, promptTokens, cachedPromptTokens, promptTokens == 0 ? 0.0 : 100.0 * cachedPromptTokens / promptTokens,
                completionTokens, millis(timeToFirstToken.dividedBy(answers)), totalRate);
    }

    private static String millis(Duration duration) {
        return String.format(Locale.ROOT, "%.1f ms", duration.toNanos() / 1e6);
    }
}
