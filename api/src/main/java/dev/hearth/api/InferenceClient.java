package dev.hearth.api;

import dev.hearth.api.spi.EmbeddingRuntime;
import dev.hearth.api.spi.InferenceRuntime;
import dev.hearth.api.spi.RuntimeInfo;
import dev.hearth.api.spi.RuntimeProvider;
import dev.hearth.api.spi.RuntimeSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The one entry point: answers chat requests with the runtimes chosen in its builder.
 *
 * <pre>{@code
 * try (InferenceClient client = InferenceClient.builder()
 *         .runtime(Gguf.model(Path.of("model.gguf")).threads(2))
 *         .build()) {
 *     ChatResponse answer = client.chat().system("Be brief.").user("Hello!").maxTokens(64).call();
 *     System.out.println(answer.text() + " " + answer.timings().decodeTokensPerSecond() + " tok/s");
 * }
 * }</pre>
 *
 * Every call has a blocking form ({@link #call}), a streaming form with a token consumer ({@link #stream}), a
 * background form that can be cancelled ({@link #submit}) and a {@link Flow.Publisher} form ({@link #publisher}).
 * Runtimes that compute embeddings also answer {@link #embed(EmbeddingRequest)}.
 * With several runtimes, {@link Builder#routing(Routing)} chooses among them per request (order, fallback, privacy,
 * circuit breakers); every answer's {@link ChatResponse#route()} says which one served and which were passed over, and
 * {@link #costReport()} compares what each has cost.
 * A client is thread-safe; closing it cancels running generations and releases every runtime.
 */
public final class InferenceClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(InferenceClient.class);

    private final List<InferenceRuntime> runtimes;
    private final Router router;
    private final List<InferenceListener> listeners;
    private final GenerationOptions defaultOptions;
    private final ExecutorService executor;
    private final boolean ownsExecutor;
    private final Set<Cancellation> running = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private InferenceClient(Builder builder, List<InferenceRuntime> runtimes, Router router) {
        this.runtimes = List.copyOf(runtimes);
        this.router = router;
        this.listeners = List.copyOf(builder.listeners);
        this.defaultOptions = builder.defaultOptions;
        this.ownsExecutor = builder.executor == null;
        this.executor = ownsExecutor ? Executors.newThreadPerTaskExecutor(generationThreads()) : builder.executor;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts a fluent request that uses this client's default options. */
    public ChatCall chat() {
        return new ChatCall(this, defaultOptions);
    }

    /** The runtimes this client serves from, in the order they were configured. */
    public List<RuntimeInfo> runtimes() {
        return runtimes.stream().map(InferenceRuntime::info).toList();
    }

    /** The runtimes that compute embeddings ({@link #embed(EmbeddingRequest)}), in configuration order. */
    public List<RuntimeInfo> embeddingRuntimes() {
        return runtimes.stream().filter(EmbeddingRuntime.class::isInstance).map(InferenceRuntime::info).toList();
    }

    /** Answers and returns when the answer is complete. Interrupting the calling thread cancels the generation. */
    public ChatResponse call(ChatRequest request) {
        return stream(request, event -> { });
    }

    /**
     * Answers, calling {@code tokens} on this thread as each token arrives, and returns the whole answer.
     * Interrupting the calling thread cancels the generation; an exception thrown by {@code tokens} stops it and
     * propagates.
     */
    public ChatResponse stream(ChatRequest request, Consumer<TokenEvent> tokens) {
        Objects.requireNonNull(tokens, "tokens");
        return generate(request, tokens, Cancellation.orInterruptOf(Thread.currentThread()));
    }

    /** Starts answering in the background; the returned handle cancels it and gives the answer. */
    public Generation submit(ChatRequest request, Consumer<TokenEvent> tokens) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(tokens, "tokens");
        Cancellation cancellation = Cancellation.explicitOnly();
        CompletableFuture<ChatResponse> response = new CompletableFuture<>() {
            @Override
            public boolean cancel(boolean mayInterruptIfRunning) {
                // Cancel the future first: signalled first, the runtime could stop and complete it before this does
                boolean cancelled = super.cancel(mayInterruptIfRunning);
                cancellation.cancel();
                return cancelled;
            }
        };
        startInBackground(() -> {
            try {
                response.complete(generate(request, tokens, cancellation));
            } catch (Throwable failure) {
                response.completeExceptionally(failure);
            }
        });
        return new Generation(cancellation, response);
    }

    /**
     * A cold publisher of the answer: each subscriber starts its own generation on its first request, receives
     * {@link TokenEvent}s, then one {@link CompletionEvent}, then {@code onComplete}. Backpressure pauses the model.
     */
    public Flow.Publisher<ChatEvent> publisher(ChatRequest request) {
        Objects.requireNonNull(request, "request");
        return new ChatPublisher(this, request);
    }

    /**
     * Turns texts into vectors with the first configured runtime that computes embeddings (or the one serving
     * {@link EmbeddingRequest#model()}), one vector per input in input order. Interrupting the calling thread cancels
     * the request. Listeners are not called: they observe chat requests.
     *
     * @throws InvalidRequestException when no configured runtime computes embeddings (or serves the requested model)
     */
    public EmbeddingResponse embed(EmbeddingRequest request) {
        Objects.requireNonNull(request, "request");
        ensureOpen();
        EmbeddingRuntime runtime = selectEmbedding(request);
        RuntimeInfo info = runtime.info();
        Cancellation cancellation = Cancellation.orInterruptOf(Thread.currentThread());
        running.add(cancellation);
        try {
            EmbeddingResponse response = runtime.embed(request, cancellation);
            if (response.embeddings().size() != request.inputs().size()) {
                throw new RuntimeFailureException("Runtime " + info.name() + " returned " + response.embeddings().size()
                        + " embeddings for " + request.inputs().size() + " inputs", null);
            }
            String reason = request.model().isPresent() ? "serves the requested model " + request.model().get()
                    : "the first runtime that computes embeddings";
            return response.withRoute(new Route(info.name(), response.route().model(), reason));
        } catch (HearthException failure) {
            throw failure;
        } catch (RuntimeException failure) {
            throw new RuntimeFailureException("Runtime " + info.name() + " failed unexpectedly: " + failure, failure);
        } finally {
            running.remove(cancellation);
        }
    }

    /** Embeds {@code inputs} with the default embedding runtime; see {@link #embed(EmbeddingRequest)}. */
    public EmbeddingResponse embed(List<String> inputs) {
        return embed(EmbeddingRequest.of(inputs));
    }

    void startInBackground(Runnable task) {
        ensureOpen();
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            throw new ConfigurationException("The client's executor rejected the generation (is it shut down?)", e);
        }
    }

    ChatResponse generate(ChatRequest request, Consumer<TokenEvent> tokens, Cancellation cancellation) {
        Objects.requireNonNull(request, "request");
        ensureOpen();
        Router.Plan plan = router.plan(request); // privacy and model checks: refused here, before anything is sent
        running.add(cancellation);
        ConsumerGuard guarded = new ConsumerGuard(tokens);
        try {
            ChatResponse routed = router.execute(plan, guarded, cancellation, new Router.Observer() {
                @Override
                public void attemptStarted(RuntimeInfo runtime) {
                    listeners.forEach(listener -> InferenceClient.notify(() -> listener.requestStarted(request, runtime)));
                }

                @Override
                public void attemptEnded(InferenceRuntime runtime) {
                    reportCacheStats(runtime, runtime.info());
                }

                @Override
                public boolean callerFault(RuntimeException failure) {
                    return failure == guarded.failure;
                }
            });
            LOG.debug("{} answered: {} prompt tokens ({} cached), {} completion tokens, finish {}", routed.route().runtime(),
                    routed.usage().promptTokens(), routed.usage().cachedPromptTokens(), routed.usage().completionTokens(),
                    routed.finishReason());
            listeners.forEach(listener -> notify(() -> listener.requestCompleted(request, routed)));
            return routed;
        } catch (RuntimeException failure) {
            if (failure == guarded.failure) {
                // the caller's own consumer threw: listeners still see the request end, the caller gets its exception back
                RuntimeFailureException ended = new RuntimeFailureException("the caller's token consumer threw " + failure, failure);
                listeners.forEach(listener -> notify(() -> listener.requestFailed(request, ended)));
                throw failure;
            }
            // the router hands back typed failures only; anything else is a bug worth typing rather than leaking
            HearthException typed = failure instanceof HearthException hearth ? hearth
                    : new RuntimeFailureException("Routing failed unexpectedly: " + failure, failure);
            listeners.forEach(listener -> notify(() -> listener.requestFailed(request, typed)));
            throw typed;
        } finally {
            running.remove(cancellation);
        }
    }

    /**
     * What each chat runtime has served through this client so far, how fast, and what it cost (priced by
     * {@link Routing#price}), with what the whole workload would have cost on each; print it with
     * {@link CostReport#toMarkdown()}.
     */
    public CostReport costReport() {
        return router.costReport();
    }

    private void reportCacheStats(InferenceRuntime runtime, RuntimeInfo info) {
        if (listeners.isEmpty()) {
            return;
        }
        Optional<CacheStats> stats;
        try {
            stats = runtime.cacheStats();
        } catch (RuntimeException e) {
            LOG.warn("Runtime {} failed to report cache statistics; ignoring it", info.name(), e);
            return;
        }
        stats.ifPresent(counters -> listeners.forEach(listener -> notify(() -> listener.cacheStats(info, counters))));
    }

    /** Remembers an exception thrown by the caller's consumer, so it is not mistaken for a runtime fault. */
    private static final class ConsumerGuard implements Consumer<TokenEvent> {
        private final Consumer<TokenEvent> delegate;
        private RuntimeException failure;

        ConsumerGuard(Consumer<TokenEvent> delegate) {
            this.delegate = delegate;
        }

        @Override
        public void accept(TokenEvent event) {
            try {
                delegate.accept(event);
            } catch (RuntimeException e) {
                failure = e;
                throw e;
            }
        }
    }

    private EmbeddingRuntime selectEmbedding(EmbeddingRequest request) {
        List<EmbeddingRuntime> embedding = runtimes.stream()
                .filter(EmbeddingRuntime.class::isInstance).map(EmbeddingRuntime.class::cast).toList();
        if (embedding.isEmpty()) {
            throw new InvalidRequestException("No configured runtime computes embeddings (configured: "
                    + runtimes.stream().map(r -> r.info().name()).toList()
                    + "); add an embedding model, e.g. .runtime(Onnx.allMiniLmL6V2())");
        }
        if (request.model().isEmpty()) {
            return embedding.getFirst();
        }
        String model = request.model().get();
        return embedding.stream().filter(runtime -> runtime.info().models().contains(model)).findFirst()
                .orElseThrow(() -> new InvalidRequestException("No configured runtime computes embeddings with model '"
                        + model + "'; available: " + embedding.stream().flatMap(r -> r.info().models().stream()).toList()));
    }

    private static void notify(Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException e) {
            LOG.warn("An InferenceListener threw; ignoring it", e);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new ConfigurationException("This InferenceClient is closed; build a new one.");
        }
    }

    /** Cancels running generations, waits briefly for them to stop, and closes every runtime. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        running.forEach(Cancellation::cancel);
        if (ownsExecutor) {
            executor.shutdown();
            try {
                if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
                    LOG.warn("Generations still running 30 s after close(); closing runtimes anyway");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        router.close();
        for (InferenceRuntime runtime : runtimes) {
            try {
                runtime.close();
            } catch (RuntimeException e) {
                LOG.warn("Closing runtime {} failed", runtime.info().name(), e);
            }
        }
    }

    private static ThreadFactory generationThreads() {
        AtomicInteger counter = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, "hearth-generation-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /**
     * Configures a client. At least one runtime is required; runtimes are opened in {@link #build()}, and if one
     * fails to open, the ones already opened are closed again — except when the routing falls back on
     * {@link Fallback#UNAVAILABLE} and another runtime is configured: a runtime whose model cannot be loaded then
     * stays in the client as an unavailable route (logged once), so a cloud fallback configured for exactly that case
     * still serves. Wrong settings ({@link ConfigurationException}) always fail the build.
     */
    public static final class Builder {
        private final List<Object> runtimes = new ArrayList<>();
        private final List<InferenceListener> listeners = new ArrayList<>();
        private GenerationOptions defaultOptions = GenerationOptions.defaults();
        private ExecutorService executor;
        private Routing routing = Routing.inOrder();

        private Builder() {
        }

        /** Adds a runtime to open with the {@link RuntimeProvider} that {@code spec} names (found via ServiceLoader). */
        public Builder runtime(RuntimeSpec spec) {
            runtimes.add(Objects.requireNonNull(spec, "spec"));
            return this;
        }

        /** Adds a runtime that is already open; the client takes ownership and closes it. */
        public Builder runtime(InferenceRuntime runtime) {
            runtimes.add(Objects.requireNonNull(runtime, "runtime"));
            return this;
        }

        public Builder listener(InferenceListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** The options {@link InferenceClient#chat()} starts from. */
        public Builder defaultOptions(GenerationOptions options) {
            this.defaultOptions = Objects.requireNonNull(options, "options");
            return this;
        }

        /** Runs background generations on this executor (the caller keeps ownership) instead of the client's own threads. */
        public Builder executor(ExecutorService executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * The rules that choose a runtime for each chat request: order, fallback, latency budgets, privacy, circuit
         * breakers and prices. Defaults to {@link Routing#inOrder()}: the first configured runtime answers, and
         * {@link Sensitivity#PRIVATE} requests never go to a third party.
         */
        public Builder routing(Routing routing) {
            this.routing = Objects.requireNonNull(routing, "routing");
            return this;
        }

        public InferenceClient build() {
            if (runtimes.isEmpty()) {
                throw new ConfigurationException(
                        "No runtime configured: add one with .runtime(...), for example .runtime(Gguf.model(Path.of(\"model.gguf\")))");
            }
            List<InferenceRuntime> opened = new ArrayList<>();
            Router router;
            try {
                boolean mayRouteAround = runtimes.size() > 1 && routing.fallbacks().contains(Fallback.UNAVAILABLE);
                for (Object runtime : runtimes) {
                    opened.add(runtime instanceof RuntimeSpec spec ? open(spec, mayRouteAround) : (InferenceRuntime) runtime);
                }
                router = new Router(routing, opened); // checks the rules against the runtimes' names and localities
            } catch (RuntimeException e) {
                // Close what was opened, and every runtime handed over, even those after the one that failed:
                // the builder took ownership of them and no client will close them.
                for (Object runtime : runtimes) {
                    if (runtime instanceof InferenceRuntime handedOver && !opened.contains(handedOver)) {
                        opened.add(handedOver);
                    }
                }
                for (InferenceRuntime runtime : opened) {
                    try {
                        runtime.close();
                    } catch (RuntimeException closeFailure) {
                        e.addSuppressed(closeFailure);
                    }
                }
                throw e;
            }
            return new InferenceClient(this, opened, router);
        }

        /**
         * Opens a spec. When routing may fall back from an unavailable runtime and another runtime is configured, a
         * runtime that cannot open for want of its model (missing, unreadable or unsupported file) or a failure of
         * its own becomes an unavailable route instead of failing the build; wrong settings always fail it.
         */
        private static InferenceRuntime open(RuntimeSpec spec, boolean mayRouteAround) {
            try {
                return open(spec);
            } catch (ModelLoadException | RuntimeFailureException e) {
                if (!mayRouteAround) {
                    throw e;
                }
                LOG.warn("Runtime '{}' could not be opened ({}); it stays an unavailable route and requests fall back "
                        + "as the routing allows", spec.provider(), e.getMessage());
                return new UnopenedRuntime(spec.provider(), e);
            }
        }

        private static InferenceRuntime open(RuntimeSpec spec) {
            List<RuntimeProvider> providers = ServiceLoader.load(RuntimeProvider.class).stream()
                    .map(ServiceLoader.Provider::get).toList();
            return providers.stream()
                    .filter(provider -> provider.name().equals(spec.provider()))
                    .findFirst()
                    .orElseThrow(() -> new ConfigurationException("No runtime provider named '" + spec.provider()
                            + "' is on the classpath (found: " + providers.stream().map(RuntimeProvider::name)
                            .collect(Collectors.joining(", ", "[", "]"))
                            + "); add the module that provides it, e.g. dev.hearth:hearth-runtime-local for 'gguf'."))
                    .open(spec);
        }
    }
}
