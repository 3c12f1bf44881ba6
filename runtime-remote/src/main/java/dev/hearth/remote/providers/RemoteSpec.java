package dev.hearth.remote.providers;

import dev.hearth.api.ConfigurationException;
import dev.hearth.api.spi.Locality;
import dev.hearth.api.spi.RuntimeSpec;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.function.Function;

/**
 * The settings every remote runtime shares: model, base URL, API key, timeouts and retries. Setters validate at once
 * and name the bad value; the key is read (from the builder or the environment) when the runtime opens, and never
 * appears in {@link #toString()}, logs or exceptions.
 *
 * <p>Defaults: connect timeout 10 s, read timeout (longest silence, including the wait for the first byte) 120 s,
 * total timeout 10 min, 2 retries with exponential backoff from 500 ms to 8 s with jitter, giving up at once when the
 * provider asks to wait longer than 60 s. A request is never retried once its answer has begun to stream.
 *
 * @param <S> the concrete spec, returned by every setter
 */
public abstract sealed class RemoteSpec<S extends RemoteSpec<S>> implements RuntimeSpec
        permits OpenAiSpec, AnthropicSpec, OllamaSpec, OpenAiCompatibleSpec {

    private final Kind kind;
    private String model;
    private URI baseUri;
    private Secret apiKey;
    private String apiKeyVariable;
    private String name;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration readTimeout = Duration.ofSeconds(120);
    private Duration totalTimeout = Duration.ofMinutes(10);
    private int maxRetries = 2;
    private Duration initialBackoff = Duration.ofMillis(500);
    private Duration maxBackoff = Duration.ofSeconds(8);
    private Duration maxRetryAfter = Duration.ofSeconds(60);
    private int contextLength;
    private boolean promptCaching;
    private boolean streaming = true;
    private Sleeper sleeper = Sleeper.REAL;
    private DoubleSupplier jitter = () -> ThreadLocalRandom.current().nextDouble();
    private Clock clock = Clock.systemUTC();
    private Function<String, String> environment = System::getenv;

    RemoteSpec(Kind kind, boolean promptCachingByDefault) {
        this.kind = kind;
        this.baseUri = kind.defaultBaseUri();
        this.promptCaching = promptCachingByDefault;
    }

    @SuppressWarnings("unchecked")
    final S self() {
        return (S) this;
    }

    @Override
    public final String provider() {
        return kind.providerName();
    }

    final Kind kind() {
        return kind;
    }

    /** The model to ask for, e.g. {@code "gpt-4.1-mini"}, {@code "claude-sonnet-4-5"}, {@code "qwen3:0.6b"}. */
    public S model(String model) {
        if (model == null || model.isBlank()) {
            throw new ConfigurationException("model must be a non-blank model name, was " + (model == null ? "null" : "\"" + model + "\""));
        }
        this.model = model.strip();
        return self();
    }

    /** The API's base URL, up to and including the version path (e.g. {@code https://api.openai.com/v1}). */
    public S baseUrl(URI baseUri) {
        Objects.requireNonNull(baseUri, "baseUri");
        String scheme = baseUri.getScheme();
        if (!baseUri.isAbsolute() || !("http".equals(scheme) || "https".equals(scheme)) || baseUri.getHost() == null) {
            throw new ConfigurationException("baseUrl must be an absolute http or https URL with a host, was " + baseUri);
        }
        if (baseUri.getRawUserInfo() != null || baseUri.getRawQuery() != null) {
            throw new ConfigurationException("baseUrl must not carry user info or a query (put the key in apiKey), was "
                    + baseUri.getScheme() + "://" + baseUri.getHost() + "/...");
        }
        this.baseUri = baseUri;
        return self();
    }

    /** The API key. It is sent only in the provider's authentication header. */
    public S apiKey(String apiKey) {
        if (apiKey == null || apiKey.isBlank()) {
            throw new ConfigurationException("apiKey must not be blank; use apiKeyFromEnv() to read it from the environment");
        }
        this.apiKey = new Secret(apiKey.strip());
        this.apiKeyVariable = null;
        return self();
    }

    /** Reads the key from the provider's usual environment variable (e.g. {@code OPENAI_API_KEY}) when opening. */
    public S apiKeyFromEnv() {
        return apiKeyFromEnv(kind.apiKeyVariable());
    }

    /** Reads the key from environment variable {@code variable} when opening. */
    public S apiKeyFromEnv(String variable) {
        if (variable == null || variable.isBlank()) {
            throw new ConfigurationException("apiKeyFromEnv needs the name of an environment variable, was " + variable);
        }
        this.apiKeyVariable = variable;
        this.apiKey = null;
        return self();
    }

    /** The runtime's name in routes, logs and metrics; defaults to {@code provider/model}. */
    public S name(String name) {
        if (name == null || name.isBlank()) {
            throw new ConfigurationException("name must not be blank");
        }
        this.name = name;
        return self();
    }

    /** Longest wait to establish a connection. */
    public S connectTimeout(Duration timeout) {
        this.connectTimeout = positive("connectTimeout", timeout);
        return self();
    }

    /** Longest silence from the provider: until the response begins, and then between two pieces of it. */
    public S readTimeout(Duration timeout) {
        this.readTimeout = positive("readTimeout", timeout);
        return self();
    }

    /** Longest time for the whole call, retries and waits included. */
    public S totalTimeout(Duration timeout) {
        this.totalTimeout = positive("totalTimeout", timeout);
        return self();
    }

    /** How many times to retry a connection failure, 408, 429 or 5xx before the answer begins (0 to 10). */
    public S maxRetries(int retries) {
        if (retries < 0 || retries > 10) {
            throw new ConfigurationException("maxRetries must be between 0 and 10, was " + retries);
        }
        this.maxRetries = retries;
        return self();
    }

    /** The first retry waits about {@code initial}; each next one twice as long, up to {@code max}; all with jitter. */
    public S backoff(Duration initial, Duration max) {
        positive("initial backoff", initial);
        positive("maximum backoff", max);
        if (max.compareTo(initial) < 0) {
            throw new ConfigurationException("maximum backoff " + max + " is shorter than the initial backoff " + initial);
        }
        this.initialBackoff = initial;
        this.maxBackoff = max;
        return self();
    }

    /** When the provider's {@code Retry-After} asks for a longer wait than this, fail at once instead of waiting. */
    public S maxRetryAfter(Duration limit) {
        this.maxRetryAfter = positive("maxRetryAfter", limit);
        return self();
    }

    /** The model's context window in tokens, shown in the runtime's info (0 when unknown, the default). */
    public S contextLength(int tokens) {
        if (tokens < 0) {
            throw new ConfigurationException("contextLength must be >= 0 (0 means unknown), was " + tokens);
        }
        this.contextLength = tokens;
        return self();
    }

    /** Marks the stable prefix for the provider's prompt cache (on by default for OpenAI and Anthropic). */
    public S promptCaching(boolean enabled) {
        this.promptCaching = enabled;
        return self();
    }

    /**
     * Streams answers (the default): token events arrive as the provider sends them. When off, the provider answers
     * in one piece and the whole text arrives as a single event.
     */
    public S streaming(boolean enabled) {
        this.streaming = enabled;
        return self();
    }

    S sleeper(Sleeper sleeper) {
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        return self();
    }

    S jitter(DoubleSupplier jitter) {
        this.jitter = Objects.requireNonNull(jitter, "jitter");
        return self();
    }

    S clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return self();
    }

    S environment(Function<String, String> environment) {
        this.environment = Objects.requireNonNull(environment, "environment");
        return self();
    }

    /** Where the runtime sends data; subclasses that let the user choose override this. */
    Locality locality() {
        return kind.defaultLocality(baseUri);
    }

    int maxTokensWhenUnlimited() {
        return 0;
    }

    /** Whether to send temperature, top-p and seed; subclasses for APIs whose models may refuse them override it. */
    boolean samplingParameters() {
        return true;
    }

    /** Applies string settings from a {@link dev.hearth.api.spi.NamedRuntimeSpec}; unknown keys fail. */
    S apply(Map<String, String> settings) {
        settings.forEach((key, value) -> {
            if (!applySetting(key, value)) {
                throw new ConfigurationException("Unknown setting '" + key + "' for provider " + provider()
                        + "; known: model, baseUrl, apiKey, apiKeyEnv, name, connectTimeout, readTimeout, totalTimeout, "
                        + "maxRetries, maxRetryAfter, contextLength, promptCaching, streaming" + extraSettings());
            }
        });
        return self();
    }

    boolean applySetting(String key, String value) {
        switch (key) {
            case "model" -> model(value);
            case "baseUrl" -> {
                try {
                    baseUrl(URI.create(value));
                } catch (IllegalArgumentException e) {
                    throw new ConfigurationException("baseUrl is not a URL: " + value);
                }
            }
            case "apiKey" -> apiKey(value);
            case "apiKeyEnv" -> apiKeyFromEnv(value);
            case "name" -> name(value);
            case "connectTimeout" -> connectTimeout(Settings.duration(key, value));
            case "readTimeout" -> readTimeout(Settings.duration(key, value));
            case "totalTimeout" -> totalTimeout(Settings.duration(key, value));
            case "maxRetryAfter" -> maxRetryAfter(Settings.duration(key, value));
            case "maxRetries" -> maxRetries(Settings.integer(key, value));
            case "contextLength" -> contextLength(Settings.integer(key, value));
            case "promptCaching" -> promptCaching(Settings.bool(key, value));
            case "streaming" -> streaming(Settings.bool(key, value));
            default -> {
                return false;
            }
        }
        return true;
    }

    String extraSettings() {
        return "";
    }

    /** Validates what only makes sense together and reads the key; fails naming the setting to fix. */
    final RemoteConfig resolve() {
        if (baseUri == null) {
            throw new ConfigurationException("No base URL for " + provider() + ": set baseUrl(...)");
        }
        String resolvedModel = model != null ? model : defaultModel();
        if (resolvedModel == null) {
            throw new ConfigurationException("No model for " + provider() + ": call .model(\"...\") or set the 'model' setting");
        }
        Secret key = apiKey;
        if (key == null) {
            String variable = apiKeyVariable != null ? apiKeyVariable : kind.apiKeyVariable();
            String value = environment.apply(variable);
            if (value != null && !value.isBlank()) {
                key = new Secret(value.strip());
            } else if (apiKeyVariable != null || kind.keyRequired()) {
                throw new ConfigurationException("No API key for " + kind.displayName() + ": the environment variable "
                        + variable + " is not set; set it or call apiKey(...)");
            }
        }
        String resolvedName = name != null ? name : provider() + "/" + resolvedModel;
        return new RemoteConfig(kind, resolvedName, baseUri, key, resolvedModel, connectTimeout, readTimeout,
                totalTimeout, maxRetries, initialBackoff, maxBackoff, maxRetryAfter, locality(), contextLength,
                promptCaching, streaming, samplingParameters(), maxTokensWhenUnlimited(), sleeper, jitter, clock);
    }

    /** The model used when none is set; null when one is required. */
    String defaultModel() {
        return null;
    }

    private static Duration positive(String what, Duration duration) {
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new ConfigurationException(what + " must be a positive duration, was " + duration);
        }
        return duration;
    }

    @Override
    public String toString() {
        String key = apiKey != null ? "set" : "from $" + (apiKeyVariable != null ? apiKeyVariable : kind.apiKeyVariable());
        return getClass().getSimpleName() + "[provider=" + provider() + ", model=" + model + ", baseUrl=" + baseUri
                + ", apiKey=" + key + ", locality=" + locality() + "]";
    }
}
