package dev.hearth.examples.models;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Hugging Face hub imitation on 127.0.0.1: the tree API of one repository, {@code resolve} addresses that redirect
 * (with {@code X-Linked-Etag}) to a CDN path, and a CDN that honours Range requests, can cut a transfer short and can
 * serve corrupted bytes. Every request is recorded with its Range and Authorization headers.
 */
final class FakeHub implements AutoCloseable {
    static final String REPOSITORY = "acme/tiny-GGUF";

    /** One request as the server saw it. */
    record Seen(String path, String range, String authorization, long bytesSent) {
    }

    final Map<String, byte[]> files = new LinkedHashMap<>();
    final List<Seen> requests = new CopyOnWriteArrayList<>();
    /**
     * Requests counted as they arrive, before any answer: {@link #requests} is written after the answer, so a client
     * can finish before its last request is listed there.
     */
    final AtomicLong arrivals = new AtomicLong();
    /** When positive, the next CDN answer stops after this many body bytes and drops the connection. */
    final AtomicLong cutAfter = new AtomicLong();
    /** When positive, the next CDN answer sends this many body bytes, then nothing until {@link #release()}. */
    final AtomicLong stallAfter = new AtomicLong();
    private final CountDownLatch released = new CountDownLatch(1);
    private final ExecutorService handlers = Executors.newCachedThreadPool();
    volatile String requiredToken;
    volatile boolean corrupt;
    volatile boolean publishSha256 = true;
    /** Where resolve redirects to; the same origin unless a test points it at another host name. */
    volatile String cdnBase;
    private final HttpServer server;

    FakeHub() throws IOException {
        files.put("tiny-Q4_K_M.gguf", seeded(1, 300_000));
        files.put("tiny-Q8_0.gguf", seeded(2, 200_000));
        files.put("README.md", "# tiny\n".getBytes(StandardCharsets.UTF_8));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(handlers);
        server.start();
        cdnBase = "";
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    int port() {
        return server.getAddress().getPort();
    }

    static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The finished requests under a path, after waiting (up to 10 s) for every request that arrived to finish. */
    List<Seen> requestsTo(String pathPrefix) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (requests.size() < arrivals.get() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(1_000_000);
        }
        return requests.stream().filter(seen -> seen.path().startsWith(pathPrefix)).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String range = exchange.getRequestHeaders().getFirst("Range");
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        long sent = 0;
        arrivals.incrementAndGet();
        try {
            boolean hubPath = !path.startsWith("/cdn/");
            if (hubPath && requiredToken != null && !("Bearer " + requiredToken).equals(authorization)) {
                exchange.sendResponseHeaders(401, -1);
                return;
            }
            if (path.equals("/api/models/" + REPOSITORY + "/tree/main")) {
                send(exchange, 200, listing().getBytes(StandardCharsets.UTF_8));
                return;
            }
            String resolvePrefix = "/" + REPOSITORY + "/resolve/main/";
            if (path.startsWith(resolvePrefix) && files.containsKey(path.substring(resolvePrefix.length()))) {
                String name = path.substring(resolvePrefix.length());
                byte[] content = files.get(name);
                if (publishSha256 && !name.endsWith(".md")) {
                    exchange.getResponseHeaders().add("X-Linked-Etag", "\"" + sha256(content) + "\"");
                    exchange.getResponseHeaders().add("X-Linked-Size", Long.toString(content.length));
                }
                exchange.getResponseHeaders().add("Location", cdnBase + "/cdn/" + name + "?signed=1");
                exchange.sendResponseHeaders(302, -1);
                return;
            }
            if (path.startsWith("/cdn/") && files.containsKey(path.substring("/cdn/".length()))) {
                sent = serveContent(exchange, files.get(path.substring("/cdn/".length())), range);
                return;
            }
            exchange.sendResponseHeaders(404, -1);
        } finally {
            requests.add(new Seen(path, range, authorization, sent));
            exchange.close();
        }
    }

    private long serveContent(HttpExchange exchange, byte[] content, String range) throws IOException {
        byte[] body = content.clone();
        if (corrupt) {
            body[body.length / 2] ^= 0x5a;
        }
        int start = 0;
        int status = 200;
        if (range != null) {
            Matcher matcher = Pattern.compile("bytes=(\\d+)-").matcher(range);
            if (!matcher.matches()) {
                exchange.sendResponseHeaders(400, -1);
                return 0;
            }
            start = Integer.parseInt(matcher.group(1));
            if (start >= body.length) {
                exchange.getResponseHeaders().add("Content-Range", "bytes */" + body.length);
                exchange.sendResponseHeaders(416, -1);
                return 0;
            }
            status = 206;
            exchange.getResponseHeaders().add("Content-Range", "bytes " + start + "-" + (body.length - 1) + "/" + body.length);
        }
        int length = body.length - start;
        exchange.sendResponseHeaders(status, length);
        long cut = cutAfter.getAndSet(0);
        long stall = stallAfter.getAndSet(0);
        OutputStream out = exchange.getResponseBody();
        if (stall > 0 && stall < length) {
            out.write(body, start, (int) stall);
            out.flush();
            try {
                released.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return stall;
        }
        if (cut > 0 && cut < length) {
            out.write(body, start, (int) cut);
            out.flush();
            // closing the exchange with bytes missing makes the server drop the connection mid-body
            return cut;
        }
        out.write(body, start, length);
        out.close();
        return length;
    }

    private String listing() {
        StringBuilder json = new StringBuilder("[");
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            if (json.length() > 1) {
                json.append(',');
            }
            json.append("{\"type\":\"file\",\"oid\":\"0123456789abcdef0123456789abcdef01234567\",\"size\":")
                    .append(file.getValue().length).append(",\"path\":\"").append(file.getKey()).append('"');
            if (publishSha256 && !file.getKey().endsWith(".md")) {
                json.append(",\"lfs\":{\"oid\":\"").append(sha256(file.getValue())).append("\",\"size\":")
                        .append(file.getValue().length).append(",\"pointerSize\":134}");
            }
            json.append('}');
        }
        json.append(",{\"type\":\"directory\",\"oid\":\"x\",\"size\":0,\"path\":\"docs\"}]");
        return json.toString();
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static byte[] seeded(long seed, int size) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        System.arraycopy("GGUF".getBytes(StandardCharsets.US_ASCII), 0, bytes, 0, 4);
        return bytes;
    }

    /** Lets a stalled answer end (its connection is then closed with bytes missing). */
    void release() {
        released.countDown();
    }

    @Override
    public void close() {
        release();
        server.stop(0);
        handlers.shutdownNow();
    }
}
