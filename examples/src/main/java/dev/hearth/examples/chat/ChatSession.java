package dev.hearth.examples.chat;

import dev.hearth.api.ChatResponse;
import dev.hearth.api.FinishReason;
import dev.hearth.api.GenerationOptions;
import dev.hearth.api.Generation;
import dev.hearth.api.HearthException;
import dev.hearth.api.InferenceClient;
import dev.hearth.api.Message;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Objects;

/**
 * What {@code hearth chat} does with each line, apart from the terminal: commands change the conversation, messages
 * are answered by streaming. Every turn resends the whole conversation in the same order, so the runtime's prefix
 * cache serves what it has seen and only the new tokens are computed. {@link #cancel()} (Ctrl-C) stops the answer in
 * progress; what was produced until then stays in the conversation.
 */
public final class ChatSession {
    private final InferenceClient client;
    private final GenerationOptions options;
    private final PrintWriter out;
    private final ChatStats stats = new ChatStats();
    private Conversation conversation;
    private volatile Generation current;

    public ChatSession(InferenceClient client, GenerationOptions options, Conversation conversation, PrintWriter out) {
        this.client = Objects.requireNonNull(client, "client");
        this.options = Objects.requireNonNull(options, "options");
        this.conversation = Objects.requireNonNull(conversation, "conversation");
        this.out = Objects.requireNonNull(out, "out");
    }

    public Conversation conversation() {
        return conversation;
    }

    public ChatStats stats() {
        return stats;
    }

    /** Acts on one input; false when the chat should end. */
    public boolean handle(ChatInput input) {
        switch (input) {
            case ChatInput.Say say -> answer(say.text());
            case ChatInput.SetSystem system -> {
                conversation.system(system.text());
                out.println(conversation.system().isPresent() ? "System prompt set." : "System prompt removed.");
            }
            case ChatInput.Save save -> {
                try {
                    conversation.save(save.file());
                    out.println("Saved " + conversation.turns().size() + " messages to " + save.file());
                } catch (UncheckedIOException e) {
                    out.println("error: " + e.getMessage());
                }
            }
            case ChatInput.Load load -> {
                try {
                    conversation = Conversation.load(load.file());
                    out.println("Loaded " + conversation.turns().size() + " messages from " + load.file()
                            + conversation.system().map(s -> " (with a system prompt)").orElse(""));
                } catch (HearthException e) {
                    out.println("error: " + e.getMessage());
                }
            }
            case ChatInput.Stats ignored -> out.println(stats.render());
            case ChatInput.Clear ignored -> {
                conversation.clear();
                out.println("Conversation cleared" + conversation.system().map(s -> " (system prompt kept).").orElse("."));
            }
            case ChatInput.Help ignored -> out.println(ChatInput.HELP);
            case ChatInput.Invalid invalid -> out.println(invalid.problem());
            case ChatInput.Empty ignored -> {
            }
            case ChatInput.Exit ignored -> {
                return false;
            }
        }
        out.flush();
        return true;
    }

    /** Stops the answer in progress, if there is one; safe from any thread (a signal handler). */
    public void cancel() {
        Generation generation = current;
        if (generation != null) {
            generation.cancel();
        }
    }

    /** True while an answer is being produced. */
    public boolean answering() {
        return current != null;
    }

    private void answer(String text) {
        conversation.add(Message.user(text));
        ChatResponse answer;
        try {
            current = client.chat().messages(conversation.messages()).options(options).submit(token -> {
                out.print(token.text());
                out.flush();
            });
            answer = current.await();
        } catch (HearthException e) {
            dropLastTurn();
            out.println();
            out.println("error: " + e.getMessage());
            out.flush();
            return;
        } catch (InterruptedException e) {
            cancel();
            Thread.currentThread().interrupt();
            dropLastTurn();
            return;
        } finally {
            current = null;
        }
        conversation.add(Message.assistant(answer.text()));
        stats.record(answer);
        out.println();
        if (answer.finishReason() == FinishReason.CANCELLED) {
            out.println("^C (answer stopped)");
        }
        out.println(ChatStats.summary(answer));
        out.flush();
    }

    private void dropLastTurn() {
        java.util.List<Message> turns = conversation.turns();
        Conversation kept = new Conversation();
        conversation.system().ifPresent(kept::system);
        turns.subList(0, turns.size() - 1).forEach(kept::add);
        conversation = kept;
    }
}
