package dev.hearth.local.internal.engine;

import dev.hearth.api.Message;
import dev.hearth.api.Role;

import java.util.List;

/**
 * The prompt for a model without a chat template (a base model such as a TinyStories llama): the messages' texts in
 * order, each non-assistant message on a new line, and assistant messages appended directly, since they continue the
 * text before them. No role markers are added: a base model has never seen any.
 */
public final class PlainTranscript {
    private PlainTranscript() {
    }

    public static String render(List<Message> messages) {
        StringBuilder text = new StringBuilder();
        for (Message message : messages) {
            if (message.role() != Role.ASSISTANT && !text.isEmpty()) {
                text.append('\n');
            }
            text.append(message.content());
        }
        return text.toString();
    }
}
