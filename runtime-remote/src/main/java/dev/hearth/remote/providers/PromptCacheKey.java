package dev.hearth.remote.providers;

import dev.hearth.api.ChatRequest;
import dev.hearth.api.Message;
import dev.hearth.api.Role;
import dev.hearth.api.Tool;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * OpenAI's {@code prompt_cache_key}: a hash of the stable prefix (model, system messages and tools), so requests that
 * share it are routed to the same cache and pay for it once. The conversation after the prefix does not change it.
 */
final class PromptCacheKey {
    private PromptCacheKey() {
    }

    static String of(String model, ChatRequest request) {
        MessageDigest digest = sha256();
        update(digest, model);
        for (Message message : request.messages()) {
            if (message.role() != Role.SYSTEM) {
                break; // the prefix ends at the first turn of the conversation
            }
            update(digest, "system");
            update(digest, message.content());
        }
        for (Tool tool : request.tools()) {
            update(digest, tool.name());
            update(digest, tool.description());
            update(digest, tool.parametersJsonSchema());
        }
        return "hearth-" + HexFormat.of().formatHex(digest.digest(), 0, 16);
    }

    private static void update(MessageDigest digest, String part) {
        byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
        digest.update(HexFormat.of().formatHex(new byte[]{(byte) (bytes.length >>> 24), (byte) (bytes.length >>> 16),
                (byte) (bytes.length >>> 8), (byte) bytes.length}).getBytes(StandardCharsets.US_ASCII));
        digest.update(bytes); // length-prefixed, so ("ab","c") and ("a","bc") differ
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
