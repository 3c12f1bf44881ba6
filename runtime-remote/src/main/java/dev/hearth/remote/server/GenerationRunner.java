package dev.hearth.remote.server;

import dev.hearth.api.ChatRequest;
import dev.hearth.api.ChatResponse;
import dev.hearth.api.Generation;
import dev.hearth.api.HearthException;
import dev.hearth.api.InferenceClient;
import dev.hearth.api.TokenEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs one request's generation in the background and ties it to the HTTP exchange: tokens go to the endpoint's
 * writer as they come, and a client that goes away (a failed write, or Jetty seeing the connection drop) cancels
 * the generation so the model stops working for nobody.
 */
final class GenerationRunner {
    private static final Logger LOG = LoggerFactory.getLogger(GenerationRunner.class);

    /** Receives each token on the generation's thread; an {@link IOException} means the client is gone. */
    @FunctionalInterface
    interface TokenWriter {
        void write(TokenEvent token) throws IOException;
    }

    private final InferenceClient client;
    private final ServerMetrics metrics;
    private final Set<Generation> running = ConcurrentHashMap.newKeySet();

    GenerationRunner(InferenceClient client, ServerMetrics metrics) {
        this.client = client;
        this.metrics = metrics;
    }

    /**
     * Generates without streaming. A client that closes its connection meanwhile is noticed by the exchange's
     * connection watch and its generation cancelled, freeing its slot.
     */
    ChatResponse call(ChatRequest request, Exchange exchange) throws IOException {
        return stream(request, exchange, token -> { });
    }

    ChatResponse stream(ChatRequest request, Exchange exchange, TokenWriter writer) throws IOException {
        CancelOnce cancel = new CancelOnce();
        long submitted = System.nanoTime();
        AtomicLong firstTokenAt = new AtomicLong();
        Generation generation = client.submit(request, token -> {
            firstTokenAt.compareAndSet(0, System.nanoTime());
            if (cancel.requested()) {
                return;
            }
            try {
                exchange.commitStream();
                writer.write(token);
            } catch (IOException e) {
                LOG.debug("Client went away while streaming; cancelling its generation: {}", e.toString());
                cancel.request();
            }
        });
        cancel.attach(generation);
        exchange.onClientGone(cancel::request);
        running.add(generation);
        ChatResponse response;
        Runnable unwatch = exchange.watchConnection();
        try {
            response = generation.await();
        } catch (InterruptedException e) {
            generation.cancel();
            Thread.currentThread().interrupt();
            throw new ClientGoneException("interrupted while generating (the server is closing)", e);
        } catch (HearthException e) {
            throw ApiError.from(e);
        } finally {
            running.remove(generation);
            unwatch.run();
        }
        long first = firstTokenAt.get();
        metrics.generated(response, first == 0 ? null : Duration.ofNanos(first - submitted));
        if (cancel.requested()) {
            throw new ClientGoneException("the client went away; its generation was cancelled after "
                    + response.usage().completionTokens() + " tokens", null);
        }
        return response;
    }

    /** Cancels every running generation (the server is closing); their handlers then answer with what they have. */
    void cancelAll() {
        running.forEach(Generation::cancel);
    }

    /** A cancellation that may be asked for before the generation's handle exists (the first write can fail). */
    private static final class CancelOnce {
        private Generation generation;
        private boolean requested;

        synchronized void attach(Generation handle) {
            generation = handle;
            if (requested) {
                handle.cancel();
            }
        }

        synchronized void request() {
            requested = true;
            if (generation != null) {
                generation.cancel();
            }
        }

        synchronized boolean requested() {
            return requested;
        }
    }
}
