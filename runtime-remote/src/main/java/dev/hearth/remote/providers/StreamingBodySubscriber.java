package dev.hearth.remote.providers;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Splits a body into UTF-8 lines for a {@link LineStream} and completes at once (not at the end of the body), so the
 * caller can read a stream while it arrives.
 */
final class StreamingBodySubscriber<T> implements HttpResponse.BodySubscriber<T> {
    private final HttpResponse.BodySubscriber<Void> lines;
    private final T body;

    StreamingBodySubscriber(LineStream stream, T body) {
        // null separator: any of \n, \r\n and \r ends a line, as the SSE specification asks
        this.lines = HttpResponse.BodySubscribers.fromLineSubscriber(stream, s -> null, StandardCharsets.UTF_8, null);
        this.body = body;
    }

    @Override
    public CompletionStage<T> getBody() {
        return CompletableFuture.completedStage(body);
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        lines.onSubscribe(subscription);
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
        lines.onNext(item);
    }

    @Override
    public void onError(Throwable throwable) {
        lines.onError(throwable);
    }

    @Override
    public void onComplete() {
        lines.onComplete();
    }
}
