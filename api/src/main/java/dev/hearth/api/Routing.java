package dev.hearth.api;

import dev.hearth.api.spi.Locality;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * The rules that choose a runtime for each request: the order runtimes are tried in, which failures move on to the
 * next one, how long a runtime may take, where sensitive data may go, when a failing runtime is rested, and what each
 * runtime costs.
 *
 * <pre>{@code
 * InferenceClient client = InferenceClient.builder()
 *         .runtime(Gguf.model(Path.of("model.gguf")))
 *         .runtime(Anthropic.fromEnv().model("claude-sonnet-4-5"))
 *         .routing(Routing.localFirst().privateStaysLocal()
 *                 .fallbackOn(Fallback.UNAVAILABLE, Fallback.CONTEXT_TOO_LONG, Fallback.TOO_SLOW)
 *                 .timeToFirstTokenBudget(Duration.ofSeconds(2))
 *                 .price("anthropic/claude-sonnet-4-5", Price.perMillionTokens(3, 0.3, 15)))
 *         .build();
 * }</pre>
 *
 * <h2>Privacy</h2>
 * Whatever the order, a request only goes where its {@link Sensitivity} may: {@code PUBLIC} anywhere; {@code INTERNAL}
 * to this process and peers ({@link Locality#IN_PROCESS}, {@link Locality#TRUSTED_PEER}); {@code PRIVATE} to this
 * process and to peers named in {@link #trust(String...)}. {@link #allow(Sensitivity, Locality...)} widens
 * {@code INTERNAL}; nothing sends {@code PRIVATE} data to a {@link Locality#THIRD_PARTY}. These rules are checked
 * before anything is sent: a request that no permitted runtime can take fails with
 * {@link PolicyViolationException}, naming the rule.
 *
 * <h2>Fallback</h2>
 * A runtime that fails with one of the {@link #fallbackOn(Fallback...) fallback triggers} before the first token
 * reached the caller is recorded in the answer's {@link Route#attempts()} and the next runtime is tried. Once a token
 * has reached the caller the request is never sent again: a later failure is the caller's error.
 *
 * <h2>Circuit breakers</h2>
 * Each runtime has a breaker: after {@link #circuitBreaker(int, Duration) failures} consecutive failures (unavailable,
 * too slow or an error; not problems of the request itself, such as a prompt too long) it opens and the runtime is
 * skipped; after the delay one request is let through (half-open): success closes the breaker, failure opens it again.
 *
 * <p>A {@code Routing} is a mutable specification, like a runtime spec: the client copies it when built. Without one,
 * the client uses {@link #inOrder()}: the first runtime configured, with no fallback. Configuration files use
 * {@link #fromProperties(Properties)}, whose keys are listed there.
 */
public final class Routing {

    /** The order candidates are tried in. */
    enum Order {
        IN_ORDER("in-order"), LOCAL_FIRST("local-first"), CLOUD_FIRST("cloud-first"), PINNED("pinned");

        final String key;

        Order(String key) {
            this.key = key;
        }
    }

    private Order order;
    private String pinned;
    private final EnumSet<Fallback> fallbacks = EnumSet.noneOf(Fallback.class);
    private Duration timeToFirstTokenBudget;
    private Duration totalLatencyBudget;
    private final Set<String> trustedPeers = new LinkedHashSet<>();
    private final EnumSet<Locality> internalAllowed = EnumSet.of(Locality.IN_PROCESS, Locality.TRUSTED_PEER);
    private int breakerFailures = 5;
    private Duration breakerOpenFor = Duration.ofSeconds(30);
    private Clock clock = Clock.systemUTC();
    private BudgetTimer budgetTimer;
    private final Map<String, Price> prices = new LinkedHashMap<>();

    private Routing(Order order, String pinned) {
        this.order = order;
        this.pinned = pinned;
    }

    /** Runtimes in the order they were configured (the default: the first one answers). */
    public static Routing inOrder() {
        return new Routing(Order.IN_ORDER, null);
    }

    /** This process first, then trusted peers, then third-party providers; configuration order within each. */
    public static Routing localFirst() {
        return new Routing(Order.LOCAL_FIRST, null);
    }

    /** Third-party providers first, then peers, then this process: the cloud, with local fallback. */
    public static Routing cloudFirst() {
        return new Routing(Order.CLOUD_FIRST, null);
    }

    /** Only the runtime named {@code runtime} (its {@link dev.hearth.api.spi.RuntimeInfo#name()}); no fallback. */
    public static Routing pinned(String runtime) {
        return new Routing(Order.PINNED, requireName("pinned runtime", runtime));
    }

    /**
     * States the default privacy rule: {@code PRIVATE} requests stay in this process and on trusted peers. It is on
     * whether or not this is called; calling it documents the intent where the routing is configured.
     */
    public Routing privateStaysLocal() {
        return this;
    }

    /** Marks these peers ({@link Locality#TRUSTED_PEER} runtimes, by name) as trusted with {@code PRIVATE} data. */
    public Routing trust(String... peers) {
        for (String peer : peers) {
            trustedPeers.add(requireName("trusted peer", peer));
        }
        return this;
    }

    /**
     * Lets {@code sensitivity} go to these localities as well. Only {@code INTERNAL} can be widened: {@code PUBLIC}
     * goes anywhere already, and {@code PRIVATE} never goes to a third party (trust peers by name with {@link #trust}).
     */
    public Routing allow(Sensitivity sensitivity, Locality... localities) {
        Objects.requireNonNull(sensitivity, "sensitivity");
        if (sensitivity == Sensitivity.PRIVATE) {
            throw new ConfigurationException("Rule privacy.PRIVATE cannot be widened: private data never goes to a third"
                    + " party; trust peers by name with trust(\"peer\") instead");
        }
        if (sensitivity == Sensitivity.INTERNAL) {
            internalAllowed.addAll(List.of(localities));
        }
        return this;
    }

    /** The failures after which the next runtime is tried (none by default). */
    public Routing fallbackOn(Fallback... triggers) {
        for (Fallback trigger : triggers) {
            if (Objects.requireNonNull(trigger, "trigger") == Fallback.POLICY) {
                throw new ConfigurationException("POLICY is not a fallback trigger: a privacy rule is never worked around");
            }
            fallbacks.add(trigger);
        }
        return this;
    }

    /** Falls back on every kind of failure. */
    public Routing fallbackOnAny() {
        return fallbackOn(Fallback.UNAVAILABLE, Fallback.CONTEXT_TOO_LONG, Fallback.MODEL_MISSING, Fallback.TOO_SLOW,
                Fallback.ERROR);
    }

    /**
     * A runtime that has not produced its first token within {@code budget} is abandoned (counted as
     * {@link Fallback#TOO_SLOW}); the next runtime is tried when that trigger is on.
     */
    public Routing timeToFirstTokenBudget(Duration budget) {
        this.timeToFirstTokenBudget = positive("timeToFirstTokenBudget", budget);
        return this;
    }

    /**
     * A runtime that has not finished within {@code budget} is abandoned: before the first token reached the caller
     * this is {@link Fallback#TOO_SLOW}; after it, the call fails with {@link RequestTimeoutException}.
     */
    public Routing totalLatencyBudget(Duration budget) {
        this.totalLatencyBudget = positive("totalLatencyBudget", budget);
        return this;
    }

    /** Opens a runtime's breaker after {@code failures} consecutive failures, for {@code openFor} (default 5, 30 s). */
    public Routing circuitBreaker(int failures, Duration openFor) {
        if (failures < 1 || failures > 1000) {
            throw new ConfigurationException("circuit breaker failures must be between 1 and 1000, was " + failures);
        }
        this.breakerFailures = failures;
        this.breakerOpenFor = positive("circuit breaker openFor", openFor);
        return this;
    }

    /**
     * What runs the latency budgets (tests inject one to expire budgets when they choose); by default a daemon thread
     * of the client's router against the wall clock.
     */
    public Routing budgetTimer(BudgetTimer timer) {
        this.budgetTimer = Objects.requireNonNull(timer, "budgetTimer");
        return this;
    }

    /** The clock circuit breakers read (tests inject one to move time without waiting). */
    public Routing clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    /** What runtime {@code runtime} (by name) costs, for {@link InferenceClient#costReport()}. */
    public Routing price(String runtime, Price price) {
        prices.put(requireName("priced runtime", runtime), Objects.requireNonNull(price, "price"));
        return this;
    }

    // ---- read by the client ------------------------------------------------------------------------------------

    /** A snapshot: the client keeps its rules even if this specification is changed after the client was built. */
    Routing copy() {
        Routing copy = new Routing(order, pinned);
        copy.fallbacks.addAll(fallbacks);
        copy.timeToFirstTokenBudget = timeToFirstTokenBudget;
        copy.totalLatencyBudget = totalLatencyBudget;
        copy.trustedPeers.addAll(trustedPeers);
        copy.internalAllowed.addAll(internalAllowed);
        copy.breakerFailures = breakerFailures;
        copy.breakerOpenFor = breakerOpenFor;
        copy.clock = clock;
        copy.budgetTimer = budgetTimer;
        copy.prices.putAll(prices);
        return copy;
    }

    Order order() {
        return order;
    }

    String pinnedRuntime() {
        return pinned;
    }

    Set<Fallback> fallbacks() {
        return Collections.unmodifiableSet(EnumSet.copyOf(fallbacks));
    }

    Duration timeToFirstTokenBudget() {
        return timeToFirstTokenBudget;
    }

    Duration totalLatencyBudget() {
        return totalLatencyBudget;
    }

    Set<String> trustedPeers() {
        return Set.copyOf(trustedPeers);
    }

    Set<Locality> internalAllowed() {
        return Collections.unmodifiableSet(EnumSet.copyOf(internalAllowed));
    }

    int breakerFailures() {
        return breakerFailures;
    }

    Duration breakerOpenFor() {
        return breakerOpenFor;
    }

    Clock clock() {
        return clock;
    }

    /** The injected budget timer, or null for the router's own. */
    BudgetTimer budgetTimer() {
        return budgetTimer;
    }

    Map<String, Price> prices() {
        return Map.copyOf(prices);
    }

    /** The name of the policy, as in configuration files and the audit log. */
    String policyName() {
        return order == Order.PINNED ? "pinned:" + pinned : order.key;
    }

    // ---- configuration files -----------------------------------------------------------------------------------

    /**
     * Reads routing rules from properties, so that the command line and a server share them. Keys (all optional;
     * any other key starting with {@code routing.} is an error naming it):
     *
     * <pre>
     * routing.policy = in-order | local-first | cloud-first | pinned      (default in-order)
     * routing.pinned = runtime name                                      (required with policy pinned)
     * routing.fallbackOn = unavailable, context-too-long, model-missing, too-slow, error   (or: any)
     * routing.timeToFirstTokenBudget = 2s        durations: 250ms, 2s, 1m, 1h, or ISO-8601 (PT2S)
     * routing.totalLatencyBudget = 30s
     * routing.trustedPeers = node-a, node-b
     * routing.allowInternal = THIRD_PARTY        localities INTERNAL data may go to besides this process and peers
     * routing.circuitBreaker.failures = 5
     * routing.circuitBreaker.openFor = 30s
     * routing.price.RUNTIME.inputPerMillion = 3.0          RUNTIME is the runtime's name (may contain dots)
     * routing.price.RUNTIME.cachedInputPerMillion = 0.3    (defaults to inputPerMillion)
     * routing.price.RUNTIME.outputPerMillion = 15
     * routing.price.RUNTIME.perHour = 0.12
     * </pre>
     *
     * @throws ConfigurationException naming the key and value that are wrong
     */
    public static Routing fromProperties(Properties properties) {
        Objects.requireNonNull(properties, "properties");
        Map<String, String> values = new LinkedHashMap<>();
        for (String key : new TreeSet<>(properties.stringPropertyNames())) {
            if (key.startsWith("routing.")) {
                values.put(key, properties.getProperty(key).strip());
            }
        }
        String policy = values.getOrDefault("routing.policy", "in-order").toLowerCase(Locale.ROOT);
        Routing routing = switch (policy) {
            case "in-order" -> inOrder();
            case "local-first" -> localFirst();
            case "cloud-first" -> cloudFirst();
            case "pinned" -> {
                String name = values.get("routing.pinned");
                if (name == null || name.isBlank()) {
                    throw new ConfigurationException("routing.policy = pinned needs routing.pinned = <runtime name>");
                }
                yield pinned(name);
            }
            default -> throw new ConfigurationException("routing.policy must be in-order, local-first, cloud-first or"
                    + " pinned, was '" + policy + "'");
        };
        Map<String, Map<String, String>> priceFields = new LinkedHashMap<>();
        for (Map.Entry<String, String> entry : values.entrySet()) {
            String key = entry.getKey();
            String value = entry.getValue();
            switch (key) {
                case "routing.policy" -> { }
                case "routing.pinned" -> {
                    if (routing.order != Order.PINNED) {
                        throw new ConfigurationException("routing.pinned is set but routing.policy is " + policy
                                + "; set routing.policy = pinned or remove routing.pinned");
                    }
                }
                case "routing.fallbackOn" -> {
                    if (value.equalsIgnoreCase("any")) {
                        routing.fallbackOnAny();
                    } else {
                        list(value).forEach(trigger -> routing.fallbackOn(Fallback.parse(trigger)));
                    }
                }
                case "routing.timeToFirstTokenBudget" -> routing.timeToFirstTokenBudget(duration(key, value));
                case "routing.totalLatencyBudget" -> routing.totalLatencyBudget(duration(key, value));
                case "routing.trustedPeers" -> routing.trust(list(value).toArray(String[]::new));
                case "routing.allowInternal" -> routing.allow(Sensitivity.INTERNAL,
                        list(value).stream().map(name -> locality(key, name)).toArray(Locality[]::new));
                case "routing.circuitBreaker.failures" -> routing.circuitBreaker(integer(key, value), routing.breakerOpenFor);
                case "routing.circuitBreaker.openFor" -> routing.circuitBreaker(routing.breakerFailures, duration(key, value));
                default -> {
                    int lastDot = key.lastIndexOf('.');
                    if (!key.startsWith("routing.price.") || lastDot <= "routing.price.".length()) {
                        throw new ConfigurationException("Unknown routing key '" + key + "'; known: routing.policy, "
                                + "routing.pinned, routing.fallbackOn, routing.timeToFirstTokenBudget, "
                                + "routing.totalLatencyBudget, routing.trustedPeers, routing.allowInternal, "
                                + "routing.circuitBreaker.failures, routing.circuitBreaker.openFor, "
                                + "routing.price.<runtime>.{inputPerMillion,cachedInputPerMillion,outputPerMillion,perHour}");
                    }
                    priceFields.computeIfAbsent(key.substring("routing.price.".length(), lastDot), name -> new LinkedHashMap<>())
                            .put(key.substring(lastDot + 1), value);
                }
            }
        }
        priceFields.forEach((runtime, fields) -> routing.price(runtime, price(runtime, fields)));
        return routing;
    }

    /** Reads {@link #fromProperties(Properties) routing properties} from a file (UTF-8). */
    public static Routing fromFile(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigurationException("Cannot read routing rules from " + file + ": " + e.getMessage(), e);
        }
        return fromProperties(properties);
    }

    private static Price price(String runtime, Map<String, String> fields) {
        Map<String, Double> amounts = new LinkedHashMap<>();
        fields.forEach((field, value) -> {
            String key = "routing.price." + runtime + "." + field;
            if (!List.of("inputPerMillion", "cachedInputPerMillion", "outputPerMillion", "perHour").contains(field)) {
                throw new ConfigurationException("Unknown price field in '" + key
                        + "'; known: inputPerMillion, cachedInputPerMillion, outputPerMillion, perHour");
            }
            try {
                amounts.put(field, Double.parseDouble(value));
            } catch (NumberFormatException e) {
                throw new ConfigurationException(key + " must be a number, was '" + value + "'");
            }
        });
        double input = amounts.getOrDefault("inputPerMillion", 0.0);
        return new Price(input, amounts.getOrDefault("cachedInputPerMillion", input),
                amounts.getOrDefault("outputPerMillion", 0.0), amounts.getOrDefault("perHour", 0.0));
    }

    private static List<String> list(String value) {
        List<String> items = new ArrayList<>();
        for (String item : value.split(",")) {
            if (!item.isBlank()) {
                items.add(item.strip());
            }
        }
        return items;
    }

    private static Locality locality(String key, String value) {
        try {
            return Locality.valueOf(value.toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(key + " lists '" + value + "'; localities are "
                    + Arrays.toString(Locality.values()));
        }
    }

    private static int integer(String key, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new ConfigurationException(key + " must be a whole number, was '" + value + "'");
        }
    }

    /** Parses {@code 250ms}, {@code 2s}, {@code 1m}, {@code 1h} or ISO-8601 ({@code PT2S}). */
    static Duration duration(String key, String value) {
        String text = value.strip().toLowerCase(Locale.ROOT);
        try {
            if (text.startsWith("pt") || text.startsWith("p")) {
                return Duration.parse(value.strip());
            }
            if (text.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2).strip()));
            }
            long amount = Long.parseLong(text.substring(0, text.length() - 1).strip());
            return switch (text.charAt(text.length() - 1)) {
                case 's' -> Duration.ofSeconds(amount);
                case 'm' -> Duration.ofMinutes(amount);
                case 'h' -> Duration.ofHours(amount);
                default -> throw new NumberFormatException();
            };
        } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException e) {
            throw new ConfigurationException(key + " must be a duration such as 250ms, 2s, 1m, 1h or PT2S, was '" + value + "'");
        }
    }

    private static Duration positive(String what, Duration duration) {
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new ConfigurationException(what + " must be a positive duration, was " + duration);
        }
        return duration;
    }

    private static String requireName(String what, String name) {
        if (name == null || name.isBlank()) {
            throw new ConfigurationException(what + " must be a non-blank runtime name, was " + (name == null ? "null" : "'" + name + "'"));
        }
        return name.strip();
    }

    @Override
    public String toString() {
        return "Routing[" + policyName() + ", fallbackOn " + fallbacks + ", trusted " + trustedPeers + "]";
    }
}
