package dev.hearth.local.internal.gguf;

import dev.hearth.local.testing.SharedModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GgufWriterTest {
    @TempDir
    Path directory;

    @Test
    void copyOfARealModelReadsBackWithTheSameMetadataAndTensorBytes() throws Exception {
        Path copy = directory.resolve("copy.gguf");
        try (GgufFile source = GgufFile.open(SharedModels.stories260K())) {
            GgufWriter writer = new GgufWriter();
            source.metadata().entries().values().forEach(writer::put);
            writer.putString("tokenizer.chat_template", "{% for m in messages %}{{ m.content }}{% endfor %}");
            for (GgufTensorInfo tensor : source.tensors()) {
                writer.addTensor(tensor.name(), tensor.type(), tensor.dims(), source.data(tensor));
            }
            writer.write(copy);

            try (GgufFile written = GgufFile.open(copy)) {
                assertThat(written.version()).isEqualTo(3);
                assertThat(written.metadata().entries().keySet()).containsSubsequence(source.metadata().entries().keySet());
                assertThat(written.metadata().getString("tokenizer.chat_template")).startsWith("{% for m");
                for (MetadataEntry entry : source.metadata().entries().values()) {
                    MetadataEntry back = written.metadata().entry(entry.key()).orElseThrow();
                    assertThat(back.type()).as(entry.key()).isEqualTo(entry.type());
                    assertThat(back.value()).as(entry.key()).usingRecursiveComparison().isEqualTo(entry.value());
                }
                assertThat(written.tensors()).hasSameSizeAs(source.tensors());
                for (GgufTensorInfo tensor : source.tensors()) {
                    GgufTensorInfo back = written.tensor(tensor.name()).orElseThrow();
                    assertThat(back.dims()).isEqualTo(tensor.dims());
                    assertThat(back.type()).isEqualTo(tensor.type());
                    assertThat(back.dataOffset() % 32).isZero();
                    assertThat(written.data(back).toArray(ValueLayout.JAVA_BYTE))
                            .isEqualTo(source.data(tensor).toArray(ValueLayout.JAVA_BYTE));
                }
            }
        }
    }

    @Test
    void customAlignmentIsRespected() {
        Path file = directory.resolve("aligned.gguf");
        new GgufWriter()
                .putUint32("general.alignment", 64)
                .putString("general.architecture", "test")
                .addTensor("a", GgmlType.F32, new long[] {3}, new byte[12])
                .addTensor("b", GgmlType.F16, new long[] {2, 2}, new byte[] {1, 2, 3, 4, 5, 6, 7, 8})
                .write(file);
        try (GgufFile read = GgufFile.open(file)) {
            assertThat(read.tensor("b").orElseThrow().dataOffset() % 64).isZero();
            assertThat(read.data(read.tensor("b").orElseThrow()).toArray(ValueLayout.JAVA_BYTE)).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
        }
    }

    @Test
    void metadataOnlyFileIsReadable() throws Exception {
        Path file = directory.resolve("vocab.gguf");
        new GgufWriter()
                .putString("s", "h\u00e9llo")
                .putBool("b", true)
                .putFloat32("f", 1.5f)
                .put("i", MetadataType.INT64, -7L)
                .put("arr", MetadataType.ARRAY, new MetadataArray(MetadataType.STRING, new String[] {"x", "y"}))
                .write(file);
        assertThat(Files.size(file)).isPositive();
        try (GgufFile read = GgufFile.open(file)) {
            assertThat(read.metadata().getString("s")).isEqualTo("h\u00e9llo");
            assertThat(read.metadata().optionalBoolean("b")).contains(true);
            assertThat(read.metadata().optionalFloat("f")).contains(1.5f);
            assertThat(read.metadata().getLong("i")).isEqualTo(-7L);
            assertThat(read.metadata().getStringArray("arr")).containsExactly("x", "y");
        }
    }

    @Test
    void tensorsFromEncodersAreWrittenInPlaceAndMatchTheSameBytesGivenUpFront() throws Exception {
        byte[] first = new byte[34 * 3];
        byte[] second = new byte[4 * 5];
        for (int i = 0; i < first.length; i++) {
            first[i] = (byte) (i * 7);
        }
        for (int i = 0; i < second.length; i++) {
            second[i] = (byte) (100 - i);
        }
        Path given = directory.resolve("given.gguf");
        new GgufWriter().putString("general.architecture", "test")
                .addTensor("first", GgmlType.Q8_0, new long[] {32, 3}, first)
                .addTensor("second", GgmlType.F32, new long[] {5}, second)
                .write(given);
        Path encoded = directory.resolve("encoded.gguf");
        java.util.List<String> calls = new java.util.ArrayList<>();
        new GgufWriter().putString("general.architecture", "test")
                .addTensor("first", GgmlType.Q8_0, new long[] {32, 3}, out -> {
                    calls.add("first:" + out.byteSize());
                    out.copyFrom(java.lang.foreign.MemorySegment.ofArray(first));
                })
                .addTensor("second", GgmlType.F32, new long[] {5}, second)
                .write(encoded);

        assertThat(calls).as("each encoder is called once with exactly its tensor's bytes").containsExactly("first:102");
        assertThat(Files.mismatch(given, encoded)).isEqualTo(-1L);
        try (GgufFile read = GgufFile.open(encoded)) {
            assertThat(read.data(read.tensor("first").orElseThrow()).toArray(ValueLayout.JAVA_BYTE)).isEqualTo(first);
            assertThat(read.data(read.tensor("second").orElseThrow()).toArray(ValueLayout.JAVA_BYTE)).isEqualTo(second);
        }
    }

    @Test
    void mistakesAreRejectedWhenAdded() {
        GgufWriter writer = new GgufWriter();
        assertThatThrownBy(() -> writer.put("k", MetadataType.UINT32, 5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Long");
        assertThatThrownBy(() -> writer.addTensor("t", GgmlType.F32, new long[] {4}, new byte[15]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("16 bytes");
        assertThatThrownBy(() -> writer.addTensor("q", GgmlType.Q8_0, new long[] {16}, new byte[17]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("block size 32");
        writer.addTensor("t", GgmlType.F32, new long[] {4}, new byte[16]);
        assertThatThrownBy(() -> writer.addTensor("t", GgmlType.F32, new long[] {4}, new byte[16]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already added");
    }
}
