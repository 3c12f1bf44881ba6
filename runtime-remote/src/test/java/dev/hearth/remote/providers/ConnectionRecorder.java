package dev.hearth.remote.providers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real listening socket on 127.0.0.1 standing in for a cloud provider: it accepts every connection, counts it, and
 * closes it at once without answering. Counting at the TCP level proves that not a single byte was sent, whatever the
 * HTTP client might have done.
 */
final class ConnectionRecorder implements AutoCloseable {
    private final ServerSocket socket;
    private final AtomicInteger connections = new AtomicInteger();
    private final Thread acceptor;

    ConnectionRecorder() {
        try {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        acceptor = Thread.ofPlatform().daemon().name("connection-recorder").start(() -> {
            while (!socket.isClosed()) {
                try (Socket accepted = socket.accept()) {
                    connections.incrementAndGet();
                } catch (IOException e) {
                    return; // closed
                }
            }
        });
    }

    URI baseUri() {
        return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/v1");
    }

    int connections() {
        return connections.get();
    }

    @Override
    public void close() throws IOException {
        socket.close();
        try {
            acceptor.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
