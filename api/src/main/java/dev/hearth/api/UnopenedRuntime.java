package dev.hearth.api;

import dev.hearth.api.spi.CancellationSignal;
import dev.hearth.api.spi.InferenceRuntime;
import dev.hearth.api.spi.Locality;
import dev.hearth.api.spi.RuntimeInfo;

import java.util.List;
import java.util.function.Consumer;

/**
 * Stands in for a runtime that failed to open when routing may fall back from an unavailable runtime: the client still
 * starts, and every request planned onto it fails at once as {@link Fallback#UNAVAILABLE}, carrying the failure to
 * open, so the next runtime the rules allow answers. It sends nothing anywhere, so it is as private as a runtime can be.
 */
final class UnopenedRuntime implements InferenceRuntime {
    private final RuntimeInfo info;
    private final RuntimeException openFailure;

    UnopenedRuntime(String provider, RuntimeException openFailure) {
        this.info = new RuntimeInfo(provider, Locality.IN_PROCESS, List.of(provider + "-unopened"), 0);
        this.openFailure = openFailure;
    }

    @Override
    public RuntimeInfo info() {
        return info;
    }

    @Override
    public ChatResponse generate(ChatRequest request, Consumer<TokenEvent> tokens, CancellationSignal cancellation) {
        throw new RuntimeUnavailableException("Runtime '" + info.name() + "' could not be opened when the client was "
                + "built: " + openFailure.getMessage(), openFailure);
    }

    @Override
    public void close() {
    }
}
