package dev.hearth.kvcache;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static dev.hearth.kvcache.PrefixStoreTest.BLOCK;
import static dev.hearth.kvcache.PrefixStoreTest.BLOCK_BYTES;
import static dev.hearth.kvcache.PrefixStoreTest.MODEL;
import static dev.hearth.kvcache.PrefixStoreTest.SHAPE;
import static org.assertj.core.api.Assertions.assertThat;

/** Disk trouble costs cache hits, never a wrong block and never an exception to the engine. */
class DiskFaultTest {
    @TempDir
    Path directory;

    private PrefixCache config() {
        return PrefixCache.inMemory(BLOCK_BYTES).spillTo(directory).blockSize(BLOCK);
    }

    private static int reuse(PrefixStore store, int[] prompt, TestKv expected) {
        try (PrefixLease lease = store.lookup(prompt, prompt.length)) {
            TestKv copy = new TestKv(SHAPE, prompt.length);
            lease.copyInto(copy);
            assertThat(copy.samePositions(expected, lease.tokens(), SHAPE.kvDimension())).isTrue();
            return lease.tokens();
        }
    }

    private List<Path> blockFiles() throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(f -> f.toString().endsWith(BlockFiles.SUFFIX)).sorted().toList();
        }
    }

    /**
     * A simulated full disk: the writer accepts a few hundred bytes of a file and then fails the way a full device
     * does (there is no small real file system to fill on a build machine).
     */
    @Test
    void aDiskThatFillsUpWhileSpillingDropsBlocksWithoutTornFilesOrErrors() throws IOException {
        SpillWriter fullAfterTwoFiles = new SpillWriter() {
            int files;

            @Override
            public void write(Path file, ByteBuffer... parts) throws IOException {
                if (files++ < 2) {
                    FILES.write(file, parts);
                    return;
                }
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    channel.write(parts[0].limit(Math.min(parts[0].limit(), 100)));
                }
                throw new IOException("No space left on device");
            }
        };
        PrefixStore store = config().open(MODEL, SHAPE, fullAfterTwoFiles);
        int[] tokens = TestKv.tokens(0, 6 * BLOCK);
        TestKv kv = TestKv.of(SHAPE, tokens);
        store.store(tokens, tokens.length, kv);

        // the deepest blocks were evicted first: two reached the disk, the next ones were dropped
        try (Stream<Path> all = Files.list(directory)) {
            assertThat(all.map(p -> p.getFileName().toString())).noneMatch(name -> name.endsWith(".tmp")).hasSize(2);
        }
        int reused = reuse(store, tokens, kv);
        assertThat(reused).isEqualTo(BLOCK); // the block still in memory; its spilled child's parent chain was broken
        store.close();
    }

    @Test
    void temporaryFilesLeftByAKilledWriterAreDeletedAtOpenAndLiveOnesAreNot() throws IOException {
        Files.createDirectories(directory);
        String key = "ab".repeat(BlockKey.BYTES);
        Path stale = Files.write(directory.resolve(key + ".1f2e3d.tmp"), new byte[4096]);
        Files.setLastModifiedTime(stale, java.nio.file.attribute.FileTime.from(
                java.time.Instant.now().minus(BlockFiles.STALE_TEMPORARY).minusSeconds(60)));
        Path live = Files.write(directory.resolve(key + ".4c5b.tmp"), new byte[4096]);
        Path notOurs = Files.write(directory.resolve("notes.tmp"), new byte[16]);
        Files.setLastModifiedTime(notOurs, Files.getLastModifiedTime(stale));

        config().open(MODEL, SHAPE).close();

        assertThat(stale).doesNotExist();
        assertThat(live).as("a writer may be renaming it right now").exists();
        assertThat(notOurs).as("not a name the cache writes").exists();
    }

    @Test
    void closingSpillsResidentBlocksWithinTheDiskLimit() throws IOException {
        int[] tokens = TestKv.tokens(0, 6 * BLOCK);
        long limit;
        try (PrefixStore store = PrefixCache.inMemory(16 * BLOCK_BYTES).spillTo(directory, 3 * BLOCK_BYTES + 4096)
                .blockSize(BLOCK).open(MODEL, SHAPE)) {
            store.store(tokens, tokens.length, TestKv.of(SHAPE, tokens));
            limit = 3 * BLOCK_BYTES + 4096;
        }
        long onDisk = 0;
        for (Path file : blockFiles()) {
            onDisk += Files.size(file);
        }
        assertThat(blockFiles()).isNotEmpty();
        assertThat(onDisk).as("the disk tier after close").isLessThanOrEqualTo(limit);
    }

    @Test
    void aCacheDirectoryDeletedUnderARunningStoreIsRecreatedAndMissingFilesAreMisses() throws IOException {
        PrefixStore store = config().open(MODEL, SHAPE);
        int[] tokens = TestKv.tokens(0, 4 * BLOCK);
        TestKv kv = TestKv.of(SHAPE, tokens);
        store.store(tokens, tokens.length, kv);
        deleteRecursively(directory);

        assertThat(reuse(store, tokens, kv)).isEqualTo(BLOCK); // only the block in memory is left
        int[] other = TestKv.tokens(500, 3 * BLOCK);
        store.store(other, other.length, TestKv.of(SHAPE, other));
        assertThat(blockFiles()).isNotEmpty();
        store.close();
    }

    @Test
    void tornForeignAndCorruptedFilesAreIgnoredAfterARestart() throws IOException {
        int[] tokens = TestKv.tokens(0, 4 * BLOCK);
        TestKv kv = TestKv.of(SHAPE, tokens);
        try (PrefixStore first = PrefixCache.inMemory(1 << 20).spillTo(directory).blockSize(BLOCK).open(MODEL, SHAPE)) {
            first.store(tokens, tokens.length, kv);
        }
        try (PrefixStore foreign = PrefixCache.inMemory(1 << 20).spillTo(directory).blockSize(BLOCK)
                .open(ModelFingerprint.of("another model"), SHAPE)) {
            foreign.store(TestKv.tokens(7000, 2 * BLOCK), 2 * BLOCK, TestKv.of(SHAPE, TestKv.tokens(7000, 2 * BLOCK)));
        }
        Files.writeString(directory.resolve("garbage" + BlockFiles.SUFFIX), "not a block");
        // find our blocks by walking the chain the way the store names them
        BlockKey key = BlockKey.root(MODEL, SHAPE, BLOCK);
        Path[] chain = new Path[4];
        for (int i = 0; i < 4; i++) {
            key = key.child(tokens, i * BLOCK, BLOCK);
            chain[i] = directory.resolve(key.hex() + BlockFiles.SUFFIX);
        }
        flipLastDataByte(chain[2]);
        try (RandomAccessFile torn = new RandomAccessFile(chain[3].toFile(), "rw")) {
            torn.setLength(torn.length() / 2);
        }

        try (PrefixStore reopened = config().open(MODEL, SHAPE)) {
            // blocks 0 and 1 are good; block 2 fails its checksum when loaded; block 3 was never indexed
            assertThat(reuse(reopened, tokens, kv)).isEqualTo(2 * BLOCK);
            assertThat(Files.exists(chain[2])).isFalse();
            assertThat(reuse(reopened, tokens, kv)).isEqualTo(2 * BLOCK);
        }
    }

    private static void flipLastDataByte(Path file) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            long at = raf.length() - 5;
            raf.seek(at);
            int value = raf.read();
            raf.seek(at);
            raf.write(value ^ 0x40);
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
