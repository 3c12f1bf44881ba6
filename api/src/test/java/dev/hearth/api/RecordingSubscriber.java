package dev.hearth.api;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** Records every signal in order and notes any onNext that exceeds the demand requested so far. */
final class RecordingSubscriber implements Flow.Subscriber<ChatEvent> {
    static final Object COMPLETE = "onComplete";

    private final BlockingQueue<Object> signals = new LinkedBlockingQueue<>();
    private final AtomicLong requested = new AtomicLong();
    private final AtomicLong received = new AtomicLong();
    private final List<String> violations = new ArrayList<>();
    private volatile Flow.Subscription subscription;

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
    }

    @Override
    public void onNext(ChatEvent event) {
        long count = received.incrementAndGet();
        if (count > requested.get()) {
            synchronized (violations) {
                violations.add("event " + count + " sent with only " + requested.get() + " requested: " + event);
            }
        }
        signals.add(event);
    }

    @Override
    public void onError(Throwable error) {
        signals.add(error);
    }

    @Override
    public void onComplete() {
        signals.add(COMPLETE);
    }

    void request(long n) {
        if (n > 0) {
            requested.addAndGet(n);
        }
        subscription.request(n);
    }

    void cancel() {
        subscription.cancel();
    }

    /** The next signal: a ChatEvent, a Throwable or {@link #COMPLETE}. */
    Object next() throws InterruptedException {
        Object signal = signals.poll(5, TimeUnit.SECONDS);
        if (signal == null) {
            throw new AssertionError("no signal within 5 s");
        }
        return signal;
    }

    /** Signals received and not yet taken, without waiting. */
    List<Object> pending() {
        List<Object> rest = new ArrayList<>();
        signals.drainTo(rest);
        return rest;
    }

    List<String> violations() {
        synchronized (violations) {
            return List.copyOf(violations);
        }
    }

    long received() {
        return received.get();
    }
}
