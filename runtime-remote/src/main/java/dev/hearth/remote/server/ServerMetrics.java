package dev.hearth.remote.server;

import dev.hearth.api.ChatResponse;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * The server's counters, rendered in the Prometheus text exposition format (version 0.0.4) at {@code /metrics}:
 * requests by endpoint and status, errors by kind, requests in flight, tokens by model, generations by finish reason
 * and a time-to-first-token histogram. Thread-safe and lock-free on the request path.
 */
final class ServerMetrics {
    private static final double[] TTFT_BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};

    private final Map<List<String>, LongAdder> requests = new ConcurrentHashMap<>();
    private final Map<List<String>, LongAdder> errors = new ConcurrentHashMap<>();
    private final Map<List<String>, LongAdder> generations = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> promptTokens = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> cachedPromptTokens = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> completionTokens = new ConcurrentHashMap<>();
    private final Map<String, Histogram> timeToFirstToken = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();

    void requestStarted() {
        inFlight.incrementAndGet();
    }

    void requestFinished(String endpoint, int status) {
        inFlight.decrementAndGet();
        requests.computeIfAbsent(List.of(endpoint, Integer.toString(status)), key -> new LongAdder()).increment();
    }

    void error(String endpoint, ApiError.Kind kind) {
        errors.computeIfAbsent(List.of(endpoint, kind.name().toLowerCase(Locale.ROOT)), key -> new LongAdder()).increment();
    }

    /**
     * Counts a finished generation.
     *
     * @param timeToFirstToken measured here, from submitting the request to the runtime until its first token (so it
     *                         includes waiting for a busy runtime, as a client sees it); null when no token came
     */
    void generated(ChatResponse response, Duration timeToFirstToken) {
        String model = response.route().model();
        promptTokens.computeIfAbsent(model, key -> new LongAdder()).add(response.usage().promptTokens());
        cachedPromptTokens.computeIfAbsent(model, key -> new LongAdder()).add(response.usage().cachedPromptTokens());
        completionTokens.computeIfAbsent(model, key -> new LongAdder()).add(response.usage().completionTokens());
        generations.computeIfAbsent(List.of(model, response.finishReason().name().toLowerCase(Locale.ROOT)),
                key -> new LongAdder()).increment();
        if (timeToFirstToken != null) {
            this.timeToFirstToken.computeIfAbsent(model, key -> new Histogram()).observe(timeToFirstToken.toNanos() / 1e9);
        }
    }

    /**
     * @param running generations holding a slot now
     * @param waiting generating requests queued for a slot now
     */
    String render(int running, int waiting) {
        StringBuilder out = new StringBuilder();
        header(out, "hearth_server_requests_total", "counter", "HTTP requests answered, by endpoint and status.");
        sorted(requests).forEach((labels, count) -> out.append("hearth_server_requests_total{endpoint=\"")
                .append(escape(labels.get(0))).append("\",status=\"").append(labels.get(1)).append("\"} ")
                .append(count.sum()).append('\n'));
        header(out, "hearth_server_errors_total", "counter", "Requests answered with an error, by endpoint and kind.");
        sorted(errors).forEach((labels, count) -> out.append("hearth_server_errors_total{endpoint=\"")
                .append(escape(labels.get(0))).append("\",kind=\"").append(labels.get(1)).append("\"} ")
                .append(count.sum()).append('\n'));
        header(out, "hearth_server_requests_in_flight", "gauge", "Requests being handled now, queued ones included.");
        out.append("hearth_server_requests_in_flight ").append(inFlight.get()).append('\n');
        header(out, "hearth_server_generations_running", "gauge", "Generations holding one of the concurrent slots now.");
        out.append("hearth_server_generations_running ").append(running).append('\n');
        header(out, "hearth_server_generations_waiting", "gauge", "Generating requests queued for a slot now.");
        out.append("hearth_server_generations_waiting ").append(waiting).append('\n');
        header(out, "hearth_server_generations_total", "counter", "Generations finished, by model and finish reason.");
        sorted(generations).forEach((labels, count) -> out.append("hearth_server_generations_total{model=\"")
                .append(escape(labels.get(0))).append("\",finish_reason=\"").append(labels.get(1)).append("\"} ")
                .append(count.sum()).append('\n'));
        tokens(out, "hearth_server_prompt_tokens_total", "Prompt tokens, cached ones included, by model.", promptTokens);
        tokens(out, "hearth_server_cached_prompt_tokens_total", "Prompt tokens served from a cache, by model.", cachedPromptTokens);
        tokens(out, "hearth_server_completion_tokens_total", "Generated tokens, by model.", completionTokens);
        header(out, "hearth_server_time_to_first_token_seconds", "histogram",
                "Time from handing a request to its runtime until the first token, by model.");
        new TreeMap<>(timeToFirstToken).forEach((model, histogram) -> histogram.render(out, model));
        return out.toString();
    }

    private static void tokens(StringBuilder out, String name, String help, Map<String, LongAdder> byModel) {
        header(out, name, "counter", help);
        new TreeMap<>(byModel).forEach((model, count) -> out.append(name).append("{model=\"").append(escape(model))
                .append("\"} ").append(count.sum()).append('\n'));
    }

    private static void header(StringBuilder out, String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static TreeMap<List<String>, LongAdder> sorted(Map<List<String>, LongAdder> map) {
        TreeMap<List<String>, LongAdder> sorted = new TreeMap<>((a, b) -> String.join("\u0000", a).compareTo(String.join("\u0000", b)));
        sorted.putAll(map);
        return sorted;
    }

    private static String escape(String label) {
        return label.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    /** A cumulative histogram with fixed buckets, as Prometheus expects. */
    private static final class Histogram {
        private final LongAdder[] buckets = new LongAdder[TTFT_BUCKETS.length];
        private final LongAdder count = new LongAdder();
        private final DoubleAdder sum = new DoubleAdder();

        Histogram() {
            for (int i = 0; i < buckets.length; i++) {
                buckets[i] = new LongAdder();
            }
        }

        void observe(double seconds) {
            for (int i = 0; i < TTFT_BUCKETS.length; i++) {
                if (seconds <= TTFT_BUCKETS[i]) {
                    buckets[i].increment();
                    break;
                }
            }
            count.increment();
            sum.add(seconds);
        }

        void render(StringBuilder out, String model) {
            String name = "hearth_server_time_to_first_token_seconds";
            long cumulative = 0;
            for (int i = 0; i < TTFT_BUCKETS.length; i++) {
                cumulative += buckets[i].sum();
                out.append(name).append("_bucket{model=\"").append(escape(model)).append("\",le=\"")
                        .append(TTFT_BUCKETS[i]).append("\"} ").append(cumulative).append('\n');
            }
            out.append(name).append("_bucket{model=\"").append(escape(model)).append("\",le=\"+Inf\"} ")
                    .append(count.sum()).append('\n');
            out.append(name).append("_sum{model=\"").append(escape(model)).append("\"} ").append(sum.sum()).append('\n');
            out.append(name).append("_count{model=\"").append(escape(model)).append("\"} ").append(count.sum()).append('\n');
        }
    }
}
