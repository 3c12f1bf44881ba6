package dev.hearth.examples.chat;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ChatInputTest {
    @Test
    void readsCommandsAndMessages() {
        assertThat(ChatInput.parse("  Hello there  ")).isEqualTo(new ChatInput.Say("Hello there"));
        assertThat(ChatInput.parse("line one\nline two")).isEqualTo(new ChatInput.Say("line one\nline two"));
        assertThat(ChatInput.parse("/system You are terse.")).isEqualTo(new ChatInput.SetSystem("You are terse."));
        assertThat(ChatInput.parse("/system")).isEqualTo(new ChatInput.SetSystem(""));
        assertThat(ChatInput.parse("/save  chats/a.json ")).isEqualTo(new ChatInput.Save(Path.of("chats/a.json")));
        assertThat(ChatInput.parse("/load a.json")).isEqualTo(new ChatInput.Load(Path.of("a.json")));
        assertThat(ChatInput.parse("/stats")).isEqualTo(new ChatInput.Stats());
        assertThat(ChatInput.parse("/exit")).isEqualTo(new ChatInput.Exit());
        assertThat(ChatInput.parse("/quit")).isEqualTo(new ChatInput.Exit());
        assertThat(ChatInput.parse("/clear")).isEqualTo(new ChatInput.Clear());
        assertThat(ChatInput.parse("/help")).isEqualTo(new ChatInput.Help());
        assertThat(ChatInput.parse("   ")).isEqualTo(new ChatInput.Empty());
        assertThat(ChatInput.parse("//etc/hosts is a path")).isEqualTo(new ChatInput.Say("/etc/hosts is a path"));
    }

    @Test
    void explainsWhatIsWrongWithABadCommand() {
        assertThat(ChatInput.parse("/save")).isInstanceOfSatisfying(ChatInput.Invalid.class,
                invalid -> assertThat(invalid.problem()).contains("/save needs a file"));
        assertThat(ChatInput.parse("/stats now")).isInstanceOf(ChatInput.Invalid.class);
        assertThat(ChatInput.parse("/sytem hi")).isInstanceOfSatisfying(ChatInput.Invalid.class,
                invalid -> assertThat(invalid.problem()).contains("Unknown command /sytem").contains("/help"));
    }
}
