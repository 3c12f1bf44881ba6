package dev.hearth.examples.models;

import dev.hearth.api.ModelNotFoundException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelCatalogueTest {
    @TempDir
    Path cache;

    @Test
    void listsModelsAndPartialDownloadsMeasuresAndRemoves() throws IOException {
        ModelCatalogue catalogue = new ModelCatalogue(cache);
        Path model = catalogue.hubFile("acme/tiny-GGUF", "tiny-Q8_0.gguf");
        Files.createDirectories(model.getParent());
        Files.write(model, new byte[1000]);
        String sha = "a".repeat(64);
        Files.writeString(ResumableDownload.hashFile(model), sha + "  tiny-Q8_0.gguf\n");
        Files.write(ResumableDownload.partFile(catalogue.hubFile("acme/tiny-GGUF", "tiny-Q4_0.gguf")), new byte[300]);
        Files.write(cache.resolve("stories260K.gguf"), new byte[50]);

        assertThat(catalogue.list()).extracting(ModelCatalogue.Entry::name, ModelCatalogue.Entry::size, ModelCatalogue.Entry::partial)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("hf://acme/tiny-GGUF/tiny-Q4_0.gguf", 300L, true),
                        org.assertj.core.groups.Tuple.tuple("hf://acme/tiny-GGUF/tiny-Q8_0.gguf", 1000L, false),
                        org.assertj.core.groups.Tuple.tuple("stories260K.gguf", 50L, false));
        assertThat(catalogue.list().get(1).sha256()).contains(sha);
        long hashFileSize = Files.size(ResumableDownload.hashFile(model));
        assertThat(catalogue.diskUsed()).isEqualTo(1350 + hashFileSize);

        assertThat(catalogue.remove("acme/tiny-GGUF/tiny-Q8_0.gguf")).isEqualTo(1000 + hashFileSize);
        assertThat(catalogue.remove("hf://acme/tiny-GGUF/tiny-Q4_0.gguf")).isEqualTo(300);
        assertThat(cache.resolve("huggingface")).doesNotExist();
        assertThat(catalogue.list()).extracting(ModelCatalogue.Entry::name).containsExactly("stories260K.gguf");
        assertThatThrownBy(() -> catalogue.remove("hf://acme/tiny-GGUF/tiny-Q8_0.gguf"))
                .isInstanceOf(ModelNotFoundException.class).hasMessageContaining("hearth models");
    }

    @Test
    void anEmptyOrMissingCacheHoldsNothing() {
        ModelCatalogue catalogue = new ModelCatalogue(cache.resolve("absent"));
        assertThat(catalogue.list()).isEmpty();
        assertThat(catalogue.diskUsed()).isZero();
    }
}
