package dev.hearth.local;

import dev.hearth.api.InferenceClient;
import dev.hearth.api.ModelLoadException;
import dev.hearth.local.testing.SharedModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A model file changed under a running runtime: truncated in place (which killed the JVM with SIGBUS when the next
 * request touched a missing page) or rewritten in place gives a typed error; replaced by rename or deleted, it keeps
 * serving the version that was opened.
 */
class ModelFileChangedTest {

    private static Path copy(Path directory) throws IOException {
        return Files.copy(SharedModels.stories260K(), directory.resolve("model.gguf"));
    }

    private static String answer(InferenceClient client) {
        return client.chat().user("Once upon a time").temperature(0).maxTokens(6).call().text();
    }

    @Test
    void truncatedInPlaceIsATypedErrorNotACrash(@TempDir Path directory) throws IOException {
        Path model = copy(directory);
        try (InferenceClient client = InferenceClient.builder().runtime(Gguf.model(model).threads(1)).build()) {
            assertThat(answer(client)).isNotEmpty();
            try (RandomAccessFile file = new RandomAccessFile(model.toFile(), "rw")) {
                file.setLength(file.length() / 2);
            }
            assertThatThrownBy(() -> answer(client)).isInstanceOf(ModelLoadException.class)
                    .hasMessageContaining("changed in place").hasMessageContaining(model.toString());
        }
    }

    @Test
    void rewrittenInPlaceAtTheSameSizeIsATypedError(@TempDir Path directory) throws IOException {
        Path model = copy(directory);
        try (InferenceClient client = InferenceClient.builder().runtime(Gguf.model(model).threads(1)).build()) {
            assertThat(answer(client)).isNotEmpty();
            try (RandomAccessFile file = new RandomAccessFile(model.toFile(), "rw")) {
                file.seek(file.length() - 1);
                file.write(0x55);
            }
            Files.setLastModifiedTime(model, FileTime.from(Instant.now().plusSeconds(5)));
            assertThatThrownBy(() -> answer(client)).isInstanceOf(ModelLoadException.class)
                    .hasMessageContaining("changed in place");
        }
    }

    @Test
    void replacedByRenameOrDeletedKeepsServingWhatWasOpened(@TempDir Path directory) throws IOException {
        Path model = copy(directory);
        try (InferenceClient client = InferenceClient.builder().runtime(Gguf.model(model).threads(1)).build()) {
            String before = answer(client);
            Path replacement = Files.copy(SharedModels.file("gguf/llama-2-tiny-random.gguf"), directory.resolve("new.gguf"));
            Files.move(replacement, model, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            assertThat(answer(client)).isEqualTo(before);
            Files.delete(model);
            assertThat(answer(client)).isEqualTo(before);
        }
    }
}
