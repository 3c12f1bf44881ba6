package dev.hearth.examples.models;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelReferenceTest {
    @Test
    void readsFileAndQuantReferences() {
        assertThat(ModelReference.parse("hf://Qwen/Qwen2.5-0.5B-Instruct-GGUF/qwen2.5-0.5b-instruct-q8_0.gguf"))
                .isEqualTo(new ModelReference.HubFile("Qwen/Qwen2.5-0.5B-Instruct-GGUF", "main", "qwen2.5-0.5b-instruct-q8_0.gguf"));
        assertThat(ModelReference.parse("hf://owner/repo@v1.0/sub/dir/m.gguf"))
                .isEqualTo(new ModelReference.HubFile("owner/repo", "v1.0", "sub/dir/m.gguf"));
        assertThat(ModelReference.parse("bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M"))
                .isEqualTo(new ModelReference.HubQuant("bartowski/Llama-3.2-1B-Instruct-GGUF", "main", "Q4_K_M"));
        assertThat(ModelReference.parse("hf://owner/repo")).isEqualTo(new ModelReference.HubQuant("owner/repo", "main", ""));
        assertThat(ModelReference.parse("owner/repo@dev:Q8_0").toString()).isEqualTo("owner/repo@dev:Q8_0");
    }

    @Test
    void refusesWhatIsNotAReference() {
        assertThatThrownBy(() -> ModelReference.parse("stories260K.gguf")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ModelReference.parse("hf://owner/repo/../../etc/passwd")).hasMessageContaining("not a file path");
        assertThatThrownBy(() -> ModelReference.parse("owner/repo:Q4 K")).hasMessageContaining("not a quant name");
        assertThatThrownBy(() -> ModelReference.parse("../repo:Q4_0")).hasMessageContaining("not a repository name");
    }

    @Test
    void quantMatchesTheNameBetweenSeparatorsInAnyCase() {
        ModelReference.HubQuant q4 = new ModelReference.HubQuant("o/r", "main", "Q4_K");
        assertThat(q4.matches("model-Q4_K.gguf")).isTrue();
        assertThat(q4.matches("model.q4_k.gguf")).isTrue();
        assertThat(q4.matches("model-Q4_K_M.gguf")).isFalse();
        assertThat(q4.matches("model-Q4_K.bin")).isFalse();
        assertThat(new ModelReference.HubQuant("o/r", "main", "Q8_0").matches("sub/Model-Q8_0.gguf")).isTrue();
    }
}
