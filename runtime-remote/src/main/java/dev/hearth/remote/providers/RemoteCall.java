package dev.hearth.remote.providers;

import dev.hearth.api.ChatRequest;
import dev.hearth.api.ChatResponse;
import dev.hearth.api.FinishReason;
import dev.hearth.api.HearthException;
import dev.hearth.api.ProviderException;
import dev.hearth.api.RequestTimeoutException;
import dev.hearth.api.Route;
import dev.hearth.api.RuntimeFailureException;
import dev.hearth.api.Timings;
import dev.hearth.api.TokenEvent;
import dev.hearth.api.Usage;
import dev.hearth.api.spi.CancellationSignal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * One request to a provider: sends it, retrying connection failures, 429 and 5xx with backoff (honouring
 * {@code Retry-After}) until the response begins, then reads the answer without ever retrying, under the read and
 * total timeouts, and stops at once (closing the connection) when cancelled.
 */
final class RemoteCall {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteCall.class);

    private final RemoteConfig config;
    private final Protocol protocol;
    private final HttpClient http;
    private final ChatRequest request;
    private final CancellationSignal cancellation;
    private final Answer answer;
    private final String runtimeName;
    private final long startNanos = System.nanoTime();
    private final long deadlineNanos;
    private boolean waitLimitedByTotal;

    /** What became of one attempt to start the response. */
    private sealed interface Attempt permits Opened, Retryable, Cancelled {
    }

    private record Opened(LineStream lines) implements Attempt {
    }

    /** A failure worth retrying; {@code failure} is thrown when no retry is left. */
    private record Retryable(HearthException failure, Optional<Duration> retryAfter) implements Attempt {
    }

    private record Cancelled() implements Attempt {
    }

    /** A response body: the lines of a successful one, or the whole text of an error. */
    private sealed interface Body permits Lines, ErrorText {
    }

    private record Lines(LineStream lines) implements Body {
    }

    private record ErrorText(String text) implements Body {
    }

    RemoteCall(RemoteConfig config, Protocol protocol, HttpClient http, String runtimeName, ChatRequest request,
               Consumer<TokenEvent> tokens, CancellationSignal cancellation) {
        this.config = config;
        this.protocol = protocol;
        this.http = http;
        this.runtimeName = runtimeName;
        this.request = request;
        this.cancellation = cancellation;
        this.answer = new Answer(tokens, request.options().stopSequences());
        this.deadlineNanos = startNanos + config.totalTimeout().toNanos();
    }

    ChatResponse run() {
        byte[] body = Json.write(protocol.body(request, config.streaming())).getBytes(StandardCharsets.UTF_8);
        for (int attempt = 0; ; attempt++) {
            if (cancellation.isCancelled()) {
                return cancelled();
            }
            switch (start(body)) {
                case Opened opened -> {
                    return read(opened.lines());
                }
                case Cancelled ignored -> {
                    return cancelled();
                }
                case Retryable retryable -> {
                    Duration delay = retryable.retryAfter().isPresent() ? retryable.retryAfter().get() : backoff(attempt);
                    if (attempt >= config.maxRetries()) {
                        throw retryable.failure();
                    }
                    if (retryable.retryAfter().isPresent() && delay.compareTo(config.maxRetryAfter()) > 0) {
                        LOG.warn("{}: the provider asks to wait {} before retrying, longer than maxRetryAfter {}; giving up",
                                runtimeName, delay, config.maxRetryAfter());
                        throw retryable.failure();
                    }
                    if (System.nanoTime() + delay.toNanos() >= deadlineNanos) {
                        LOG.warn("{}: a retry in {} would pass the total timeout {}; giving up", runtimeName, delay,
                                config.totalTimeout());
                        throw retryable.failure();
                    }
                    LOG.info("{}: attempt {} failed ({}); retrying in {} ms", runtimeName, attempt + 1,
                            retryable.failure().getMessage(), delay.toMillis());
                    if (!config.sleeper().sleep(delay, cancellation)) {
                        return cancelled();
                    }
                }
            }
        }
    }

    /** Exponential backoff with jitter: between half and all of initial * 2^attempt, capped. */
    private Duration backoff(int attempt) {
        long cap = config.maxBackoff().toNanos();
        long exponential = config.initialBackoff().toNanos() << Math.min(attempt, 30);
        long full = exponential <= 0 ? cap : Math.min(cap, exponential);
        double jitter = Math.clamp(config.jitter().getAsDouble(), 0.0, 1.0);
        return Duration.ofNanos((long) (full * (0.5 + 0.5 * jitter)));
    }

    private Attempt start(byte[] body) {
        long wait = waitNanos();
        HttpRequest.Builder builder = HttpRequest.newBuilder(config.endpoint(protocol.path()))
                .timeout(Duration.ofNanos(Math.max(1, wait)))
                .header("Content-Type", "application/json")
                .header("Accept", config.streaming() ? (protocol.eventStream() ? "text/event-stream" : "application/x-ndjson")
                        : "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if ("http".equals(config.baseUri().getScheme())) {
            builder.version(HttpClient.Version.HTTP_1_1); // no h2c upgrade dance with plain-HTTP local servers
        }
        protocol.headers(builder);
        LineStream lines = new LineStream();
        CompletableFuture<HttpResponse<Body>> response = http.sendAsync(builder.build(), info -> info.statusCode() / 100 == 2
                ? new StreamingBodySubscriber<>(lines, new Lines(lines))
                : HttpResponse.BodySubscribers.mapping(HttpResponse.BodySubscribers.ofString(StandardCharsets.UTF_8),
                        ErrorText::new));
        cancellation.onCancel(() -> {
            response.cancel(true);
            lines.cancel();
        });
        HttpResponse<Body> received;
        try {
            received = response.get(wait, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            response.cancel(true);
            lines.cancel();
            throw timeout("no response", e);
        } catch (CancellationException e) {
            return new Cancelled();
        } catch (InterruptedException e) {
            response.cancel(true);
            lines.cancel();
            Thread.currentThread().interrupt();
            return new Cancelled();
        } catch (ExecutionException e) {
            return failedToStart(e.getCause());
        }
        return switch (received.body()) {
            case Lines success -> {
                LOG.debug("{}: HTTP {} from {}", runtimeName, received.statusCode(), received.uri());
                yield new Opened(success.lines());
            }
            case ErrorText error -> {
                Optional<Duration> retryAfter = RetryAfter.from(received.headers(), config.clock());
                ProviderException failure = ProviderErrors.from(config.kind().displayName(), received.statusCode(),
                        error.text(), retryAfter.orElse(null), config.apiKey());
                if (retryableStatus(received.statusCode())) {
                    yield new Retryable(failure, retryAfter);
                }
                throw failure;
            }
        };
    }

    private Attempt failedToStart(Throwable cause) {
        if (cancellation.isCancelled() || cause instanceof CancellationException) {
            return new Cancelled();
        }
        if (cause instanceof HttpConnectTimeoutException) {
            return new Retryable(new RequestTimeoutException(config.kind().displayName() + " at " + config.baseUri()
                    + " did not accept a connection within the connect timeout " + config.connectTimeout(), cause),
                    Optional.empty());
        }
        if (cause instanceof HttpTimeoutException) {
            throw timeout("no response", cause);
        }
        if (cause instanceof IOException) {
            return new Retryable(new RuntimeFailureException("Could not reach " + config.kind().displayName() + " at "
                    + config.baseUri() + ": " + describe(cause), cause), Optional.empty());
        }
        if (cause instanceof HearthException hearth) {
            throw hearth;
        }
        throw new RuntimeFailureException("Calling " + config.kind().displayName() + " failed: " + describe(cause), cause);
    }

    private static boolean retryableStatus(int status) {
        return status == 408 || status == 429 || status >= 500;
    }

    private ChatResponse read(LineStream lines) {
        StringBuilder whole = config.streaming() ? null : new StringBuilder();
        SseDecoder sse = new SseDecoder((name, data) -> protocol.event(name, data, answer));
        try {
            while (true) {
                if (cancellation.isCancelled()) {
                    lines.cancel();
                    return cancelled();
                }
                LineStream.Item item;
                try {
                    item = lines.next(waitNanos());
                } catch (InterruptedException e) {
                    lines.cancel();
                    Thread.currentThread().interrupt();
                    return cancelled();
                }
                switch (item) {
                    case null -> {
                        lines.cancel();
                        if (answer.isTerminal()) {
                            return finished(); // the answer is complete; only the end of the body was slow
                        }
                        throw timeout("no data for " + answer.events() + " tokens in", null);
                    }
                    case LineStream.Cancelled ignored -> {
                        return cancelled();
                    }
                    case LineStream.Failed failed -> {
                        if (cancellation.isCancelled()) {
                            return cancelled();
                        }
                        if (answer.isTerminal()) {
                            return finished();
                        }
                        throw new RuntimeFailureException(config.kind().displayName() + " broke the connection after "
                                + answer.events() + " tokens, before the answer was complete (not retried: the answer "
                                + "had begun): " + describe(failed.cause()), failed.cause());
                    }
                    case LineStream.End ignored -> {
                        if (whole != null) {
                            protocol.complete(Json.fromProvider(config.kind().displayName(), whole.toString()), answer);
                            return finished();
                        }
                        sse.end();
                        if (answer.isTerminal() || answer.stoppedBySequence()) {
                            return finished();
                        }
                        throw new RuntimeFailureException(config.kind().displayName() + " ended the stream after "
                                + answer.events() + " tokens without finishing the answer (not retried: the answer had"
                                + " begun)", null);
                    }
                    case LineStream.Line line -> {
                        if (whole != null) {
                            whole.append(line.text()).append('\n');
                        } else if (!answer.isTerminal()) {
                            if (protocol.eventStream()) {
                                sse.line(line.text());
                            } else if (!line.text().isBlank()) {
                                protocol.event(null, line.text(), answer);
                            }
                            if (answer.stoppedBySequence()) {
                                lines.cancel(); // the rest of the answer is not wanted: stop paying for it
                                return finished();
                            }
                        }
                    }
                }
            }
        } catch (RuntimeException e) {
            lines.cancel();
            throw e;
        }
    }

    /** Time the next wait may take: the read timeout, or less when the total timeout comes first. */
    private long waitNanos() {
        long remaining = deadlineNanos - System.nanoTime();
        waitLimitedByTotal = remaining < config.readTimeout().toNanos();
        return waitLimitedByTotal ? remaining : config.readTimeout().toNanos();
    }

    private RequestTimeoutException timeout(String what, Throwable cause) {
        String limit = waitLimitedByTotal ? "the total timeout " + config.totalTimeout() : "the read timeout " + config.readTimeout();
        return new RequestTimeoutException(config.kind().displayName() + " at " + config.baseUri() + ": " + what
                + " within " + limit, cause);
    }

    private ChatResponse cancelled() {
        answer.finish(FinishReason.CANCELLED);
        return response(FinishReason.CANCELLED, true);
    }

    private ChatResponse finished() {
        boolean cutShort = answer.stoppedBySequence();
        if (!cutShort) {
            answer.flushHeldText();
        }
        FinishReason reason = answer.finishReason();
        if (reason == null) {
            reason = answer.toolCalls().isEmpty() ? FinishReason.STOP : FinishReason.TOOL_CALLS;
        }
        return response(reason, cutShort);
    }

    private ChatResponse response(FinishReason reason, boolean cutShort) {
        long end = System.nanoTime();
        Usage usage = answer.usage(cutShort || reason == FinishReason.CANCELLED);
        long first = answer.firstOutputNanos();
        Duration total = Duration.ofNanos(end - startNanos);
        Duration ttft = first < 0 ? total : Duration.ofNanos(first - startNanos);
        Duration decode = first < 0 ? Duration.ZERO : Duration.ofNanos(end - first);
        Duration prefill = ttft;
        int decodeTokens = Math.max(0, usage.completionTokens() - 1);
        if (answer.serverPrefill() != null && !cutShort) {
            // the server measured its own compute, without network and queueing: truer rates (capped by what we saw)
            prefill = min(answer.serverPrefill(), total);
            decode = min(answer.serverDecode(), total);
            decodeTokens = usage.completionTokens();
        }
        Timings timings = new Timings(ttft, prefill, usage.promptTokens() - usage.cachedPromptTokens(), decode,
                decodeTokens, total);
        String model = answer.servedModel() != null ? answer.servedModel() : request.model().orElse(config.model());
        return new ChatResponse(answer.text(), answer.toolCalls(), reason, usage, timings,
                new Route(runtimeName, model, config.kind().displayName() + " " + config.kind().providerName() + " API"),
                List.of(), answer.logprobs());
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static String describe(Throwable failure) {
        String message = failure.getMessage();
        return failure.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
