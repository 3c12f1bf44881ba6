package dev.hearth.kvcache;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes a new file's bytes; the seam through which tests make the disk tier fail like a full disk. The real one
 * writes every buffer and lets an {@link IOException} (ENOSPC, EIO, a vanished directory) propagate.
 */
interface SpillWriter {
    SpillWriter FILES = (file, parts) -> {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (ByteBuffer part : parts) {
                while (part.hasRemaining()) {
                    channel.write(part);
                }
            }
        }
    };

    void write(Path file, ByteBuffer... parts) throws IOException;

    /** Creates the directory if it is missing (it may have been deleted under a running store). */
    default void ensureDirectory(Path directory) throws IOException {
        Files.createDirectories(directory);
    }
}
