package dev.hearth.remote.providers;

import dev.hearth.api.spi.CancellationSignal;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records the waits a retry asks for and returns at once, so retry tests never sleep. */
final class RecordingSleeper implements Sleeper {
    private final List<Duration> waits = new CopyOnWriteArrayList<>();

    @Override
    public boolean sleep(Duration delay, CancellationSignal cancellation) {
        waits.add(delay);
        return !cancellation.isCancelled();
    }

    List<Duration> waits() {
        return List.copyOf(waits);
    }
}
