package dev.hearth.examples.chat;

import java.nio.file.Path;

/**
 * One line typed into {@code hearth chat}: a message for the model, or a command starting with {@code /}. Parsing
 * is separate from the terminal so it can be tested without one.
 */
public sealed interface ChatInput {
    /** Text for the model. */
    record Say(String text) implements ChatInput {
    }

    /** {@code /system TEXT}: replaces the system prompt ({@code /system} alone removes it). */
    record SetSystem(String text) implements ChatInput {
    }

    /** {@code /save FILE}: writes the conversation as JSON. */
    record Save(Path file) implements ChatInput {
    }

    /** {@code /load FILE}: replaces the conversation with one saved by {@code /save}. */
    record Load(Path file) implements ChatInput {
    }

    /** {@code /stats}: tokens, cached tokens, time to first token and speed of the last answer and of the session. */
    record Stats() implements ChatInput {
    }

    /** {@code /clear}: forgets the messages, keeps the system prompt. */
    record Clear() implements ChatInput {
    }

    /** {@code /help}. */
    record Help() implements ChatInput {
    }

    /** {@code /exit} or {@code /quit}. */
    record Exit() implements ChatInput {
    }

    /** A line that cannot be acted on, with what to type instead. */
    record Invalid(String problem) implements ChatInput {
    }

    /** Nothing typed. */
    record Empty() implements ChatInput {
    }

    String HELP = """
            /system TEXT   set the system prompt (/system alone removes it)
            /save FILE     save the conversation as JSON
            /load FILE     load a conversation saved with /save
            /stats         tokens, cached tokens, TTFT and tok/s of the last answer and in total
            /clear         forget the messages, keep the system prompt
            /exit          leave (or Ctrl-D)
            A line ending in \\ continues on the next line; Alt-Enter inserts a newline. Ctrl-C stops an answer.
            Start a message with // to send a text that begins with /.""";

    static ChatInput parse(String line) {
        String text = line.strip();
        if (text.isEmpty()) {
            return new Empty();
        }
        if (text.startsWith("//")) {
            return new Say(text.substring(1));
        }
        if (!text.startsWith("/")) {
            return new Say(line.strip());
        }
        int space = text.indexOf(' ');
        String command = space < 0 ? text : text.substring(0, space);
        String argument = space < 0 ? "" : text.substring(space + 1).strip();
        return switch (command) {
            case "/system" -> new SetSystem(argument);
            case "/save" -> argument.isEmpty() ? new Invalid("/save needs a file: /save chat.json") : new Save(Path.of(argument));
            case "/load" -> argument.isEmpty() ? new Invalid("/load needs a file: /load chat.json") : new Load(Path.of(argument));
            case "/stats" -> argument.isEmpty() ? new Stats() : new Invalid("/stats takes no argument");
            case "/clear" -> new Clear();
            case "/help", "/?" -> new Help();
            case "/exit", "/quit", "/bye" -> new Exit();
            default -> new Invalid("Unknown command " + command + "; /help lists them (// sends a message starting with /)");
        };
    }
}
