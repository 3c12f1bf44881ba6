package dev.hearth.examples.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.api.Message;
import dev.hearth.api.Role;
import dev.hearth.api.Sensitivity;
import dev.hearth.api.ToolCall;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * An agent conversation kept on disk so it can be resumed later, in another process: the messages (with their
 * sensitivity and tool calls) in {@value #MESSAGES_FILE}, and beside them {@value #KV_FILE}, the keys and values the
 * local runtime saved for the conversation ({@link AgentLoop.Builder#sessionFile}). A loop given that KV file restores
 * it on its first step, so the resumed conversation's first answer computes only the tokens that are new.
 *
 * <pre>{@code
 * AgentLoop loop = AgentLoop.builder(client).tools(tools).sessionFile(AgentSession.kvFile(dir)).build();
 * AgentRun run = loop.run(task);
 * AgentSession.of(run).save(dir);
 * // later, any process
 * AgentSession saved = AgentSession.load(dir);
 * AgentRun more = loop.continueFrom(saved.followUp("And then?"), saved.privateTaint(), new CancelToken());
 * }</pre>
 */
public record AgentSession(List<Message> messages, boolean privateTaint) {
    public static final String MESSAGES_FILE = "messages.json";
    public static final String KV_FILE = "kv.session";
    private static final int FORMAT_VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public AgentSession {
        messages = List.copyOf(messages);
    }

    public static AgentSession of(AgentRun run) {
        return new AgentSession(run.messages(), run.privateTaint());
    }

    /** Where a session kept in {@code directory} has its keys and values. */
    public static Path kvFile(Path directory) {
        return directory.resolve(KV_FILE);
    }

    /** The conversation with a new user message at the end (private when the session is). */
    public List<Message> followUp(String userMessage) {
        List<Message> next = new ArrayList<>(messages);
        next.add(privateTaint ? Message.user(userMessage, Sensitivity.PRIVATE) : Message.user(userMessage));
        return next;
    }

    /** Writes the messages to {@code directory} (created if missing); the KV file is the loop's to write. */
    public void save(Path directory) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", FORMAT_VERSION);
        root.put("privateTaint", privateTaint);
        ArrayNode list = root.putArray("messages");
        for (Message message : messages) {
            ObjectNode node = list.addObject();
            node.put("role", message.role().name().toLowerCase(Locale.ROOT));
            node.put("content", message.content());
            if (message.toolCallId() != null) {
                node.put("toolCallId", message.toolCallId());
            }
            if (message.sensitivity() != Sensitivity.PUBLIC) {
                node.put("sensitivity", message.sensitivity().name());
            }
            if (!message.toolCalls().isEmpty()) {
                ArrayNode calls = node.putArray("toolCalls");
                for (ToolCall call : message.toolCalls()) {
                    calls.addObject().put("id", call.id()).put("name", call.name()).put("arguments", call.argumentsJson());
                }
            }
        }
        try {
            Files.createDirectories(directory);
            Path file = directory.resolve(MESSAGES_FILE);
            Path partial = directory.resolve(MESSAGES_FILE + ".partial");
            JSON.writeValue(partial.toFile(), root);
            // a crash mid-write must not leave a half session that a later resume would misread
            Files.move(partial, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the agent session to " + directory + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a session saved by {@link #save}.
     *
     * @throws IllegalArgumentException when the file is not a session this version wrote, naming what is wrong
     */
    public static AgentSession load(Path directory) {
        Path file = directory.resolve(MESSAGES_FILE);
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the agent session " + file + ": " + e.getMessage(), e);
        }
        if (root == null || root.path("version").asInt() != FORMAT_VERSION) {
            throw new IllegalArgumentException(file + " is not an agent session of version " + FORMAT_VERSION);
        }
        List<Message> messages = new ArrayList<>();
        for (JsonNode node : root.path("messages")) {
            Role role = Role.valueOf(text(node, "role", file).toUpperCase(Locale.ROOT));
            List<ToolCall> calls = new ArrayList<>();
            for (JsonNode call : node.path("toolCalls")) {
                calls.add(new ToolCall(text(call, "id", file), text(call, "name", file), text(call, "arguments", file)));
            }
            Sensitivity sensitivity = Sensitivity.valueOf(node.path("sensitivity").asText("PUBLIC"));
            String toolCallId = node.hasNonNull("toolCallId") ? node.get("toolCallId").asText() : null;
            messages.add(new Message(role, text(node, "content", file), calls, toolCallId, sensitivity));
        }
        if (messages.isEmpty()) {
            throw new IllegalArgumentException(file + " holds no messages");
        }
        return new AgentSession(messages, root.path("privateTaint").asBoolean(false));
    }

    private static String text(JsonNode node, String field, Path file) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException(file + ": a message lacks its text field '" + field + "'");
        }
        return Objects.requireNonNull(value.asText());
    }
}
