package dev.hearth.examples.agent;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in for a cloud provider at the socket level: a real {@link ServerSocket} on 127.0.0.1 that counts every
 * connection it accepts and every byte it reads, and answers each HTTP request with one OpenAI Chat Completions
 * response (non-streaming) given at construction. Counting bytes on the socket, not requests in a handler, is the
 * point: a request refused before it is sent leaves both counters unchanged.
 */
final class CountingCloudServer implements AutoCloseable {
    private final ServerSocket socket;
    private final String responseJson;
    private final Thread acceptor;
    final AtomicInteger connections = new AtomicInteger();
    final AtomicLong bytesReceived = new AtomicLong();

    CountingCloudServer(String responseJson) throws IOException {
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.responseJson = responseJson;
        this.acceptor = Thread.ofPlatform().daemon().name("counting-cloud").start(this::acceptLoop);
    }

    URI baseUrl() {
        return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/v1");
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try (Socket client = socket.accept()) {
                connections.incrementAndGet();
                serve(client);
            } catch (SocketException closed) {
                return;
            } catch (IOException e) {
                // a broken exchange still counted its bytes; keep accepting
            }
        }
    }

    private void serve(Socket client) throws IOException {
        InputStream in = client.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return;
            }
            bytesReceived.incrementAndGet();
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        int length = 0;
        for (String line : head.toString(StandardCharsets.ISO_8859_1).split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring("content-length:".length()).strip());
            }
        }
        for (int i = 0; i < length && in.read() >= 0; i++) {
            bytesReceived.incrementAndGet();
        }
        byte[] body = responseJson.getBytes(StandardCharsets.UTF_8);
        OutputStream out = client.getOutputStream();
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
    }

    @Override
    public void close() throws IOException {
        socket.close();
        try {
            acceptor.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
