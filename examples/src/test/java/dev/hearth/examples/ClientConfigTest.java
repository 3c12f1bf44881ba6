package dev.hearth.examples;

import dev.hearth.api.ChatResponse;
import dev.hearth.api.ConfigurationException;
import dev.hearth.api.Tool;
import dev.hearth.api.ToolChoice;
import dev.hearth.api.InferenceClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClientConfigTest {
    @TempDir
    Path temp;

    private static String stories260K() {
        return Path.of(System.getProperty("hearth.shared.models"), "gguf", "stories260K.gguf").toString();
    }

    @Test
    void runtimesInIdOrderAndRoutingRulesComeFromOneFile() throws IOException {
        Path config = Files.writeString(temp.resolve("hearth.properties"), """
                runtime.10.provider = gguf
                runtime.10.model = %1$s
                runtime.10.threads = 1
                runtime.2.provider = gguf
                runtime.2.model = %1$s
                runtime.2.threads = 1
                runtime.2.contextLength = 128
                routing.policy = local-first
                routing.fallbackOn = UNAVAILABLE
                """.formatted(stories260K().replace("\\", "\\\\")));
        try (InferenceClient client = ClientConfig.builder(config).build()) {
            assertThat(client.runtimes()).hasSize(2);
            assertThat(client.runtimes().get(0).contextLength()).isEqualTo(128); // id 2 before id 10
            assertThat(client.chat().user("Once").temperature(0).maxTokens(3).call().usage().completionTokens()).isEqualTo(3);
        }
    }

    @Test
    void aGgufRuntimeTakesAChatTemplateByNameSoAModelWithoutOneCanCallTools() throws IOException {
        Path config = Files.writeString(temp.resolve("chatml.properties"), """
                runtime.1.provider = gguf
                runtime.1.model = %s
                runtime.1.threads = 1
                runtime.1.contextLength = 1024
                runtime.1.chatTemplate = chatml
                """.formatted(stories260K().replace("\\", "\\\\")));
        Tool add = Tool.strict("add", "Adds.", "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"}},"
                + "\"required\":[\"a\"],\"additionalProperties\":false}");
        try (InferenceClient client = ClientConfig.builder(config).build()) {
            ChatResponse answer = client.chat().user("Add").tools(add).toolChoice(ToolChoice.required())
                    .maxTokens(64).seed(3).call();
            assertThat(answer.toolCalls()).singleElement().satisfies(call -> assertThat(call.name()).isEqualTo("add"));
        }
        assertThatThrownBy(() -> ClientConfig.forCommandLine(config, null, null, null, 0, "chatml"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("--chat-template");
    }

    @Test
    void badFilesNameWhatIsWrong() throws IOException {
        Path unknownKey = Files.writeString(temp.resolve("a.properties"), "model = x.gguf\n");
        assertThatThrownBy(() -> ClientConfig.builder(unknownKey)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'model'");
        Path noProvider = Files.writeString(temp.resolve("b.properties"), "runtime.1.model = x.gguf\n");
        assertThatThrownBy(() -> ClientConfig.builder(noProvider)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("runtime.1.provider");
        Path badPolicy = Files.writeString(temp.resolve("c.properties"),
                "runtime.1.provider = gguf\nruntime.1.model = x.gguf\nrouting.policy = sideways\n");
        assertThatThrownBy(() -> ClientConfig.builder(badPolicy)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("sideways");
        assertThatThrownBy(() -> ClientConfig.forCommandLine(badPolicy, Path.of("m.gguf"), null, null, 0))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("--config");
        assertThatThrownBy(() -> ClientConfig.builder(temp.resolve("missing.properties")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("missing.properties");
    }

    @Test
    void theCommandLineRunsFromAConfigFile() throws Exception {
        Path config = Files.writeString(temp.resolve("run.properties"),
                "runtime.1.provider = gguf\nruntime.1.model = %s\nruntime.1.threads = 1\n".formatted(stories260K().replace("\\", "\\\\")));
        assertThat(HearthCommand.execute("run", "--config", config.toString(), "--max-tokens", "4", "Once")).isZero();
        assertThat(HearthCommand.execute("run", "--config", config.toString(), "--model", "x.gguf", "Once")).isEqualTo(2);
    }
}
