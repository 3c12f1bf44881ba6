package dev.hearth.remote.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.AbstractEndPoint;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One HTTP request and its response, on top of Jetty's core API, written blocking from the handling thread. A write
 * that fails because the client went away throws {@link ClientGoneException}; callbacks registered with
 * {@link #onClientGone} run when Jetty sees the connection fail while a generation is still running.
 */
final class Exchange {
    private final Request request;
    private final Response response;
    private final Dialect dialect;
    private final List<Runnable> goneActions = new CopyOnWriteArrayList<>();
    private ObjectNode body;
    private final AtomicBoolean gone = new AtomicBoolean();
    private String streamContentType;
    private boolean streamCommitted;
    private final StringBuilder pending = new StringBuilder();

    Exchange(Request request, Response response, Dialect dialect) {
        this.request = request;
        this.response = response;
        this.dialect = dialect;
        request.addFailureListener(failure -> clientGone());
    }

    Dialect dialect() {
        return dialect;
    }

    String path() {
        return request.getHttpURI().getPath();
    }

    String method() {
        return request.getMethod();
    }

    String header(String name) {
        return request.getHeaders().get(name);
    }

    /** The request body parsed as a JSON object (read earlier by {@link #readBody}). */
    ObjectNode body() {
        if (body == null) {
            throw ApiError.invalid("This endpoint needs a JSON request body.");
        }
        return body;
    }

    /**
     * Reads the body, refusing more than {@code limit} bytes with a 413 (at once when the declared length is too
     * large, else as soon as the limit is passed), and parses it as a JSON object.
     */
    void readBody(long limit) throws IOException {
        long declared = request.getLength();
        if (declared > limit) {
            throw tooLarge(declared + " bytes", limit);
        }
        // not closed: closing the stream before the end of an oversized body would fail the whole exchange, and the
        // 413 must still go out; Jetty discards what is left (or closes the connection) once the answer is sent
        InputStream in = Content.Source.asInputStream(request);
        byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
        if (bytes.length > limit) {
            throw tooLarge("more than " + limit + " bytes", limit);
        }
        // the content type is not checked: curl -d labels JSON as a form, and the body decides anyway
        body = Json.parseObject(bytes);
    }

    private ApiError tooLarge(String size, long limit) {
        // the rest of the body is still on its way: this connection cannot carry another request
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
        return ApiError.of(ApiError.Kind.REQUEST_TOO_LARGE, "The request body (" + size + ") exceeds this server's limit of "
                + limit + " bytes.", "request_too_large");
    }

    void setHeader(String name, String value) {
        response.getHeaders().put(name, value);
    }

    boolean committed() {
        return response.isCommitted();
    }

    /** Whether a stream's headers have been sent: errors must then travel inside the stream. */
    boolean streaming() {
        return streamCommitted;
    }

    void json(int status, JsonNode node) throws IOException {
        send(status, "application/json", Json.write(node));
    }

    void send(int status, String contentType, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
        write(true, bytes);
    }

    /**
     * Turns this answer into a stream of the given content type. Nothing is sent yet: pieces written before
     * {@link #commitStream()} wait, so that a request the runtime refuses before its first token still gets a plain
     * error with its proper status rather than a 200 stream holding an error event.
     */
    void startStream(String contentType) {
        streamContentType = contentType;
    }

    /** Sends the stream's headers and the pieces written so far; later pieces go out at once. */
    void commitStream() throws IOException {
        if (streamContentType == null || streamCommitted) {
            return;
        }
        streamCommitted = true;
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, streamContentType);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        response.getHeaders().put("X-Accel-Buffering", "no"); // tell reverse proxies not to hold events back
        write(false, pending.toString().getBytes(StandardCharsets.UTF_8));
        pending.setLength(0);
    }

    /** Writes and flushes one piece of a stream (an SSE event or an NDJSON line), or keeps it until the commit. */
    void streamPiece(String piece) throws IOException {
        if (!streamCommitted) {
            pending.append(piece);
            return;
        }
        write(false, piece.getBytes(StandardCharsets.UTF_8));
    }

    void endStream() throws IOException {
        commitStream();
        write(true, new byte[0]);
    }

    private void write(boolean last, byte[] bytes) throws IOException {
        if (gone.get()) {
            throw new ClientGoneException("the client has gone", null);
        }
        try {
            Content.Sink.write(response, last, ByteBuffer.wrap(bytes));
        } catch (IOException | RuntimeException e) {
            clientGone();
            throw new ClientGoneException("the client has gone: " + e, e);
        }
    }

    /**
     * Watches the connection while a generation runs, so that a client that closes it is noticed before anything is
     * written: over HTTP/1.1 Jetty does not read while a handler works, so a blocking request's disconnect would
     * otherwise surface only when its answer is written, after the generation has run to its token limit. The watch
     * reads the connection (the request body has been read by then): end of input means the client has gone. Bytes
     * arriving instead are a request pipelined after a POST, which RFC 9112 advises against; they cannot be handed
     * back to Jetty, so the answer closes the connection and the client resends them elsewhere. Run the returned
     * action before the answer is written: it ends the watch, so that Jetty reads the connection again.
     */
    Runnable watchConnection() {
        EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
        if (request.getConnectionMetaData().getHttpVersion() != HttpVersion.HTTP_1_1
                && request.getConnectionMetaData().getHttpVersion() != HttpVersion.HTTP_1_0
                || !(endPoint instanceof AbstractEndPoint watched)) {
            return () -> { };
        }
        ConnectionWatch watch = new ConnectionWatch(watched);
        watch.arm();
        return watch::close;
    }

    /** Reads the idle connection of a running generation until the client closes it or the watch is closed. */
    private final class ConnectionWatch {
        private final AbstractEndPoint endPoint;
        private boolean closed;

        ConnectionWatch(AbstractEndPoint endPoint) {
            this.endPoint = endPoint;
        }

        private synchronized void arm() {
            if (!closed && !endPoint.tryFillInterested(Callback.from(this::readable, failure -> failed()))) {
                closed = true; // someone else reads this connection: leave it to them
            }
        }

        private synchronized void readable() {
            if (closed) {
                return;
            }
            int read;
            try {
                read = endPoint.fill(BufferUtil.allocate(1)); // Jetty fills a buffer in flush mode
            } catch (IOException e) {
                read = -1;
            }
            if (read < 0) {
                closed = true;
                clientGone();
            } else if (read > 0) {
                closed = true;
                response.getHeaders().put(HttpHeader.CONNECTION, "close");
            } else {
                arm();
            }
        }

        private synchronized void failed() {
            if (!closed) {
                closed = true;
                clientGone();
            }
        }

        synchronized void close() {
            if (!closed) {
                closed = true;
                // withdraws this watch's read interest (its callback then sees it closed) so Jetty can register its own
                endPoint.getFillInterest().onFail(new CancellationException("the generation ended"));
            }
        }
    }

    /** Runs {@code action} once the client is known to be gone (at once if it already is). */
    void onClientGone(Runnable action) {
        goneActions.add(action);
        if (gone.get()) {
            action.run(); // may run twice when the client leaves just now: actions are idempotent
        }
    }

    boolean isClientGone() {
        return gone.get();
    }

    private void clientGone() {
        if (gone.compareAndSet(false, true)) {
            goneActions.forEach(Runnable::run);
        }
    }
}
