package dev.hearth.remote.providers;

import dev.hearth.api.spi.Locality;

import java.net.URI;
import java.util.function.Function;

/** The kinds of remote runtime: provider name, defaults, and the wire protocol each speaks. */
enum Kind {
    OPENAI_CHAT("openai", "OpenAI", "https://api.openai.com/v1", "OPENAI_API_KEY", true, OpenAiChatProtocol::new),
    OPENAI_RESPONSES("openai-responses", "OpenAI", "https://api.openai.com/v1", "OPENAI_API_KEY", true,
            OpenAiResponsesProtocol::new),
    ANTHROPIC("anthropic", "Anthropic", "https://api.anthropic.com/v1", "ANTHROPIC_API_KEY", true,
            AnthropicProtocol::new),
    OLLAMA("ollama", "Ollama", "http://127.0.0.1:11434", "OLLAMA_API_KEY", false, OllamaProtocol::new),
    OPENAI_COMPATIBLE("openai-compatible", "OpenAI-compatible server", null, "OPENAI_API_KEY", false,
            OpenAiChatProtocol::new);

    private final String providerName;
    private final String displayName;
    private final URI defaultBaseUri;
    private final String apiKeyVariable;
    private final boolean keyRequired;
    private final Function<RemoteConfig, Protocol> protocol;

    Kind(String providerName, String displayName, String defaultBaseUri, String apiKeyVariable, boolean keyRequired,
         Function<RemoteConfig, Protocol> protocol) {
        this.providerName = providerName;
        this.displayName = displayName;
        this.defaultBaseUri = defaultBaseUri == null ? null : URI.create(defaultBaseUri);
        this.apiKeyVariable = apiKeyVariable;
        this.keyRequired = keyRequired;
        this.protocol = protocol;
    }

    String providerName() {
        return providerName;
    }

    String displayName() {
        return displayName;
    }

    /** Null when the user must give one (an OpenAI-compatible server). */
    URI defaultBaseUri() {
        return defaultBaseUri;
    }

    String apiKeyVariable() {
        return apiKeyVariable;
    }

    boolean keyRequired() {
        return keyRequired;
    }

    /** Cloud services are third parties; a server the user names is a third party unless it is on this machine. */
    Locality defaultLocality(URI baseUri) {
        if (keyRequired) {
            return Locality.THIRD_PARTY;
        }
        String host = baseUri.getHost();
        boolean loopback = host != null && (host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]")
                || host.equals("::1"));
        return loopback ? Locality.TRUSTED_PEER : Locality.THIRD_PARTY;
    }

    Protocol protocol(RemoteConfig config) {
        return protocol.apply(config);
    }
}
