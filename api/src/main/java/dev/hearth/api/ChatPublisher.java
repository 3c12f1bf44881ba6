package dev.hearth.api;

import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A cold publisher of one answer: each subscriber gets its own generation, started on its first request. The
 * generating thread waits for demand before each event, so a slow subscriber slows the model instead of filling a
 * buffer. Cancelling the subscription cancels the generation.
 */
final class ChatPublisher implements Flow.Publisher<ChatEvent> {
    private final InferenceClient client;
    private final ChatRequest request;

    ChatPublisher(InferenceClient client, ChatRequest request) {
        this.client = client;
        this.request = request;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ChatEvent> subscriber) {
        Objects.requireNonNull(subscriber, "subscriber");
        subscriber.onSubscribe(new ChatSubscription(subscriber));
    }

    private final class ChatSubscription implements Flow.Subscription {
        private final Flow.Subscriber<? super ChatEvent> subscriber;
        private final Cancellation cancellation = Cancellation.explicitOnly();
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition demandChanged = lock.newCondition();
        private long demand;
        private boolean started;
        private boolean terminated;
        private Throwable invalidRequest;

        ChatSubscription(Flow.Subscriber<? super ChatEvent> subscriber) {
            this.subscriber = subscriber;
        }

        @Override
        public void request(long n) {
            if (n <= 0 && isGenerating()) {
                // Stop the model before waking its thread: woken first, it would drop tokens it is not allowed to
                // send and keep generating until the cancellation arrived.
                cancellation.cancel();
            }
            boolean start = false;
            boolean failNow = false;
            lock.lock();
            try {
                if (terminated) {
                    return;
                }
                if (n <= 0) {
                    // Reactive Streams rule 3.9; if the generation runs, its thread signals the error after stopping
                    invalidRequest = new IllegalArgumentException("Subscription.request needs n > 0, was " + n);
                    terminated = !started;
                    failNow = !started;
                } else {
                    demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
                    start = !started;
                    started = true;
                }
                demandChanged.signalAll();
            } finally {
                lock.unlock();
            }
            if (failNow) {
                subscriber.onError(invalidRequest);
            } else if (start) {
                try {
                    client.startInBackground(this::run);
                } catch (RuntimeException e) {
                    // Rule 3.16: request returns normally; a closed client or a rejecting executor is signalled
                    lock.lock();
                    try {
                        terminated = true;
                    } finally {
                        lock.unlock();
                    }
                    subscriber.onError(e);
                }
            }
        }

        private boolean isGenerating() {
            lock.lock();
            try {
                return started && !terminated;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void cancel() {
            if (isGenerating()) {
                cancellation.cancel(); // before waking the generating thread, so the model stops at its next token
            }
            lock.lock();
            try {
                terminated = true;
                demandChanged.signalAll();
            } finally {
                lock.unlock();
            }
        }

        private void run() {
            ChatResponse response;
            try {
                response = client.generate(request, this::emit, cancellation);
            } catch (Throwable failure) {
                finish(null, failure);
                return;
            }
            finish(response, null);
        }

        private void emit(TokenEvent event) {
            if (awaitDemand()) {
                subscriber.onNext(event);
            }
        }

        private void finish(ChatResponse response, Throwable failure) {
            boolean demanded = failure == null && awaitDemand();
            Throwable error;
            lock.lock();
            try {
                if (terminated && invalidRequest == null) {
                    return; // cancelled, or a failure already signalled
                }
                // read under the lock: a request(0) may have arrived while this thread waited for demand
                error = invalidRequest != null ? invalidRequest : failure;
                if (error == null && !demanded) {
                    return; // interrupted while waiting for demand: the generation was cancelled
                }
                terminated = true;
            } finally {
                lock.unlock();
            }
            if (error != null) {
                subscriber.onError(error);
            } else {
                subscriber.onNext(new CompletionEvent(response));
                subscriber.onComplete();
            }
        }

        /** Waits until one event may be sent and takes it from the demand; false when the subscription ended. */
        private boolean awaitDemand() {
            lock.lock();
            try {
                while (demand == 0 && !terminated && invalidRequest == null) {
                    demandChanged.await();
                }
                if (terminated || invalidRequest != null) {
                    return false;
                }
                if (demand != Long.MAX_VALUE) {
                    demand--;
                }
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                cancellation.cancel();
                return false;
            } finally {
                lock.unlock();
            }
        }
    }
}
