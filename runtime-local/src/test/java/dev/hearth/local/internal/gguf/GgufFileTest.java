package dev.hearth.local.internal.gguf;

import dev.hearth.api.ModelFormatException;
import dev.hearth.api.ModelNotFoundException;
import dev.hearth.local.testing.SharedModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GgufFileTest {

    @TempDir
    Path temp;

    @Test
    void readsStories260KHeaderMetadataAndTensorTable() {
        try (GgufFile file = GgufFile.open(SharedModels.stories260K())) {
            assertThat(file.version()).isEqualTo(3);
            assertThat(file.alignment()).isEqualTo(32);
            GgufMetadata metadata = file.metadata();
            assertThat(metadata.getString("general.architecture")).isEqualTo("llama");
            assertThat(metadata.getLong("llama.embedding_length")).isEqualTo(64);
            assertThat(metadata.getLong("llama.block_count")).isEqualTo(5);
            assertThat(metadata.getLong("llama.attention.head_count")).isEqualTo(8);
            assertThat(metadata.getLong("llama.attention.head_count_kv")).isEqualTo(4);
            assertThat(metadata.getLong("llama.feed_forward_length")).isEqualTo(172);
            assertThat(metadata.getLong("tokenizer.ggml.seperator_token_id")).isEqualTo(4294967295L);
            assertThat(metadata.getStringArray("tokenizer.ggml.tokens")).hasSize(512).contains("<0x0A>");
            assertThat(metadata.optionalFloatArray("tokenizer.ggml.scores")).get().satisfies(s -> assertThat(s).hasSize(512));
            assertThat(metadata.optionalIntArray("tokenizer.ggml.token_type")).get().satisfies(t -> assertThat(t).hasSize(512));
            assertThat(file.tensors()).hasSize(48);
            GgufTensorInfo embeddings = file.tensor("token_embd.weight").orElseThrow();
            assertThat(embeddings.type()).isEqualTo(GgmlType.F32);
            assertThat(embeddings.dims()).containsExactly(64, 512);
            assertThat(file.data(embeddings).byteSize()).isEqualTo(64L * 512 * 4);
            // the data section ends exactly at the end of the file
            long end = file.tensors().stream().mapToLong(t -> t.dataOffset() + t.byteSize()).max().orElseThrow();
            assertThat(end).isEqualTo(file.fileSize());
        }
    }

    @Test
    void missingPathIsModelNotFound() {
        assertThatThrownBy(() -> GgufFile.open(temp.resolve("absent.gguf")))
                .isInstanceOf(ModelNotFoundException.class)
                .hasMessageContaining("does not exist");
    }

    @Test
    void directoryIsModelNotFound() {
        assertThatThrownBy(() -> GgufFile.open(temp))
                .isInstanceOf(ModelNotFoundException.class)
                .hasMessageContaining("is a directory");
    }

    @Test
    void nonGgufFileIsRejectedAtTheMagic() throws IOException {
        Path text = Files.writeString(temp.resolve("notes.gguf"), "this is not a model");
        assertThatThrownBy(() -> GgufFile.open(text))
                .isInstanceOfSatisfying(ModelFormatException.class, e -> {
                    assertThat(e.field()).isEqualTo("magic");
                    assertThat(e.offset()).isZero();
                });
        Path empty = Files.write(temp.resolve("empty.gguf"), new byte[0]);
        assertThatThrownBy(() -> GgufFile.open(empty)).isInstanceOf(ModelFormatException.class);
    }

    @Test
    void truncationAtAnyOffsetGivesATypedErrorNamingTheField() throws IOException {
        byte[] original = Files.readAllBytes(SharedModels.stories260K());
        long headerEnd = dataStart(original);
        // every length inside the header and tensor table, then a spread of lengths inside the tensor data
        for (int length = 0; length < original.length; length += length < headerEnd + 64 ? 1 : 4099) {
            int at = length;
            assertThatThrownBy(() -> parse(original, at))
                    .as("file truncated to %d bytes", at)
                    .isInstanceOfSatisfying(ModelFormatException.class, e -> {
                        assertThat(e.field()).isNotBlank();
                        assertThat(e.getMessage()).contains(e.field());
                    });
        }
    }

    @Test
    void truncatedFilesOnDiskAreRejectedToo() throws IOException {
        byte[] original = Files.readAllBytes(SharedModels.stories260K());
        for (int length : new int[] {3, 7, 24, 1000, (int) dataStart(original) - 1, original.length - 1}) {
            Path cut = Files.write(temp.resolve("cut" + length + ".gguf"), java.util.Arrays.copyOf(original, length));
            assertThatThrownBy(() -> GgufFile.open(cut).close()).isInstanceOf(ModelFormatException.class);
        }
    }

    @Test
    void flippedBytesInHeaderAndTensorTableNeverEscapeAsUntypedErrors() throws IOException {
        byte[] original = Files.readAllBytes(SharedModels.stories260K());
        long headerEnd = dataStart(original);
        java.util.Random random = new java.util.Random(42);
        int rejected = 0;
        for (int position = 0; position < headerEnd; position++) {
            byte[] copy = original.clone();
            // alternate between flipping every bit and writing a random byte, so counts become huge or negative
            copy[position] = (position & 1) == 0 ? (byte) ~copy[position] : (byte) random.nextInt(256);
            try {
                // some flips land in string contents or float values and leave a consistent file: that is fine
                assertThat(parse(copy, copy.length).tensors()).isNotEmpty();
            } catch (ModelFormatException expected) {
                rejected++;
                assertThat(expected.field()).isNotBlank();
            }
        }
        assertThat(rejected).as("structural flips must be caught").isGreaterThan(100);
    }

    private static GgufFile parse(byte[] bytes, int length) {
        return GgufFile.parse(Path.of("in-memory.gguf"), Arena.ofAuto(), MemorySegment.ofArray(bytes).asSlice(0, length));
    }

    private static long dataStart(byte[] bytes) {
        return parse(bytes, bytes.length).dataStart();
    }

    @Test
    void hostileCountsAreRejectedBeforeAllocating() throws IOException {
        // a header claiming 2^62 tensors and 2^62 metadata entries
        Path hostile = write(header(3, 1L << 62, 1));
        assertThatThrownBy(() -> GgufFile.open(hostile))
                .isInstanceOfSatisfying(ModelFormatException.class, e -> assertThat(e.field()).isEqualTo("tensor_count"));

        // one string-array key whose length claims Integer.MAX_VALUE elements
        ByteArrayOutputStream out = header(3, 0, 1);
        string(out, "tokenizer.ggml.tokens");
        u32(out, MetadataType.ARRAY.id());
        u32(out, MetadataType.STRING.id());
        u64(out, Integer.MAX_VALUE);
        Path hugeArray = write(out);
        assertThatThrownBy(() -> GgufFile.open(hugeArray))
                .isInstanceOfSatisfying(ModelFormatException.class, e -> {
                    assertThat(e.field()).contains("tokenizer.ggml.tokens");
                    assertThat(e.offset()).isPositive();
                });

        // a string whose length is larger than the file
        ByteArrayOutputStream longString = header(3, 0, 1);
        u64(longString, Long.MAX_VALUE);
        Path badKey = write(longString);
        assertThatThrownBy(() -> GgufFile.open(badKey))
                .isInstanceOfSatisfying(ModelFormatException.class, e -> assertThat(e.field()).contains("metadata key #0"));
    }

    @Test
    void deeplyNestedArraysAreRejectedWithoutStackOverflow() throws IOException {
        ByteArrayOutputStream out = header(3, 0, 1);
        string(out, "nested");
        u32(out, MetadataType.ARRAY.id());
        for (int i = 0; i < 10_000; i++) {
            u32(out, MetadataType.ARRAY.id());
            u64(out, 1);
        }
        Path nested = write(out);
        assertThatThrownBy(() -> GgufFile.open(nested))
                .isInstanceOfSatisfying(ModelFormatException.class, e -> assertThat(e.getMessage()).contains("nested"));
    }

    @Test
    void readsEveryMetadataTypeIncludingNestedArraysInVersion2() throws IOException {
        ByteArrayOutputStream out = header(2, 1, 15);
        kv(out, "u8", MetadataType.UINT8, b -> b.write(200));
        kv(out, "i8", MetadataType.INT8, b -> b.write(0xF6));
        kv(out, "u16", MetadataType.UINT16, b -> le(b, 60000, 2));
        kv(out, "i16", MetadataType.INT16, b -> le(b, -2, 2));
        kv(out, "u32", MetadataType.UINT32, b -> le(b, 4_000_000_000L, 4));
        kv(out, "i32", MetadataType.INT32, b -> le(b, -7, 4));
        kv(out, "u64", MetadataType.UINT64, b -> le(b, 1L << 40, 8));
        kv(out, "i64", MetadataType.INT64, b -> le(b, -9, 8));
        kv(out, "f32", MetadataType.FLOAT32, b -> le(b, Float.floatToIntBits(1.5f), 4));
        kv(out, "f64", MetadataType.FLOAT64, b -> le(b, Double.doubleToLongBits(-2.25), 8));
        kv(out, "bool", MetadataType.BOOL, b -> b.write(1));
        kv(out, "str", MetadataType.STRING, b -> string(b, "héllo"));
        kv(out, "ints", MetadataType.ARRAY, b -> {
            u32(b, MetadataType.INT32.id());
            u64(b, 3);
            le(b, 1, 4);
            le(b, -2, 4);
            le(b, 3, 4);
        });
        kv(out, "nested", MetadataType.ARRAY, b -> {
            u32(b, MetadataType.ARRAY.id());
            u64(b, 2);
            for (int i = 0; i < 2; i++) {
                u32(b, MetadataType.STRING.id());
                u64(b, 1);
                string(b, "x" + i);
            }
        });
        kv(out, "general.alignment", MetadataType.UINT32, b -> le(b, 64, 4));
        // one F32 tensor of 4 elements at data offset 0
        string(out, "w");
        u32(out, 1);
        u64(out, 4);
        u32(out, GgmlType.F32.id());
        u64(out, 0);
        while (out.size() % 64 != 0) {
            out.write(0);
        }
        for (int i = 0; i < 4; i++) {
            le(out, Float.floatToIntBits(i), 4);
        }
        try (GgufFile file = GgufFile.open(write(out))) {
            GgufMetadata m = file.metadata();
            assertThat(file.version()).isEqualTo(2);
            assertThat(m.getLong("u8")).isEqualTo(200);
            assertThat(m.getLong("i8")).isEqualTo(-10);
            assertThat(m.getLong("u16")).isEqualTo(60000);
            assertThat(m.getLong("i16")).isEqualTo(-2);
            assertThat(m.getLong("u32")).isEqualTo(4_000_000_000L);
            assertThat(m.getLong("i32")).isEqualTo(-7);
            assertThat(m.getLong("u64")).isEqualTo(1L << 40);
            assertThat(m.getLong("i64")).isEqualTo(-9);
            assertThat(m.optionalFloat("f32")).contains(1.5f);
            assertThat(m.optionalFloat("f64")).contains(-2.25f);
            assertThat(m.optionalBoolean("bool")).contains(true);
            assertThat(m.getString("str")).isEqualTo("héllo");
            assertThat(m.optionalIntArray("ints")).get().satisfies(a -> assertThat(a).containsExactly(1, -2, 3));
            MetadataArray nested = m.optionalArray("nested").orElseThrow();
            assertThat(nested.elementType()).isEqualTo(MetadataType.ARRAY);
            MetadataArray[] inner = (MetadataArray[]) nested.elements();
            assertThat((String[]) inner[1].elements()).containsExactly("x1");
            assertThat(file.alignment()).isEqualTo(64);
            assertThat(file.dataStart() % 64).isZero();
            assertThat(file.data(file.tensor("w").orElseThrow()).byteSize()).isEqualTo(16);
            assertThatThrownBy(() -> m.getString("u8"))
                    .isInstanceOfSatisfying(ModelFormatException.class, e -> assertThat(e.field()).isEqualTo("u8"));
            assertThatThrownBy(() -> m.getString("absent")).isInstanceOf(ModelFormatException.class)
                    .hasMessageContaining("absent");
        }
    }

    @Test
    void tensorDataPastTheEndOfTheFileIsRejected() throws IOException {
        ByteArrayOutputStream out = header(3, 1, 0);
        string(out, "w");
        u32(out, 2);
        u64(out, 32);
        u64(out, 1000);
        u32(out, GgmlType.Q8_0.id());
        u64(out, 0);
        while (out.size() % 32 != 0) {
            out.write(0);
        }
        out.write(new byte[100]);
        Path file = write(out);
        assertThatThrownBy(() -> GgufFile.open(file))
                .isInstanceOfSatisfying(ModelFormatException.class, e -> assertThat(e.field()).isEqualTo("tensor w data"))
                .hasMessageContaining("past the end");
    }

    @Test
    void unknownTensorTypeAndBadAlignmentAreNamed() throws IOException {
        ByteArrayOutputStream out = header(3, 1, 0);
        string(out, "w");
        u32(out, 1);
        u64(out, 32);
        u32(out, 4); // Q4_2, retired long ago
        u64(out, 0);
        Path retired = write(out);
        assertThatThrownBy(() -> GgufFile.open(retired))
                .isInstanceOfSatisfying(ModelFormatException.class, e -> assertThat(e.field()).isEqualTo("tensor w type"));

        ByteArrayOutputStream badAlignment = header(3, 0, 1);
        kv(badAlignment, "general.alignment", MetadataType.UINT32, b -> le(b, 24, 4));
        Path aligned = write(badAlignment);
        assertThatThrownBy(() -> GgufFile.open(aligned))
                .isInstanceOfSatisfying(ModelFormatException.class, e -> assertThat(e.field()).isEqualTo("general.alignment"));
    }

    @Test
    void bigEndianAndObsoleteVersionsSayWhy() throws IOException {
        assertThatThrownBy(() -> GgufFile.open(write(header(1, 0, 0))))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("v1 is obsolete");
        assertThatThrownBy(() -> GgufFile.open(write(header(Integer.reverseBytes(3), 0, 0))))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("big-endian");
    }

    // --- tiny GGUF writer for hand-made files ---

    private interface Body {
        void write(ByteArrayOutputStream out) throws IOException;
    }

    private Path write(ByteArrayOutputStream out) throws IOException {
        return Files.write(Files.createTempFile(temp, "made", ".gguf"), out.toByteArray());
    }

    private static ByteArrayOutputStream header(int version, long tensors, long keys) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("GGUF".getBytes(StandardCharsets.US_ASCII));
        u32(out, version);
        u64(out, tensors);
        u64(out, keys);
        return out;
    }

    private static void kv(ByteArrayOutputStream out, String key, MetadataType type, Body value) throws IOException {
        string(out, key);
        u32(out, type.id());
        value.write(out);
    }

    private static void string(ByteArrayOutputStream out, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        u64(out, bytes.length);
        out.writeBytes(bytes);
    }

    private static void u32(ByteArrayOutputStream out, long value) {
        le(out, value, 4);
    }

    private static void u64(ByteArrayOutputStream out, long value) {
        le(out, value, 8);
    }

    private static void le(ByteArrayOutputStream out, long value, int bytes) {
        ByteBuffer buffer = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value);
        out.write(buffer.array(), 0, bytes);
    }
}
