package dev.hearth.remote.providers;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The lines of a response body, handed from the HTTP client's threads to the thread that answers the request.
 * Reading waits at most a given time (the read timeout), and {@link #cancel()} closes the connection: the HTTP
 * client drops a connection whose body subscription is cancelled before the body ended.
 */
final class LineStream implements Flow.Subscriber<String> {

    sealed interface Item permits Line, End, Failed, Cancelled {
    }

    record Line(String text) implements Item {
    }

    record End() implements Item {
    }

    record Failed(Throwable cause) implements Item {
    }

    record Cancelled() implements Item {
    }

    private final BlockingQueue<Item> items = new LinkedBlockingQueue<>();
    private Flow.Subscription subscription;
    private boolean cancelled;

    @Override
    public void onSubscribe(Flow.Subscription newSubscription) {
        boolean cancelNow;
        synchronized (this) {
            subscription = newSubscription;
            cancelNow = cancelled;
        }
        if (cancelNow) {
            newSubscription.cancel();
        } else {
            newSubscription.request(1);
        }
    }

    @Override
    public void onNext(String line) {
        items.add(new Line(line));
    }

    @Override
    public void onError(Throwable failure) {
        items.add(new Failed(failure));
    }

    @Override
    public void onComplete() {
        items.add(new End());
    }

    /** The next item, or null when none arrived within {@code timeoutNanos}. */
    Item next(long timeoutNanos) throws InterruptedException {
        Item item = items.poll(Math.max(0, timeoutNanos), TimeUnit.NANOSECONDS);
        if (item instanceof Line) {
            Flow.Subscription current;
            synchronized (this) {
                current = cancelled ? null : subscription;
            }
            if (current != null) {
                current.request(1); // one line at a time: a slow consumer slows the socket, not the heap
            }
        }
        return item;
    }

    /** Stops the body and closes its connection; a reader waiting in {@link #next} sees {@link Cancelled}. */
    void cancel() {
        Flow.Subscription current;
        synchronized (this) {
            if (cancelled) {
                return;
            }
            cancelled = true;
            current = subscription;
        }
        if (current != null) {
            current.cancel();
        }
        items.add(new Cancelled());
    }
}
