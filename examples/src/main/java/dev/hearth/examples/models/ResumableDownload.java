package dev.hearth.examples.models;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Downloads one file into {@code target} through {@code target.part}: bytes already in the part file are kept and
 * only the rest is asked for (HTTP Range), so an interrupted pull continues where it stopped. The whole content is
 * hashed; when a sha256 is known (from the listing or the hub's {@code X-Linked-Etag}) a mismatch deletes the part
 * file and fails, and nothing poses as the model. The verified hash is written beside the file ({@code .sha256}, in
 * {@code sha256sum} format) so later pulls and {@code hearth models} need not hash it again.
 */
final class ResumableDownload {
    private static final Logger LOG = LoggerFactory.getLogger(ResumableDownload.class);
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");

    /** How long a transfer may go without a byte before it is given up (and left to resume). */
    static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(60);
    // one daemon thread watches every transfer: the JDK client bounds the wait for headers, not for the body
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "hearth-pull-watchdog");
        thread.setDaemon(true);
        return thread;
    });

    private final HubClient hub;
    private final Duration stallTimeout;

    ResumableDownload(HubClient hub) {
        this(hub, DEFAULT_STALL_TIMEOUT);
    }

    ResumableDownload(HubClient hub, Duration stallTimeout) {
        this.hub = hub;
        this.stallTimeout = stallTimeout;
    }

    static Path partFile(Path target) {
        return target.resolveSibling(target.getFileName() + ".part");
    }

    static Path hashFile(Path target) {
        return target.resolveSibling(target.getFileName() + ".sha256");
    }

    /**
     * Fetches {@code uri} into {@code target} and returns the content's sha256. The part file is locked while this
     * runs, so a second pull of the same file (another terminal) fails at once instead of writing into it too.
     */
    String fetch(URI uri, Path target, Optional<String> expectedSha256, long expectedSize, DownloadProgress progress) {
        Path part = partFile(target);
        String actual;
        Optional<String> expected = expectedSha256;
        try {
            Files.createDirectories(target.getParent());
        } catch (IOException e) {
            throw new TransferFailedException("Cannot create " + target.getParent() + " (" + e.getMessage() + ")", e);
        }
        try (FileChannel channel = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
             FileLock lock = lock(channel, part)) {
            try {
                MessageDigest digest = sha256();
                long have = channel.size();
                if (expectedSize >= 0 && have > expectedSize) {
                    LOG.warn("{} is longer than the file it is part of; starting again", part);
                    channel.truncate(0);
                    have = 0;
                }
                hashInto(channel, have, digest);
                boolean complete = expectedSize >= 0 && have == expectedSize && have > 0;
                if (!complete) {
                    expected = transfer(uri, channel, have, expected, expectedSize, digest, target.getFileName().toString(), progress);
                }
                actual = HexFormat.of().formatHex(digest.digest());
            } catch (IOException | PullException e) {
                // only the pull holding the lock may delete the part; an empty one would be listed as a download
                deleteIfEmpty(part);
                throw e;
            }
        } catch (IOException e) {
            throw new TransferFailedException("Cannot write " + part + " (" + e.getMessage() + ")", e);
        }
        if (expected.isPresent() && !expected.get().equals(actual)) {
            deleteQuietly(part);
            throw new ChecksumMismatchException(target.getFileName().toString(), expected.get(), actual);
        }
        if (expected.isEmpty()) {
            LOG.warn("The hub published no sha256 for {}; it was stored unverified (its sha256 is {})", target.getFileName(), actual);
        }
        try {
            try {
                Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.writeString(hashFile(target), actual + "  " + target.getFileName() + "\n");
        } catch (IOException e) {
            throw new TransferFailedException("Cannot move " + part + " into place (" + e.getMessage() + ")", e);
        }
        return actual;
    }

    private static FileLock lock(FileChannel channel, Path part) throws IOException {
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            throw new TransferFailedException("Another pull is downloading into " + part + "; wait for it to finish", null);
        }
        return lock;
    }

    /** Asks for the bytes after {@code have} and appends them; returns the expected sha256, now perhaps known. */
    private Optional<String> transfer(URI uri, FileChannel channel, long have, Optional<String> expected, long expectedSize,
                                      MessageDigest digest, String name, DownloadProgress progress) throws IOException {
        Optional<String> range = have > 0 ? Optional.of("bytes=" + have + "-") : Optional.empty();
        try (HubClient.Response response = hub.get(uri, range)) {
            Optional<String> announced = expected.isPresent() ? expected : response.linkedSha256();
            long total = expectedSize >= 0 ? expectedSize : response.linkedSize();
            long start = have;
            switch (response.status()) {
                case 206 -> {
                    long[] contentRange = contentRange(response.header("Content-Range").orElse(""));
                    if (contentRange[0] != have) {
                        throw new TransferFailedException(uri.getPath() + " answered a range starting at "
                                + contentRange[0] + " when " + have + " was asked for", null);
                    }
                    if (contentRange[1] >= 0) {
                        total = contentRange[1];
                    }
                }
                case 200 -> {
                    if (have > 0) {
                        LOG.info("The server ignored the range request; downloading {} from the start", name);
                        digest.reset();
                        start = 0;
                    }
                    if (total < 0) {
                        total = response.header("Content-Length").map(Long::parseLong).orElse(-1L);
                    }
                }
                case 416 -> {
                    // the part already holds every byte (a pull stopped between the transfer and the check)
                    long[] contentRange = contentRange(response.header("Content-Range").orElse(""));
                    if (contentRange[1] != have) {
                        channel.truncate(0);
                        throw new TransferFailedException("The server refused the range of " + name
                                + " (HTTP 416); the partial download was discarded, run pull again", null);
                    }
                    return announced;
                }
                default -> throw new IllegalStateException("unexpected status " + response.status());
            }
            copy(response.body(), channel, start, total, digest, name, progress);
            return announced;
        }
    }

    private void copy(InputStream body, FileChannel channel, long start, long total, MessageDigest digest, String name,
                      DownloadProgress progress) throws IOException {
        channel.truncate(start);
        channel.position(start);
        long soFar = start;
        progress.start(name, start, total);
        // a stalled body read is unblocked by interrupting this thread (the JDK stream then throws an IOException)
        Thread reader = Thread.currentThread();
        AtomicLong lastByte = new AtomicLong(System.nanoTime());
        AtomicBoolean stalled = new AtomicBoolean();
        long stallNanos = stallTimeout.toNanos();
        long period = Math.max(10, stallTimeout.toMillis() / 4);
        ScheduledFuture<?> watchdog = WATCHDOG.scheduleAtFixedRate(() -> {
            if (System.nanoTime() - lastByte.get() > stallNanos && stalled.compareAndSet(false, true)) {
                reader.interrupt();
            }
        }, period, period, TimeUnit.MILLISECONDS);
        try (InputStream in = body) {
            byte[] buffer = new byte[1 << 16];
            for (int read; (read = in.read(buffer)) >= 0; ) {
                lastByte.set(System.nanoTime());
                ByteBuffer bytes = ByteBuffer.wrap(buffer, 0, read);
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                digest.update(buffer, 0, read);
                soFar += read;
                progress.advance(soFar);
            }
        } catch (IOException e) {
            String reason = stalled.get() ? "no data for " + stallTimeout.toSeconds() + " s"
                    : e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
            throw new TransferFailedException("The transfer of " + name + " stopped after " + soFar + " bytes ("
                    + reason + "); run pull again to resume from there", e);
        } finally {
            watchdog.cancel(false);
            if (stalled.get()) {
                Thread.interrupted(); // the interrupt was ours, not the caller's
            }
            progress.finish();
        }
        if (total >= 0 && soFar != total) {
            throw new TransferFailedException("The transfer of " + name + " ended at " + soFar + " of " + total
                    + " bytes; run pull again to resume from there", null);
        }
    }

    /** {@code [first byte, complete length]} of a Content-Range header; the length is -1 when unknown. */
    static long[] contentRange(String header) {
        Matcher matcher = CONTENT_RANGE.matcher(header.strip());
        if (matcher.matches()) {
            long length = matcher.group(3).equals("*") ? -1 : Long.parseLong(matcher.group(3));
            return new long[] {Long.parseLong(matcher.group(1)), length};
        }
        Matcher unsatisfied = Pattern.compile("bytes \\*/(\\d+)").matcher(header.strip());
        if (unsatisfied.matches()) {
            return new long[] {-1, Long.parseLong(unsatisfied.group(1))};
        }
        return new long[] {-1, -1};
    }

    private static void hashInto(FileChannel channel, long length, MessageDigest digest) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
        long position = 0;
        while (position < length) {
            buffer.clear();
            int read = channel.read(buffer, position);
            if (read < 0) {
                break;
            }
            digest.update(buffer.array(), 0, read);
            position += read;
        }
    }

    private static void deleteIfEmpty(Path part) {
        try {
            if (Files.isRegularFile(part) && Files.size(part) == 0) {
                Files.delete(part);
            }
        } catch (IOException e) {
            LOG.debug("Could not delete the empty {}", part, e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("Could not delete {}", file, e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
