package dev.hearth.remote.providers;

import dev.hearth.api.ChatRequest;
import dev.hearth.api.ChatResponse;
import dev.hearth.api.ConfigurationException;
import dev.hearth.api.TokenEvent;
import dev.hearth.api.spi.CancellationSignal;
import dev.hearth.api.spi.InferenceRuntime;
import dev.hearth.api.spi.RuntimeInfo;

import java.net.http.HttpClient;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * A runtime that answers through a provider's HTTP API. Requests run concurrently, each on its caller's thread,
 * sharing one HTTP client (and its connection pool); closing the runtime closes the client.
 */
final class RemoteRuntime implements InferenceRuntime {
    private final RemoteConfig config;
    private final Protocol protocol;
    private final RuntimeInfo info;
    private final ExecutorService httpThreads;
    private final HttpClient http;
    private volatile boolean closed;

    RemoteRuntime(RemoteConfig config) {
        this.config = config;
        this.protocol = config.kind().protocol(config);
        this.info = new RuntimeInfo(config.name(), config.locality(), List.of(config.model()), config.contextLength());
        this.httpThreads = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("hearth-http-", 0).factory());
        this.http = HttpClient.newBuilder()
                .connectTimeout(config.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER) // a redirect would resend the key to another host
                .executor(httpThreads)
                .build();
    }

    @Override
    public RuntimeInfo info() {
        return info;
    }

    @Override
    public ChatResponse generate(ChatRequest request, Consumer<TokenEvent> tokens, CancellationSignal cancellation) {
        if (closed) {
            throw new ConfigurationException("The " + info.name() + " runtime is closed.");
        }
        return new RemoteCall(config, protocol, http, info.name(), request, tokens, cancellation).run();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        http.shutdownNow();
        httpThreads.shutdownNow();
    }

    @Override
    public String toString() {
        return "RemoteRuntime[" + info.name() + ", " + config + "]";
    }
}
