package dev.hearth.local;

import dev.hearth.api.ModelLoadException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Finds a {@link KnownModel} locally or fetches it once into a cache directory. A file is used only when its sha256
 * matches: a download is written to a temporary file, hashed as it streams, and moved into place only when the hash
 * is right, so an interrupted or tampered download never poses as the model.
 */
public final class ModelFetcher {
    private static final Logger LOG = LoggerFactory.getLogger(ModelFetcher.class);

    /** Receives download progress; {@code totalBytes} is -1 when the server does not say. */
    @FunctionalInterface
    public interface Progress {
        void update(long bytesSoFar, long totalBytes);

        Progress NONE = (bytesSoFar, totalBytes) -> { };
    }

    private final Path cacheDirectory;
    private final HttpClient http;

    public ModelFetcher(Path cacheDirectory) {
        this.cacheDirectory = cacheDirectory;
        this.http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(20))
                .build();
    }

    /** {@code $HEARTH_CACHE} if set, else {@code ~/.cache/hearth/models}. */
    public static Path defaultCacheDirectory() {
        String configured = System.getenv("HEARTH_CACHE");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        return Path.of(System.getProperty("user.home"), ".cache", "hearth", "models");
    }

    /**
     * The first of {@code candidates} whose content matches the model's sha256, else the cached copy, else a fresh
     * download into the cache.
     *
     * @throws ModelLoadException when the download fails or its hash differs
     */
    public Path locate(KnownModel model, List<Path> candidates, Progress progress) {
        for (Path candidate : candidates) {
            if (Files.isRegularFile(candidate) && matches(candidate, model)) {
                return candidate;
            }
        }
        Path cached = cacheDirectory.resolve(model.fileName());
        if (Files.isRegularFile(cached)) {
            if (matches(cached, model)) {
                return cached;
            }
            LOG.warn("Cached {} does not match its sha256; fetching it again", cached);
        }
        return download(model, cached, progress);
    }

    private Path download(KnownModel model, Path target, Progress progress) {
        Path partial = null;
        try {
            Files.createDirectories(cacheDirectory);
            partial = Files.createTempFile(cacheDirectory, model.fileName(), ".part");
            LOG.info("Fetching {} from {}", model.fileName(), model.url());
            HttpRequest request = HttpRequest.newBuilder(model.url()).timeout(Duration.ofMinutes(30)).GET().build();
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() != 200) {
                response.body().close();
                throw new ModelLoadException("Fetching " + model.url() + " failed with HTTP " + response.statusCode()
                        + "; check the network or place " + model.fileName() + " in " + cacheDirectory + " yourself.");
            }
            long total = response.headers().firstValueAsLong("content-length").orElse(model.size() > 0 ? model.size() : -1);
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            try (InputStream in = response.body(); OutputStream out = Files.newOutputStream(partial)) {
                byte[] buffer = new byte[1 << 16];
                long soFar = 0;
                for (int read; (read = in.read(buffer)) >= 0; ) {
                    out.write(buffer, 0, read);
                    digest.update(buffer, 0, read);
                    soFar += read;
                    progress.update(soFar, total);
                }
            }
            String actual = HexFormat.of().formatHex(digest.digest());
            if (!actual.equals(model.sha256())) {
                throw new ModelLoadException("Downloaded " + model.fileName() + " has sha256 " + actual + " but "
                        + model.sha256() + " was expected; the download was discarded. Try again, or fetch it yourself.");
            }
            try {
                Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
            }
            partial = null;
            return target;
        } catch (IOException e) {
            String reason = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
            throw new ModelLoadException("Fetching " + model.url() + " failed (" + reason + ")"
                    + "; check the network or place " + model.fileName() + " in " + cacheDirectory + " yourself.", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelLoadException("Fetching " + model.fileName() + " was interrupted", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        } finally {
            if (partial != null) {
                try {
                    Files.deleteIfExists(partial);
                } catch (IOException e) {
                    LOG.warn("Could not delete partial download {}", partial, e);
                }
            }
        }
    }

    /** True when the file's sha256 equals the model's. */
    public static boolean matches(Path file, KnownModel model) {
        return sha256(file).map(model.sha256()::equals).orElse(false);
    }

    private static Optional<String> sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int read; (read = in.read(buffer)) >= 0; ) {
                digest.update(buffer, 0, read);
            }
            return Optional.of(HexFormat.of().formatHex(digest.digest()));
        } catch (IOException e) {
            return Optional.empty();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
