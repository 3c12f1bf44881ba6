package dev.hearth.examples;

import dev.hearth.api.ChatResponse;
import dev.hearth.api.GenerationOptions;
import dev.hearth.api.InferenceClient;
import dev.hearth.api.Message;
import dev.hearth.api.Timings;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A short multi-turn session the way an agent runs one: every turn resends the whole conversation so far plus the
 * new user message, streams the answer, and keeps it in the history. After each turn it prints what the call cost:
 * prompt tokens (and how many were cached), time to first token, prefill and decode speed.
 */
final class AgentHarness {
    private final InferenceClient client;
    private final GenerationOptions options;
    private final PrintStream out;

    AgentHarness(InferenceClient client, GenerationOptions options, PrintStream out) {
        this.client = client;
        this.options = options;
        this.out = out;
    }

    /** Runs the turns in order and returns each turn's answer. */
    List<ChatResponse> run(List<String> turns) {
        List<Message> history = new ArrayList<>();
        List<ChatResponse> answers = new ArrayList<>();
        out.printf("Agent session on %s (%s)%n", client.runtimes().getFirst().defaultModel(), client.runtimes().getFirst().name());
        for (int i = 0; i < turns.size(); i++) {
            String turn = turns.get(i);
            history.add(Message.user(turn));
            out.printf("%n--- turn %d ---%nuser>  %s%nmodel> ", i + 1, turn);
            ChatResponse answer = client.chat().messages(history).options(options)
                    .stream(event -> {
                        out.print(event.text());
                        out.flush();
                    });
            out.println();
            out.println(describe(answer));
            history.add(Message.assistant(answer.text()));
            answers.add(answer);
        }
        out.println();
        out.println(summary(answers));
        return answers;
    }

    static String describe(ChatResponse answer) {
        Timings t = answer.timings();
        return String.format(Locale.ROOT,
                "       [prompt %d tok (%d cached) | ttft %.1f ms | prefill %.0f tok/s | decode %.0f tok/s | %d tok | %s]",
                answer.usage().promptTokens(), answer.usage().cachedPromptTokens(), t.timeToFirstToken().toNanos() / 1e6,
                t.prefillTokensPerSecond(), t.decodeTokensPerSecond(), answer.usage().completionTokens(),
                answer.finishReason());
    }

    private static String summary(List<ChatResponse> answers) {
        int prompt = answers.stream().mapToInt(a -> a.usage().promptTokens()).sum();
        int completion = answers.stream().mapToInt(a -> a.usage().completionTokens()).sum();
        double seconds = answers.stream().mapToLong(a -> a.timings().total().toNanos()).sum() / 1e9;
        return String.format(Locale.ROOT, "%d turns: %d prompt tokens, %d completion tokens, %.2f s in total",
                answers.size(), prompt, completion, seconds);
    }
}
