package dev.hearth.kvcache;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;

import static dev.hearth.kvcache.PrefixStoreTest.MODEL;
import static dev.hearth.kvcache.PrefixStoreTest.SHAPE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SessionFileTest {
    @TempDir
    Path directory;

    @Test
    void aSavedSessionComesBackBitForBit() throws IOException {
        int[] tokens = TestKv.tokens(3, 37);
        TestKv kv = TestKv.of(SHAPE, tokens);
        Path file = directory.resolve("session.hkv");
        SessionFile.write(file, MODEL, SHAPE, tokens, 37, kv);
        try (SessionFile session = SessionFile.read(file, MODEL, SHAPE)) {
            assertThat(session.tokens()).containsExactly(tokens);
            TestKv copy = new TestKv(SHAPE, 37);
            session.copyInto(copy, 37);
            assertThat(copy.samePositions(kv, 37, SHAPE.kvDimension())).isTrue();
        }
    }

    @Test
    void aSessionOfAnotherModelOrShapeOrWithDamageIsRefused() throws IOException {
        int[] tokens = TestKv.tokens(3, 10);
        Path file = directory.resolve("session.hkv");
        SessionFile.write(file, MODEL, SHAPE, tokens, 10, TestKv.of(SHAPE, tokens));
        assertThatThrownBy(() -> SessionFile.read(file, ModelFingerprint.of("other"), SHAPE)).hasMessageContaining("another model");
        assertThatThrownBy(() -> SessionFile.read(file, MODEL, new KvShape(3, 4))).hasMessageContaining("shape");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(200);
            int value = raf.read();
            raf.seek(200);
            raf.write(value ^ 1);
        }
        assertThatThrownBy(() -> SessionFile.read(file, MODEL, SHAPE)).hasMessageContaining("corrupted");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(raf.length() - 10);
        }
        assertThatThrownBy(() -> SessionFile.read(file, MODEL, SHAPE)).hasMessageContaining("torn");
    }
}
