package dev.hearth.api.testing;

import dev.hearth.api.ChatRequest;
import dev.hearth.api.ChatResponse;
import dev.hearth.api.ConfigurationException;
import dev.hearth.api.FinishReason;
import dev.hearth.api.Message;
import dev.hearth.api.Route;
import dev.hearth.api.Timings;
import dev.hearth.api.TokenEvent;
import dev.hearth.api.Usage;
import dev.hearth.api.spi.CancellationSignal;
import dev.hearth.api.spi.InferenceRuntime;
import dev.hearth.api.spi.Locality;
import dev.hearth.api.spi.RuntimeInfo;
import dev.hearth.api.spi.RuntimeSpec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A runtime for tests that "generates" a fixed list of token texts, ignoring the prompt and the sampling settings.
 * It behaves like a real runtime where it matters: it honours {@code maxTokens} (finish {@link FinishReason#LENGTH}),
 * ends with {@link FinishReason#STOP} when the script runs out, matches stop sequences across token boundaries
 * (holding back text that may be the start of one and never emitting the stop text), polls the cancellation signal
 * between tokens, and returns usage (one prompt token per word of every message, plus one per message) and timings.
 * An optional {@link TokenGate} makes it wait before each token, so tests control timing without sleeps.
 *
 * <p>Open it directly ({@code ScriptedRuntime.builder()...build()}) or through ServiceLoader: the builder is itself a
 * {@link RuntimeSpec} of provider {@code "scripted"}, and {@link ScriptedRuntimeProvider} also accepts a
 * {@link dev.hearth.api.spi.NamedRuntimeSpec}.
 */
public final class ScriptedRuntime implements InferenceRuntime {
    private final RuntimeInfo info;
    private final List<String> script;
    private final TokenGate gate;
    private final int failAtToken;
    private final Supplier<? extends RuntimeException> failure;
    private final int failingGenerations;
    private final Supplier<? extends RuntimeException> generationFailure;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicInteger generationsStarted = new AtomicInteger();
    private final AtomicInteger tokensProduced = new AtomicInteger();
    private final BlockingQueue<ChatResponse> finished = new LinkedBlockingQueue<>();

    private ScriptedRuntime(Builder builder) {
        this.info = new RuntimeInfo(builder.name, builder.locality, builder.models, builder.contextLength);
        this.failingGenerations = builder.failingGenerations;
        this.generationFailure = builder.generationFailure;
        this.script = List.copyOf(builder.tokens);
        this.gate = builder.gate;
        this.failAtToken = builder.failAtToken;
        this.failure = builder.failure;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public RuntimeInfo info() {
        return info;
    }

    @Override
    public ChatResponse generate(ChatRequest request, Consumer<TokenEvent> tokens, CancellationSignal cancellation) {
        if (closed.get()) {
            throw new ConfigurationException("ScriptedRuntime " + info.name() + " is closed");
        }
        if (generationsStarted.incrementAndGet() <= failingGenerations) {
            throw generationFailure.get();
        }
        if (gate != null) {
            cancellation.onCancel(gate::wake);
        }
        long start = System.nanoTime();
        long firstToken = -1;
        int maxTokens = request.options().maxTokens();
        List<String> stops = request.options().stopSequences();
        StringBuilder text = new StringBuilder();
        StringBuilder pending = new StringBuilder(); // generated, not yet emitted: may be the start of a stop sequence
        int produced = 0;
        FinishReason reason = null;
        while (reason == null) {
            if (produced == maxTokens) {
                reason = FinishReason.LENGTH;
                break;
            }
            if (produced == script.size()) {
                reason = FinishReason.STOP;
                break;
            }
            if (cancellation.isCancelled() || !awaitGate(cancellation)) {
                reason = FinishReason.CANCELLED;
                break;
            }
            if (produced == failAtToken) {
                throw failure.get();
            }
            pending.append(script.get(produced));
            int index = produced++;
            tokensProduced.incrementAndGet();
            if (firstToken < 0) {
                firstToken = System.nanoTime();
            }
            String emit;
            int stopAt = earliestStop(pending, stops);
            if (stopAt >= 0) {
                emit = pending.substring(0, stopAt);
                pending.setLength(0);
                reason = FinishReason.STOP_SEQUENCE;
            } else if (produced == maxTokens || produced == script.size()) {
                emit = pending.toString(); // the last token: nothing can follow, so nothing is held back
                pending.setLength(0);
            } else {
                int hold = heldBack(pending, stops);
                emit = pending.substring(0, pending.length() - hold);
                pending.delete(0, pending.length() - hold);
            }
            text.append(emit);
            tokens.accept(new TokenEvent(index, index, emit));
        }
        long end = System.nanoTime();
        int promptTokens = promptTokens(request);
        Duration ttft = firstToken < 0 ? Duration.ZERO : Duration.ofNanos(firstToken - start);
        Duration decode = firstToken < 0 ? Duration.ZERO : Duration.ofNanos(end - firstToken);
        Timings timings = new Timings(ttft, ttft, promptTokens, decode, Math.max(0, produced - 1), Duration.ofNanos(end - start));
        ChatResponse response = new ChatResponse(text.toString(), List.of(), reason, new Usage(promptTokens, 0, produced),
                timings, new Route(info.name(), request.model().orElse(info.defaultModel()), "scripted"));
        finished.add(response);
        return response;
    }

    private boolean awaitGate(CancellationSignal cancellation) {
        if (gate == null) {
            return true;
        }
        try {
            return gate.pass(cancellation);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // keep the flag: the client's signal reads it as a cancellation
            return false;
        }
    }

    private static int earliestStop(CharSequence pending, List<String> stops) {
        int earliest = -1;
        for (String stop : stops) {
            int at = pending.toString().indexOf(stop);
            if (at >= 0 && (earliest < 0 || at < earliest)) {
                earliest = at;
            }
        }
        return earliest;
    }

    /** Length of the longest end of {@code pending} that is the start of some stop sequence. */
    private static int heldBack(CharSequence pending, List<String> stops) {
        String text = pending.toString();
        int longest = 0;
        for (String stop : stops) {
            for (int k = Math.min(stop.length() - 1, text.length()); k > longest; k--) {
                if (stop.startsWith(text.substring(text.length() - k))) {
                    longest = k;
                    break;
                }
            }
        }
        return longest;
    }

    private static int promptTokens(ChatRequest request) {
        int count = 0;
        for (Message message : request.messages()) {
            count += 1 + (message.content().isBlank() ? 0 : message.content().trim().split("\\s+").length);
        }
        return count;
    }

    @Override
    public void close() {
        closed.set(true);
    }

    public boolean isClosed() {
        return closed.get();
    }

    /** How many generations have started. */
    public int generationsStarted() {
        return generationsStarted.get();
    }

    /** How many tokens this runtime has produced, over all generations. */
    public int tokensProduced() {
        return tokensProduced.get();
    }

    /** Waits for the next generation to finish and returns its answer as the runtime returned it. */
    public ChatResponse awaitFinished() throws InterruptedException {
        ChatResponse response = finished.poll(5, TimeUnit.SECONDS);
        if (response == null) {
            throw new AssertionError("no generation of " + info.name() + " finished within 5 s");
        }
        return response;
    }

    /** Configures a scripted runtime; it is also the typed {@link RuntimeSpec} its provider opens. */
    public static final class Builder implements RuntimeSpec {
        private String name = "scripted";
        private Locality locality = Locality.IN_PROCESS;
        private int failingGenerations;
        private Supplier<? extends RuntimeException> generationFailure;
        private List<String> models = List.of("scripted-model");
        private int contextLength = 4096;
        private List<String> tokens = List.of("Hello", ",", " world", "!");
        private TokenGate gate;
        private int failAtToken = -1;
        private Supplier<? extends RuntimeException> failure;
        private boolean failOpen;
        private final List<ScriptedRuntime> built = new ArrayList<>();

        private Builder() {
        }

        @Override
        public String provider() {
            return ScriptedRuntimeProvider.NAME;
        }

        public Builder name(String name) {
            this.name = Objects.requireNonNull(name);
            return this;
        }

        /** Where the runtime claims to send data (IN_PROCESS by default); it never sends anything anywhere. */
        public Builder locality(Locality locality) {
            this.locality = Objects.requireNonNull(locality);
            return this;
        }

        /** Makes the first {@code generations} generations throw {@code failure} before any token; later ones work. */
        public Builder failFirst(int generations, Supplier<? extends RuntimeException> failure) {
            this.failingGenerations = generations;
            this.generationFailure = failure;
            return this;
        }

        public Builder models(String... models) {
            this.models = List.of(models);
            return this;
        }

        public Builder tokens(String... tokens) {
            return tokens(List.of(tokens));
        }

        public Builder tokens(List<String> tokens) {
            this.tokens = List.copyOf(tokens);
            return this;
        }

        /** Waits on {@code gate} before each token. */
        public Builder gate(TokenGate gate) {
            this.gate = gate;
            return this;
        }

        /** Throws {@code failure} instead of producing the token at {@code index}. */
        public Builder failAt(int index, Supplier<? extends RuntimeException> failure) {
            this.failAtToken = index;
            this.failure = failure;
            return this;
        }

        /** Makes the provider's {@code open} fail for this spec. */
        public Builder failOpen() {
            this.failOpen = true;
            return this;
        }

        boolean failsOpen() {
            return failOpen;
        }

        public ScriptedRuntime build() {
            ScriptedRuntime runtime = new ScriptedRuntime(this);
            synchronized (built) {
                built.add(runtime);
            }
            return runtime;
        }

        /** The runtimes built from this spec so far (e.g. by a provider found through ServiceLoader). */
        public List<ScriptedRuntime> built() {
            synchronized (built) {
                return List.copyOf(built);
            }
        }

        /** The only runtime built from this spec. */
        public ScriptedRuntime runtime() {
            List<ScriptedRuntime> all = built();
            if (all.size() != 1) {
                throw new AssertionError("expected one runtime built from this spec, got " + all.size());
            }
            return all.getFirst();
        }
    }
}
