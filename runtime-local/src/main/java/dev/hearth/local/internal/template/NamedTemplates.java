package dev.hearth.local.internal.template;

import dev.hearth.api.ConfigurationException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Chat templates a runtime can take instead of the model's own, so that a model without one (stories260K) can be
 * chatted with, offered tools and given schemas: by name from the templates shipped as resources, or from a Jinja file.
 */
public final class NamedTemplates {
    /** The names {@link #named(String)} knows. */
    public static final List<String> NAMES = List.of("chatml");

    private NamedTemplates() {
    }

    /**
     * The Jinja source of a shipped template.
     *
     * @throws ConfigurationException naming the known templates when {@code name} is not one of them
     */
    public static String named(String name) {
        String key = name == null ? "" : name.toLowerCase(Locale.ROOT);
        if (!NAMES.contains(key)) {
            throw new ConfigurationException("unknown chat template '" + name + "'; known: " + NAMES
                    + ", or give a Jinja file");
        }
        try (InputStream in = NamedTemplates.class.getResourceAsStream("/dev/hearth/local/templates/" + key + ".jinja")) {
            if (in == null) {
                throw new IllegalStateException("the chat template resource " + key + ".jinja is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the chat template resource " + key + ".jinja", e);
        }
    }

    /**
     * The Jinja source in {@code file}.
     *
     * @throws ConfigurationException when the file cannot be read or is empty
     */
    public static String fromFile(Path file) {
        String source;
        try {
            source = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigurationException("cannot read chat template file " + file + ": " + e.getMessage());
        }
        if (source.isBlank()) {
            throw new ConfigurationException("chat template file " + file + " is empty");
        }
        return source;
    }
}
