package dev.hearth.remote.providers;

import dev.hearth.api.ConfigurationException;
import dev.hearth.api.spi.Locality;

import java.util.Locale;
import java.util.Objects;

/**
 * An Ollama {@code /api/chat} runtime ({@link Ollama#chat()}), at {@code http://127.0.0.1:11434} unless
 * told otherwise.
 *
 * <p>Its locality is {@link Locality#TRUSTED_PEER} when the server is on this machine (a loopback address) and
 * {@link Locality#THIRD_PARTY} otherwise; a server on your own LAN becomes a trusted peer with
 * {@code .locality(Locality.TRUSTED_PEER)}.
 */
public final class OllamaSpec extends RemoteSpec<OllamaSpec> {
    private Locality locality;

    OllamaSpec() {
        super(Kind.OLLAMA, false);
    }

    /** Where this server sends data, for privacy rules: {@code TRUSTED_PEER} for a machine you run, else {@code THIRD_PARTY}. */
    public OllamaSpec locality(Locality locality) {
        Objects.requireNonNull(locality, "locality");
        if (locality == Locality.IN_PROCESS) {
            throw new ConfigurationException("A remote server cannot be IN_PROCESS; use TRUSTED_PEER or THIRD_PARTY");
        }
        this.locality = locality;
        return this;
    }

    @Override
    Locality locality() {
        return locality != null ? locality : super.locality();
    }

    @Override
    boolean applySetting(String key, String value) {
        if (key.equals("locality")) {
            try {
                locality(Locality.valueOf(value.strip().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException("locality must be TRUSTED_PEER or THIRD_PARTY, was \"" + value + "\"");
            }
            return true;
        }
        return super.applySetting(key, value);
    }

    @Override
    String extraSettings() {
        return ", locality";
    }
}
