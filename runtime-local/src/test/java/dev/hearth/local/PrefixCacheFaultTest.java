package dev.hearth.local;

import dev.hearth.api.ChatRequest;
import dev.hearth.api.ChatResponse;
import dev.hearth.api.InferenceClient;
import dev.hearth.api.Message;
import dev.hearth.kvcache.PrefixCache;
import dev.hearth.local.testing.SharedModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static dev.hearth.local.PrefixCacheTest.BLOCK_BYTES;
import static dev.hearth.local.PrefixCacheTest.SYSTEM;
import static dev.hearth.local.PrefixCacheTest.cached;
import static dev.hearth.local.PrefixCacheTest.turn;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Disk-tier faults under a running engine: each costs cache hits at most; answers stay exact and the conversation
 * goes on.
 */
class PrefixCacheFaultTest {
    @TempDir
    Path directory;
    private static InferenceClient cold;

    @BeforeAll
    static void openCold() {
        cold = PrefixCacheTest.uncached();
    }

    @AfterAll
    static void closeCold() {
        cold.close();
    }

    private static String coldAnswer(ChatRequest request) {
        return PrefixCacheTest.coldAnswer(cold, request);
    }

    private static final ChatRequest FIRST = turn(List.of(Message.system(SYSTEM)), "Lily said");

    /** One block of memory, so nearly every block goes through the disk tier. */
    private PrefixCache spilling(Path dir) {
        return PrefixCache.inMemory(BLOCK_BYTES).blockSize(16).spillTo(dir);
    }

    private static List<Path> blockFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".kvb")).toList();
        }
    }

    @Test
    void aCacheDirectoryDeletedBetweenCallsCostsOnlyHits() throws IOException {
        Path dir = directory.resolve("cache");
        try (InferenceClient client = cached(spilling(dir))) {
            client.call(FIRST);
            assertThat(blockFiles(dir)).isNotEmpty();
            deleteRecursively(dir);
            ChatResponse again = client.call(FIRST);
            assertThat(again.text()).isEqualTo(coldAnswer(FIRST));
            ChatRequest next = turn(List.of(Message.system(SYSTEM), Message.user("Lily said"), Message.assistant(again.text())), "Then");
            assertThat(client.call(next).text()).isEqualTo(coldAnswer(next));
            assertThat(blockFiles(dir)).as("the directory comes back with the next spill").isNotEmpty();
        }
    }

    @Test
    void aCacheDirectoryFilledByAnotherModelIsNeverUsed() throws IOException {
        Path dir = directory.resolve("shared");
        try (InferenceClient q8 = InferenceClient.builder().runtime(Gguf.model(SharedModels.file("parity/models/llama-Q8_0.gguf"))
                .threads(2).contextLength(256).prefixCache(PrefixCache.inMemory(1 << 20).blockSize(16).spillTo(dir))).build()) {
            q8.call(FIRST);
        }
        assertThat(blockFiles(dir)).isNotEmpty();
        try (InferenceClient client = cached(spilling(dir))) {
            ChatResponse answer = client.call(FIRST);
            assertThat(answer.usage().cachedPromptTokens()).isZero();
            assertThat(answer.text()).isEqualTo(coldAnswer(FIRST));
        }
    }

    @Test
    void corruptedBlockFilesAreRejectedAndRecomputed() throws IOException {
        Path dir = directory.resolve("cache");
        try (InferenceClient client = cached(spilling(dir))) {
            client.call(FIRST);
        }
        List<Path> files = blockFiles(dir);
        assertThat(files).isNotEmpty();
        for (Path file : files) {
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                long at = raf.length() / 2 + 3;
                raf.seek(at);
                int value = raf.read();
                raf.seek(at);
                raf.write(value ^ 0x10);
            }
        }
        try (InferenceClient client = cached(spilling(dir))) {
            ChatResponse answer = client.call(FIRST);
            assertThat(answer.usage().cachedPromptTokens()).isZero();
            assertThat(answer.text()).isEqualTo(coldAnswer(FIRST));
            ChatResponse again = client.call(FIRST);
            assertThat(again.usage().cachedPromptTokens()).as("recomputed blocks are cached again").isPositive();
            assertThat(again.text()).isEqualTo(answer.text());
        }
    }

    /** A spill directory that cannot be created (its path is a regular file): writing fails on every spill. */
    @Test
    void aSpillDirectoryThatCannotBeWrittenKeepsAnswersExact() throws IOException {
        Path notADirectory = Files.writeString(directory.resolve("file"), "in the way");
        try (InferenceClient client = cached(spilling(notADirectory.resolve("cache")))) {
            for (int i = 0; i < 2; i++) {
                ChatResponse answer = client.call(FIRST);
                assertThat(answer.text()).isEqualTo(coldAnswer(FIRST));
            }
        }
    }

    static void deleteRecursively(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
