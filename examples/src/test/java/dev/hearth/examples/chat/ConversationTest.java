package dev.hearth.examples.chat;

import dev.hearth.api.InvalidRequestException;
import dev.hearth.api.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConversationTest {
    @TempDir
    Path folder;

    @Test
    void savesAsAnOpenAiMessagesListAndLoadsItBack() throws IOException {
        Conversation conversation = new Conversation();
        conversation.system("Be brief.");
        conversation.add(Message.user("Hi \"there\"\nsecond line"));
        conversation.add(Message.assistant("Hello."));
        Path file = folder.resolve("sub/chat.json");

        conversation.save(file);
        Conversation loaded = Conversation.load(file);

        assertThat(loaded.messages()).isEqualTo(conversation.messages());
        assertThat(loaded.system()).contains("Be brief.");
        assertThat(Files.readString(file)).contains("\"role\" : \"system\"", "\"content\" : \"Be brief.\"");
    }

    @Test
    void refusesFilesThatAreNotAChat() throws IOException {
        Path notJson = Files.writeString(folder.resolve("a.json"), "not json");
        Path noMessages = Files.writeString(folder.resolve("b.json"), "{\"turns\":[]}");
        Path tool = Files.writeString(folder.resolve("c.json"), "{\"messages\":[{\"role\":\"tool\",\"content\":\"x\"}]}");
        Path lateSystem = Files.writeString(folder.resolve("d.json"),
                "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"},{\"role\":\"system\",\"content\":\"y\"}]}");

        assertThatThrownBy(() -> Conversation.load(notJson)).isInstanceOf(InvalidRequestException.class).hasMessageContaining("Cannot read");
        assertThatThrownBy(() -> Conversation.load(noMessages)).hasMessageContaining("\"messages\" array");
        assertThatThrownBy(() -> Conversation.load(tool)).hasMessageContaining("role 'tool'");
        assertThatThrownBy(() -> Conversation.load(lateSystem)).hasMessageContaining("must come first");
        assertThatThrownBy(() -> Conversation.load(folder.resolve("missing.json"))).isInstanceOf(InvalidRequestException.class);
    }
}
