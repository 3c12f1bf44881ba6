package dev.hearth.remote.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The SHA-256 of model files, as Ollama reports a model's digest. Hashing reads the whole file (gigabytes), so each
 * file is hashed once, on a virtual thread started as soon as the file is known, and the result is kept.
 */
final class FileDigests {
    private static final Logger LOG = LoggerFactory.getLogger(FileDigests.class);
    private static final int BUFFER = 1 << 20;

    private final Map<Path, CompletableFuture<String>> digests = new ConcurrentHashMap<>();

    /** Starts hashing {@code file} in the background unless already started. */
    CompletableFuture<String> of(Path file) {
        return digests.computeIfAbsent(file, path -> {
            CompletableFuture<String> digest = new CompletableFuture<>();
            Thread.ofVirtual().name("hearth-digest").start(() -> {
                try {
                    digest.complete(sha256(path));
                } catch (RuntimeException e) {
                    LOG.warn("Could not hash {}: {}", path, e.toString());
                    digest.completeExceptionally(e);
                }
            });
            return digest;
        });
    }

    /** The digest as Ollama writes it, {@code sha256:<hex>}, waiting for the hash when it is still running; null on failure. */
    String await(Path file) {
        try {
            return "sha256:" + of(file).join();
        } catch (RuntimeException failed) {
            return null;
        }
    }

    private static String sha256(Path path) {
        try (InputStream in = Files.newInputStream(path)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[BUFFER];
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                sha.update(buffer, 0, read);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK provides SHA-256", e);
        }
    }
}
