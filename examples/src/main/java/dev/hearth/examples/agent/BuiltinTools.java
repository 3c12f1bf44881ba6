package dev.hearth.examples.agent;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The example agent's tools: {@code read_file}, {@code list_files} and {@code grep} inside one {@link Sandbox}, a
 * {@code calculator} ({@link Calculator}) and the {@code clock}. None reaches the network. Outputs are capped, so a
 * large folder cannot flood the model's context; a file the sandbox marks private comes back as a private result.
 */
public final class BuiltinTools {
    /** The most characters of a file {@code read_file} returns. */
    static final int MAX_FILE_CHARS = 4_000;
    /** The most entries or matching lines {@code list_files} and {@code grep} return. */
    static final int MAX_LINES = 50;

    private BuiltinTools() {
    }

    // Short schemas on purpose: every step resends them, and a small model's context is short. The string bounds
    // keep a constrained call of a tiny model (a token per character or two) within about 120 tokens.
    record PathArgument(@ToolParam(maxLength = 32) String path) {
    }

    record GrepArguments(@ToolParam(maxLength = 24) String text, @ToolParam(maxLength = 32) String path) {
    }

    record Expression(@ToolParam(maxLength = 48) String expression) {
    }

    record NoArguments() {
    }

    /** Every built-in tool over {@code sandbox}, telling the time by {@code clock}. */
    public static List<AgentTool> all(Sandbox sandbox, Clock clock) {
        return List.of(readFile(sandbox), listFiles(sandbox), grep(sandbox), calculator(), clock(clock));
    }

    public static AgentTool readFile(Sandbox sandbox) {
        return AgentTool.of("read_file", "Reads a file.", PathArgument.class, args -> {
            Path file = sandbox.resolve(args.path());
            if (!Files.isRegularFile(file)) {
                throw new SandboxException("'" + args.path() + "' is a folder, not a file; list it with list_files");
            }
            String text = readText(file, args.path());
            if (text.length() > MAX_FILE_CHARS) {
                text = text.substring(0, MAX_FILE_CHARS) + "\n[... cut at " + MAX_FILE_CHARS + " of " + text.length() + " characters]";
            }
            return sandbox.isPrivate(file) ? ToolResult.privateResult(text) : ToolResult.of(text);
        });
    }

    public static AgentTool listFiles(Sandbox sandbox) {
        return AgentTool.of("list_files", "Lists a folder.", PathArgument.class, args -> {
            Path folder = sandbox.resolve(args.path());
            if (!Files.isDirectory(folder)) {
                throw new SandboxException("'" + args.path() + "' is a file, not a folder; read it with read_file");
            }
            List<String> entries = new ArrayList<>();
            try (Stream<Path> children = Files.list(folder)) {
                children.sorted().forEach(child -> entries.add(sandbox.display(folder.resolve(child.getFileName()))
                        + (Files.isDirectory(child) ? "/" : "")));
            }
            return String.join("\n", capped(entries));
        });
    }

    public static AgentTool grep(Sandbox sandbox) {
        return AgentTool.of("grep", "Finds lines with text.", GrepArguments.class, args -> {
            if (args.text().isEmpty()) {
                throw new ToolArgumentsException("text must not be empty");
            }
            Path start = sandbox.resolve(args.path());
            String needle = args.text().toLowerCase(Locale.ROOT);
            List<String> matches = new ArrayList<>();
            boolean anyPrivate = false;
            List<Path> files;
            // links are not followed while walking; each file is still checked on its real path
            try (Stream<Path> walk = Files.walk(start)) {
                files = walk.filter(Files::isRegularFile).sorted().toList();
            }
            for (Path file : files) {
                Path real;
                try {
                    real = sandbox.inside(file, sandbox.display(file));
                } catch (SandboxException outside) {
                    continue;
                }
                String text;
                try {
                    text = Files.readString(real, StandardCharsets.UTF_8);
                } catch (CharacterCodingException binary) {
                    continue;
                }
                String[] lines = text.split("\n", -1);
                for (int i = 0; i < lines.length; i++) {
                    if (lines[i].toLowerCase(Locale.ROOT).contains(needle)) {
                        matches.add(sandbox.display(real) + ":" + (i + 1) + ": " + lines[i].strip());
                        anyPrivate |= sandbox.isPrivate(real);
                    }
                }
            }
            String result = matches.isEmpty() ? "no line contains '" + args.text() + "'" : String.join("\n", capped(matches));
            return anyPrivate ? ToolResult.privateResult(result) : ToolResult.of(result);
        });
    }

    public static AgentTool calculator() {
        return AgentTool.of("calculator", "Evaluates arithmetic.", Expression.class, args -> {
            try {
                return Calculator.format(Calculator.evaluate(args.expression()));
            } catch (IllegalArgumentException e) {
                throw new ToolArgumentsException(e.getMessage(), e);
            }
        });
    }

    public static AgentTool clock(Clock clock) {
        return AgentTool.of("clock", "Tells the time.", NoArguments.class,
                args -> ZonedDateTime.now(clock).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
    }

    private static String readText(Path file, String shown) throws IOException {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new SandboxException("'" + shown + "' is not a UTF-8 text file");
        }
    }

    private static List<String> capped(List<String> lines) {
        if (lines.size() <= MAX_LINES) {
            return lines;
        }
        List<String> kept = new ArrayList<>(lines.subList(0, MAX_LINES));
        kept.add("[... " + (lines.size() - MAX_LINES) + " more]");
        return kept;
    }
}
