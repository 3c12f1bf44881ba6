package dev.hearth.examples.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.api.InvalidRequestException;
import dev.hearth.api.Message;
import dev.hearth.api.Role;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The chat so far: an optional system prompt and the user and assistant turns. Saved as JSON in the shape of the
 * OpenAI messages list ({@code {"messages":[{"role":"system","content":"..."}, ...]}}), so a saved chat can also be
 * sent to any OpenAI-compatible server.
 */
public final class Conversation {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private String system;
    private final List<Message> turns = new ArrayList<>();

    public Optional<String> system() {
        return Optional.ofNullable(system);
    }

    /** Sets the system prompt; blank removes it. */
    public void system(String text) {
        system = text == null || text.isBlank() ? null : text;
    }

    public void add(Message message) {
        if (message.role() != Role.USER && message.role() != Role.ASSISTANT) {
            throw new IllegalArgumentException("a chat holds user and assistant turns, not " + message.role());
        }
        turns.add(message);
    }

    public void clear() {
        turns.clear();
    }

    public List<Message> turns() {
        return List.copyOf(turns);
    }

    /** What is sent to the model: the system prompt, then every turn, always in the same order (so it caches). */
    public List<Message> messages() {
        List<Message> messages = new ArrayList<>();
        if (system != null) {
            messages.add(Message.system(system));
        }
        messages.addAll(turns);
        return messages;
    }

    public void save(Path file) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode messages = root.putArray("messages");
        for (Message message : messages()) {
            messages.addObject().put("role", message.role().name().toLowerCase(Locale.ROOT)).put("content", message.content());
        }
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            JSON.writeValue(file.toFile(), root);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot save the chat to " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a chat saved by {@link #save}.
     *
     * @throws InvalidRequestException when the file is not such a chat, naming what is wrong
     */
    public static Conversation load(Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new InvalidRequestException("Cannot read a chat from " + file + ": " + e.getMessage());
        }
        JsonNode messages = root == null ? null : root.get("messages");
        if (messages == null || !messages.isArray()) {
            throw new InvalidRequestException(file + " is not a saved chat: it needs a \"messages\" array");
        }
        Conversation conversation = new Conversation();
        int index = 0;
        for (JsonNode message : messages) {
            String role = message.path("role").asText("");
            JsonNode content = message.get("content");
            if (content == null || !content.isTextual()) {
                throw new InvalidRequestException(file + ": message " + index + " has no text content");
            }
            switch (role) {
                case "system" -> {
                    if (index != 0) {
                        throw new InvalidRequestException(file + ": the system message must come first, found it at " + index);
                    }
                    conversation.system(content.asText());
                }
                case "user" -> conversation.add(Message.user(content.asText()));
                case "assistant" -> conversation.add(Message.assistant(content.asText()));
                default -> throw new InvalidRequestException(file + ": message " + index + " has role '" + role
                        + "'; a chat holds system, user and assistant messages");
            }
            index++;
        }
        return conversation;
    }
}
