package dev.hearth.remote.providers;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTP server on 127.0.0.1 for tests: answers each request with the next queued {@link Reply} (or the
 * fallback), and records what it received. Test scaffolding only; the product never uses com.sun.net.httpserver.
 */
final class FakeServer implements AutoCloseable {

    /** How the server answers one request. */
    @FunctionalInterface
    interface Reply {
        void respond(HttpExchange exchange) throws IOException;
    }

    /** A request as the server received it. */
    record Received(String method, String path, Map<String, List<String>> headers, String body) {
        JsonNode json() {
            return Json.fromProvider("test", body);
        }

        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().getFirst()).findFirst().orElse(null);
        }
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final ConcurrentLinkedQueue<Reply> replies = new ConcurrentLinkedQueue<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final List<CountDownLatch> stalls = new CopyOnWriteArrayList<>();
    private volatile Reply fallback = exchange -> send(exchange, 500, "application/json",
            "{\"error\":{\"message\":\"no reply queued in the fake server\",\"type\":\"test_error\"}}", Map.of());

    FakeServer() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(threads);
        server.createContext("/", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                exchange.setAttribute("body", body);
                received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                        Map.copyOf(exchange.getRequestHeaders()), body));
            }
            Reply reply = replies.poll();
            try {
                (reply != null ? reply : fallback).respond(exchange);
            } catch (IOException e) {
                // the client went away; nothing to answer
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    URI baseUri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    FakeServer enqueue(Reply... more) {
        replies.addAll(List.of(more));
        return this;
    }

    FakeServer fallback(Reply reply) {
        this.fallback = reply;
        return this;
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    Received lastReceived() {
        return received.getLast();
    }

    @Override
    public void close() {
        stalls.forEach(CountDownLatch::countDown);
        server.stop(0);
        threads.shutdownNow();
    }

    // ---- replies -------------------------------------------------------------------------------------------------

    static Reply json(int status, String body, Map<String, String> headers) {
        return exchange -> send(exchange, status, "application/json", body, headers);
    }

    static Reply json(int status, String body) {
        return json(status, body, Map.of());
    }

    /** Streams {@code body} in pieces of whole lines, flushing after each event, then ends the body cleanly. */
    static Reply stream(String contentType, String body) {
        return exchange -> {
            exchange.getResponseHeaders().add("Content-Type", contentType);
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            for (String piece : pieces(body)) {
                out.write(piece.getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
            out.close();
        };
    }

    /** Sends {@code body} (may be empty: nothing but headers) and then says nothing until the server closes. */
    Reply stall(String contentType, String body, boolean sendHeaders) {
        CountDownLatch release = new CountDownLatch(1);
        stalls.add(release);
        return exchange -> {
            if (sendHeaders) {
                exchange.getResponseHeaders().add("Content-Type", contentType);
                exchange.sendResponseHeaders(200, 0);
                exchange.getResponseBody().write(body.getBytes(StandardCharsets.UTF_8));
                exchange.getResponseBody().flush();
            }
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    static void send(HttpExchange exchange, int status, String contentType, String body, Map<String, String> headers)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", contentType);
        headers.forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
    }

    /** Splits a recorded body after each blank line (SSE) or newline (NDJSON), the way a provider flushes. */
    private static List<String> pieces(String body) {
        List<String> pieces = new ArrayList<>();
        String separator = body.contains("\n\n") ? "\n\n" : "\n";
        int from = 0;
        while (from < body.length()) {
            int at = body.indexOf(separator, from);
            int end = at < 0 ? body.length() : at + separator.length();
            pieces.add(body.substring(from, end));
            from = end;
        }
        return pieces;
    }

    /** A recorded provider response from the test resources. */
    static String recorded(String name) {
        try (InputStream in = FakeServer.class.getResourceAsStream("/recorded/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing recorded response " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("missing recorded response " + name, e);
        }
    }
}
