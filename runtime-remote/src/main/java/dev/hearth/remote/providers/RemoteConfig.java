package dev.hearth.remote.providers;

import dev.hearth.api.spi.Locality;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.function.DoubleSupplier;

/** A spec resolved for opening: every setting validated and filled in, the key read from its source. */
record RemoteConfig(Kind kind, String name, URI baseUri, Secret apiKey, String model, Duration connectTimeout,
                    Duration readTimeout, Duration totalTimeout, int maxRetries, Duration initialBackoff,
                    Duration maxBackoff, Duration maxRetryAfter, Locality locality, int contextLength,
                    boolean promptCaching, boolean streaming, boolean samplingParameters, int maxTokensWhenUnlimited, Sleeper sleeper,
                    DoubleSupplier jitter, Clock clock) {

    /** The endpoint {@code path} under the base URI (which may or may not end in a slash). */
    URI endpoint(String path) {
        String base = baseUri.toString();
        return URI.create(base.endsWith("/") ? base + path : base + "/" + path);
    }

    @Override
    public String toString() {
        return "RemoteConfig[" + kind.providerName() + " " + model + " at " + baseUri + ", key "
                + (apiKey == null ? "none" : "set") + "]";
    }
}
