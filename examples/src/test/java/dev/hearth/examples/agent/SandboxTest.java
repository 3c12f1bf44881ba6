package dev.hearth.examples.agent;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SandboxTest {
    @TempDir
    Path temp;
    Path root;
    Sandbox sandbox;

    @BeforeEach
    void files() throws Exception {
        root = Files.createDirectories(temp.resolve("sandbox"));
        Files.writeString(root.resolve("notes.md"), "The picnic is on Saturday.\nBring apples.\n");
        Files.createDirectories(root.resolve("private"));
        Files.writeString(root.resolve("private/diary.txt"), "The surprise is a kite. Apples too.\n");
        Path outside = Files.createDirectories(temp.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "apples outside the sandbox\n");
        Files.createSymbolicLink(root.resolve("escape"), outside);
        Files.createSymbolicLink(root.resolve("escape.txt"), outside.resolve("secret.txt"));
        Files.createSymbolicLink(root.resolve("inside.txt"), root.resolve("notes.md"));
        sandbox = Sandbox.of(root);
    }

    private ToolResult call(AgentTool tool, String arguments) throws Exception {
        return tool.call(arguments);
    }

    @Test
    void pathsOutsideTheSandboxAreRefusedWithTheRuleTheyBreak() {
        assertThatThrownBy(() -> sandbox.resolve("/etc/passwd")).isInstanceOf(SandboxException.class)
                .hasMessageContaining("absolute path");
        assertThatThrownBy(() -> sandbox.resolve(temp.resolve("outside/secret.txt").toString()))
                .hasMessageContaining("absolute path");
        assertThatThrownBy(() -> sandbox.resolve("../outside/secret.txt")).hasMessageContaining("'..'");
        assertThatThrownBy(() -> sandbox.resolve("private/../../outside")).hasMessageContaining("'..'");
        assertThatThrownBy(() -> sandbox.resolve("escape/secret.txt")).hasMessageContaining("leads out of the sandbox");
        assertThatThrownBy(() -> sandbox.resolve("escape.txt")).hasMessageContaining("leads out of the sandbox");
        assertThatThrownBy(() -> sandbox.resolve("~/notes.md")).hasMessageContaining("absolute path");
        assertThatThrownBy(() -> sandbox.resolve("nothing.txt")).hasMessageContaining("no such file");
        assertThat(sandbox.resolve("inside.txt")).isEqualTo(sandbox.root().resolve("notes.md"));
        assertThat(sandbox.resolve(".")).isEqualTo(sandbox.root());
    }

    @Test
    void fileToolsReportRefusalsAsErrorsTheLoopFeedsBack() {
        AgentTool read = BuiltinTools.readFile(sandbox);
        assertThatThrownBy(() -> call(read, "{\"path\":\"../outside/secret.txt\"}")).isInstanceOf(SandboxException.class);
        assertThatThrownBy(() -> call(read, "{\"path\":\"escape.txt\"}")).hasMessageContaining("leads out");
        assertThatThrownBy(() -> call(read, "{\"path\":\"private\"}")).hasMessageContaining("is a folder");
        assertThatThrownBy(() -> call(BuiltinTools.listFiles(sandbox), "{\"path\":\"escape\"}"))
                .hasMessageContaining("leads out");
    }

    @Test
    void readListAndGrepStayInsideAndMarkPrivateFiles() throws Exception {
        assertThat(call(BuiltinTools.readFile(sandbox), "{\"path\":\"notes.md\"}"))
                .isEqualTo(ToolResult.of("The picnic is on Saturday.\nBring apples.\n"));
        assertThat(call(BuiltinTools.readFile(sandbox), "{\"path\":\"private/diary.txt\"}").isPrivate()).isTrue();
        assertThat(call(BuiltinTools.listFiles(sandbox), "{\"path\":\".\"}").content())
                .isEqualTo("escape/\nescape.txt\ninside.txt\nnotes.md\nprivate/");
        ToolResult grep = call(BuiltinTools.grep(sandbox), "{\"text\":\"APPLES\",\"path\":\".\"}");
        // the link out of the sandbox is not followed; the private match makes the whole result private
        assertThat(grep.content()).contains("notes.md:2: Bring apples.", "private/diary.txt:1:").doesNotContain("outside");
        assertThat(grep.isPrivate()).isTrue();
        assertThat(call(BuiltinTools.grep(sandbox), "{\"text\":\"picnic\",\"path\":\"notes.md\"}").isPrivate()).isFalse();
    }

    @Test
    void calculatorAndClockNeedNoFiles() throws Exception {
        assertThat(call(BuiltinTools.calculator(), "{\"expression\":\"12 / 3\"}")).isEqualTo(ToolResult.of("4"));
        assertThatThrownBy(() -> call(BuiltinTools.calculator(), "{\"expression\":\"1/0\"}"))
                .isInstanceOf(ToolArgumentsException.class).hasMessageContaining("division by zero");
        Clock fixed = Clock.fixed(Instant.parse("2026-12-04T10:15:30Z"), ZoneOffset.UTC);
        assertThat(call(BuiltinTools.clock(fixed), "{}")).isEqualTo(ToolResult.of("2026-12-04T10:15:30Z"));
    }
}
