package dev.hearth.examples.chat;

import dev.hearth.api.GenerationOptions;
import dev.hearth.api.InferenceClient;
import dev.hearth.examples.RuntimeOptions;
import org.jline.keymap.KeyMap;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.Reference;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code hearth chat}: an interactive chat in the terminal, with line editing and history (JLine), streaming answers,
 * and the prefix cache so each turn computes only its new tokens. Ctrl-C stops an answer and keeps the chat; Ctrl-D
 * or {@code /exit} leaves.
 */
@Command(name = "chat", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Chats with a model in the terminal: history, multi-line input (a trailing \\ or Alt-Enter),"
                + " streaming answers, the prefix cache. Ctrl-C stops an answer, Ctrl-D or /exit leaves.",
                "Commands: /system TEXT, /save FILE, /load FILE, /stats, /clear, /help, /exit."})
public final class ChatCommand implements Callable<Integer> {
    private static final String NEWLINE_WIDGET = "hearth-insert-newline";
    private static final String QUIET_LOGGERS = "org.slf4j.simpleLogger.log.dev.hearth";

    @Mixin
    RuntimeOptions runtime;

    @Option(names = "--max-tokens", description = "most tokens per answer (default: ${DEFAULT-VALUE})", defaultValue = "512")
    int maxTokens;

    @Option(names = "--temperature", description = "0 is greedy (default: ${DEFAULT-VALUE})", defaultValue = "0.7")
    double temperature;

    @Option(names = "--seed", description = "sampling seed (default: a new one per answer)")
    Long seed;

    @Option(names = "--system", paramLabel = "TEXT", description = "the system prompt to start with")
    String system;

    @Option(names = "--load", paramLabel = "FILE", description = "start from a chat saved with /save")
    Path load;

    @Option(names = "--history", paramLabel = "FILE", description = "where typed lines are kept (default: ~/.cache/hearth/chat-history)")
    Path history;

    GenerationOptions generationOptions() {
        GenerationOptions.Builder options = GenerationOptions.builder().maxTokens(maxTokens).temperature(temperature);
        if (seed != null) {
            options.seed(seed);
        } else {
            options.randomSeed();
        }
        return options.build();
    }

    @Override
    public Integer call() throws IOException {
        // INFO lines about opening the model would land among the answers; warnings still show. slf4j-simple reads a
        // logger's level when the logger is made, so this still reaches the runtime's loggers, made after this point.
        if (System.getProperty(QUIET_LOGGERS) == null) {
            System.setProperty(QUIET_LOGGERS, "warn");
        }
        Conversation conversation = load != null ? Conversation.load(load) : new Conversation();
        if (system != null) {
            conversation.system(system);
        }
        // dumb(true): piped input gets a plain terminal instead of a warning; a real one gets the FFM provider
        try (Terminal terminal = TerminalBuilder.builder().system(true).dumb(true).nativeSignals(true).build();
             InferenceClient client = runtime.openClient()) {
            PrintWriter out = terminal.writer();
            ChatSession session = new ChatSession(client, generationOptions(), conversation, out);
            LineReader reader = lineReader(terminal);
            // outside readLine the terminal is in its normal mode, so Ctrl-C arrives as SIGINT: stop the answer
            terminal.handle(Terminal.Signal.INT, signal -> session.cancel());
            out.println("hearth chat: /help for commands, Ctrl-C stops an answer, Ctrl-D or /exit leaves.");
            out.flush();
            while (true) {
                String line;
                try {
                    line = readMessage(reader);
                } catch (UserInterruptException e) {
                    continue; // Ctrl-C at the prompt clears the line, as in a shell
                } catch (EndOfFileException e) {
                    break;
                }
                if (!session.handle(ChatInput.parse(line))) {
                    break;
                }
            }
            out.println("bye");
            out.flush();
        }
        return 0;
    }

    private LineReader lineReader(Terminal terminal) {
        DefaultParser parser = new DefaultParser();
        parser.setEscapeChars(null); // a backslash is text (a trailing one continues the message, handled below)
        LineReader reader = LineReaderBuilder.builder().terminal(terminal).appName("hearth-chat").parser(parser)
                .variable(LineReader.HISTORY_FILE, history != null ? history
                        : Path.of(System.getProperty("user.home"), ".cache", "hearth", "chat-history"))
                .variable(LineReader.SECONDARY_PROMPT_PATTERN, "... ")
                .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true) // '!' is text, not a history reference
                .option(LineReader.Option.INSERT_TAB, true)
                .build();
        reader.getWidgets().put(NEWLINE_WIDGET, () -> {
            reader.getBuffer().write('\n');
            return true;
        });
        reader.getKeyMaps().get(LineReader.MAIN).bind(new Reference(NEWLINE_WIDGET), KeyMap.alt('\r'));
        return reader;
    }

    /** One message: lines ending in a backslash continue on the next line. */
    private static String readMessage(LineReader reader) {
        StringBuilder message = new StringBuilder();
        String prompt = "> ";
        while (true) {
            String line = reader.readLine(prompt);
            if (line.endsWith("\\")) {
                message.append(line, 0, line.length() - 1).append('\n');
                prompt = "... ";
                continue;
            }
            return message.append(line).toString();
        }
    }
}
