package dev.hearth.local;

import com.sun.net.httpserver.HttpServer;
import dev.hearth.api.ModelLoadException;
import dev.hearth.local.testing.SharedModels;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The fetcher against a real HTTP server on the loopback address, serving the real stories260K bytes. */
class ModelFetcherTest {
    @TempDir
    Path cache;

    private HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private byte[] served;

    @BeforeEach
    void start() throws IOException {
        served = Files.readAllBytes(SharedModels.stories260K());
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/models/stories260K.gguf", exchange -> {
            requests.incrementAndGet();
            exchange.sendResponseHeaders(200, served.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(served);
            }
        });
        server.createContext("/redirect", exchange -> {
            exchange.getResponseHeaders().add("Location", "/models/stories260K.gguf");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private KnownModel servedAt(String path) {
        KnownModel real = KnownModel.STORIES_260K;
        return new KnownModel(real.fileName(), URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path),
                real.sha256(), real.size());
    }

    @Test
    void fetchesOnceVerifiesAndReusesTheCachedCopy() throws IOException {
        ModelFetcher fetcher = new ModelFetcher(cache);
        AtomicLong lastProgress = new AtomicLong();
        Path fetched = fetcher.locate(servedAt("/redirect"), List.of(), (soFar, total) -> {
            assertThat(total).isEqualTo(served.length);
            lastProgress.set(soFar);
        });
        assertThat(fetched).isEqualTo(cache.resolve("stories260K.gguf"));
        assertThat(Files.readAllBytes(fetched)).isEqualTo(served);
        assertThat(lastProgress.get()).isEqualTo(served.length);

        Path again = fetcher.locate(servedAt("/redirect"), List.of(), ModelFetcher.Progress.NONE);
        assertThat(again).isEqualTo(fetched);
        assertThat(requests.get()).isEqualTo(1);
        try (var files = Files.list(cache)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("stories260K.gguf");
        }
    }

    @Test
    void aLocalCandidateWithTheRightHashWinsWithoutTheNetwork() {
        Path found = new ModelFetcher(cache).locate(servedAt("/models/stories260K.gguf"),
                List.of(cache.resolve("absent.gguf"), SharedModels.stories260K()), ModelFetcher.Progress.NONE);
        assertThat(found).isEqualTo(SharedModels.stories260K());
        assertThat(requests.get()).isZero();
    }

    @Test
    void aDownloadWithTheWrongHashIsDiscarded() throws IOException {
        served = "definitely not the model".getBytes();
        assertThatThrownBy(() -> new ModelFetcher(cache).locate(servedAt("/models/stories260K.gguf"), List.of(), ModelFetcher.Progress.NONE))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("sha256");
        try (var files = Files.list(cache)) {
            assertThat(files.toList()).as("no partial or wrong file is left behind").isEmpty();
        }
    }

    @Test
    void aCorruptedCachedCopyIsFetchedAgain() throws IOException {
        Files.write(cache.resolve("stories260K.gguf"), new byte[] {1, 2, 3});
        Path fetched = new ModelFetcher(cache).locate(servedAt("/models/stories260K.gguf"), List.of(), ModelFetcher.Progress.NONE);
        assertThat(Files.readAllBytes(fetched)).isEqualTo(served);
        assertThat(requests.get()).isEqualTo(1);
    }

    @Test
    void httpErrorsSayWhatToDo() {
        assertThatThrownBy(() -> new ModelFetcher(cache).locate(servedAt("/missing"), List.of(), ModelFetcher.Progress.NONE))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("HTTP 404").hasMessageContaining(cache.toString());
    }
}
