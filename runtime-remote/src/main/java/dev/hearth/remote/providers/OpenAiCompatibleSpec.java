package dev.hearth.remote.providers;

import dev.hearth.api.ConfigurationException;
import dev.hearth.api.spi.Locality;

import java.util.Locale;
import java.util.Objects;

/**
 * A server that speaks OpenAI Chat Completions (llama.cpp, vLLM, EXO, a Hearth node), at the URL given to
 * {@link OpenAiCompatible#at(java.net.URI)}. The model defaults to {@code "default"} (servers that serve one model
 * ignore it). Prompt caching ({@code prompt_cache_key}) is off by default, as not every server accepts it.
 *
 * <p>Its locality is {@link Locality#TRUSTED_PEER} when the server is on this machine (a loopback address) and
 * {@link Locality#THIRD_PARTY} otherwise; a server on your own LAN becomes a trusted peer with
 * {@code .locality(Locality.TRUSTED_PEER)}.
 */
public final class OpenAiCompatibleSpec extends RemoteSpec<OpenAiCompatibleSpec> {
    private Locality locality;

    OpenAiCompatibleSpec() {
        super(Kind.OPENAI_COMPATIBLE, false);
    }

    /** Where this server sends data, for privacy rules: {@code TRUSTED_PEER} for a machine you run, else {@code THIRD_PARTY}. */
    public OpenAiCompatibleSpec locality(Locality locality) {
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
    String defaultModel() {
        return "default";
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
