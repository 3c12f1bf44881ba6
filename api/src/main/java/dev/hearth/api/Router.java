package dev.hearth.api;

import dev.hearth.api.spi.CancellationSignal;
import dev.hearth.api.spi.InferenceRuntime;
import dev.hearth.api.spi.Locality;
import dev.hearth.api.spi.RuntimeInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Chooses the runtime for each chat request by the client's {@link Routing}: privacy first (checked before anything is
 * sent), then the requested model and the policy's order, then circuit breakers; falls back on the configured triggers
 * while no token has reached the caller; records each answer's route, one audit line per decision (logger
 * {@code dev.hearth.audit}, never prompt text), and each runtime's usage, timings and cost.
 */
final class Router implements AutoCloseable {
    private static final Logger AUDIT = LoggerFactory.getLogger("dev.hearth.audit");
    private static final Logger LOG = LoggerFactory.getLogger(Router.class);

    /** What the client does around each attempt: tell listeners, report cache statistics. */
    interface Observer {
        void attemptStarted(RuntimeInfo runtime);

        void attemptEnded(InferenceRuntime runtime);

        /** Whether this exception came from the caller's own token consumer (never a runtime's fault). */
        boolean callerFault(RuntimeException failure);
    }

    /** A configured chat runtime with its breaker and account. */
    private record Candidate(InferenceRuntime runtime, RuntimeInfo info, int position, CircuitBreaker breaker,
                             RuntimeAccount account) {
    }

    /** One step of a plan: a runtime to try, or one ruled out before anything is sent. */
    private sealed interface Step permits Try, Skip {
    }

    private record Try(Candidate candidate) implements Step {
    }

    private record Skip(RouteAttempt attempt) implements Step {
    }

    /** The runtimes a request may go to, in order, decided before anything is sent. */
    record Plan(String id, ChatRequest request, List<Step> steps) {
    }

    private final Routing routing;
    private final Set<Fallback> fallbacks;
    private final List<Candidate> chat;
    private final List<Candidate> all;
    private final Duration timeToFirstTokenBudget;
    private final Duration totalLatencyBudget;
    /** The router's own timer thread, when it has budgets and none was injected; closed with the router. */
    private final ScheduledExecutorService ownTimer;
    private final BudgetTimer timer;
    private final AtomicLong requests = new AtomicLong();

    Router(Routing specification, List<InferenceRuntime> runtimes) {
        this.routing = specification.copy();
        this.fallbacks = this.routing.fallbacks();
        this.timeToFirstTokenBudget = this.routing.timeToFirstTokenBudget();
        this.totalLatencyBudget = this.routing.totalLatencyBudget();
        Routing routing = this.routing;
        Map<String, Price> prices = new LinkedHashMap<>(routing.prices());
        List<Candidate> candidates = new ArrayList<>();
        for (int i = 0; i < runtimes.size(); i++) {
            InferenceRuntime runtime = runtimes.get(i);
            RuntimeInfo info = runtime.info();
            candidates.add(new Candidate(runtime, info, i,
                    new CircuitBreaker(routing.breakerFailures(), routing.breakerOpenFor(), routing.clock()),
                    new RuntimeAccount(info, prices.getOrDefault(info.name(), Price.FREE))));
        }
        this.all = List.copyOf(candidates);
        this.chat = candidates.stream().filter(candidate -> candidate.runtime().supportsChat()).toList();
        List<String> names = all.stream().map(candidate -> candidate.info().name()).toList();
        if (routing.order() == Routing.Order.PINNED && chat.stream().noneMatch(c -> c.info().name().equals(routing.pinnedRuntime()))) {
            throw new ConfigurationException("Routing is pinned to '" + routing.pinnedRuntime()
                    + "' but no configured chat runtime has that name; runtimes: " + names);
        }
        for (String peer : routing.trustedPeers()) {
            Candidate trusted = all.stream().filter(c -> c.info().name().equals(peer)).findFirst()
                    .orElseThrow(() -> new ConfigurationException("Routing trusts peer '" + peer
                            + "' but no configured runtime has that name; runtimes: " + names));
            if (trusted.info().locality() == Locality.THIRD_PARTY) {
                throw new ConfigurationException("Routing trusts '" + peer + "' with private data, but it sends data to a"
                        + " third party (" + trusted.info().locality() + "); only TRUSTED_PEER runtimes can be trusted");
            }
        }
        for (String priced : prices.keySet()) {
            if (!names.contains(priced)) {
                throw new ConfigurationException("Routing prices runtime '" + priced
                        + "' but no configured runtime has that name; runtimes: " + names);
            }
        }
        boolean budgets = timeToFirstTokenBudget != null || totalLatencyBudget != null;
        this.ownTimer = budgets && routing.budgetTimer() == null ? Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("hearth-routing-budgets").factory()) : null;
        this.timer = routing.budgetTimer() != null ? routing.budgetTimer() : ownTimer == null ? null
                : (budget, expiry) -> {
                    ScheduledFuture<?> scheduled = ownTimer.schedule(expiry, budget.toNanos(), TimeUnit.NANOSECONDS);
                    return () -> scheduled.cancel(false);
                };
    }

    // ---- planning: nothing is sent ---------------------------------------------------------------------------------

    /**
     * Orders the runtimes this request may go to and rules out the others.
     *
     * @throws PolicyViolationException when a privacy rule rules out every runtime that could serve it
     * @throws InvalidRequestException   when no runtime answers chat, or none serves the requested model
     */
    Plan plan(ChatRequest request) {
        String id = "r" + requests.incrementAndGet();
        if (chat.isEmpty()) {
            throw new InvalidRequestException("No configured runtime answers chat requests (they only compute embeddings: "
                    + all.stream().map(c -> c.info().name()).toList() + "); add one that generates text.");
        }
        List<Candidate> ordered = new ArrayList<>(chat);
        switch (routing.order()) {
            case IN_ORDER -> { }
            case LOCAL_FIRST -> ordered.sort(Comparator.comparingInt(c -> c.info().locality().ordinal()));
            case CLOUD_FIRST -> ordered.sort(Comparator.comparingInt(c -> -c.info().locality().ordinal()));
            case PINNED -> ordered.removeIf(c -> !c.info().name().equals(routing.pinnedRuntime()));
        }
        List<Step> steps = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        boolean servesModel = false;
        for (Candidate candidate : ordered) {
            if (request.model().isPresent() && !candidate.info().models().contains(request.model().get())) {
                steps.add(new Skip(new RouteAttempt(candidate.info().name(), RouteAttempt.Outcome.SKIPPED,
                        Fallback.MODEL_MISSING, "does not serve model " + request.model().get())));
                continue;
            }
            servesModel = true;
            String forbidden = forbidden(request.sensitivity(), candidate.info());
            if (forbidden != null) {
                refused.add(candidate.info().name());
                steps.add(new Skip(new RouteAttempt(candidate.info().name(), RouteAttempt.Outcome.SKIPPED, Fallback.POLICY,
                        forbidden)));
                continue;
            }
            steps.add(new Try(candidate));
        }
        if (!servesModel) {
            String model = request.model().orElseThrow();
            AUDIT.info("request={} decision=refused reason=model-missing model={} policy={}", id, model, routing.policyName());
            throw new InvalidRequestException("No configured runtime answers chat requests with model '" + model
                    + "'" + (routing.order() == Routing.Order.PINNED ? " on the pinned runtime " + routing.pinnedRuntime() : "")
                    + "; available: " + ordered.stream().flatMap(c -> c.info().models().stream()).toList());
        }
        if (steps.stream().noneMatch(Try.class::isInstance)) {
            String rule = "privacy." + request.sensitivity();
            AUDIT.info("request={} sensitivity={} policy={} decision=refused rule={} refused={}", id,
                    request.sensitivity(), routing.policyName(), rule, refused);
            throw new PolicyViolationException(rule, request.sensitivity(), refused, allowedPlaces(request.sensitivity()));
        }
        return new Plan(id, request, List.copyOf(steps));
    }

    /** Why {@code sensitivity} may not go to {@code runtime}, or null when it may. */
    private String forbidden(Sensitivity sensitivity, RuntimeInfo runtime) {
        Locality locality = runtime.locality();
        boolean allowed = switch (sensitivity) {
            case PUBLIC -> true;
            case INTERNAL -> routing.internalAllowed().contains(locality);
            case PRIVATE -> locality == Locality.IN_PROCESS
                    || locality == Locality.TRUSTED_PEER && routing.trustedPeers().contains(runtime.name());
        };
        return allowed ? null : "rule privacy." + sensitivity + ": " + sensitivity + " data " + allowedPlaces(sensitivity)
                + "; " + runtime.name() + " is " + locality
                + (sensitivity == Sensitivity.PRIVATE && locality == Locality.TRUSTED_PEER ? " and not trusted" : "");
    }

    private String allowedPlaces(Sensitivity sensitivity) {
        return switch (sensitivity) {
            case PUBLIC -> "may go anywhere";
            case INTERNAL -> "may only go to " + routing.internalAllowed();
            case PRIVATE -> "may only go to IN_PROCESS runtimes and trusted peers " + routing.trustedPeers();
        };
    }

    // ---- execution ---------------------------------------------------------------------------------------------

    /** Tries the plan's runtimes in order until one answers, falling back only before the answer reaches the caller. */
    ChatResponse execute(Plan plan, Consumer<TokenEvent> tokens, CancellationSignal cancellation, Observer observer) {
        ChatRequest request = plan.request();
        List<RouteAttempt> attempts = new ArrayList<>();
        List<RuntimeException> failures = new ArrayList<>();
        int tried = 0;
        for (int index = 0; index < plan.steps().size(); index++) {
            Step step = plan.steps().get(index);
            if (step instanceof Skip skip) {
                attempts.add(skip.attempt());
                continue;
            }
            Candidate candidate = ((Try) step).candidate();
            String name = candidate.info().name();
            if (!candidate.breaker().tryAcquire()) {
                attempts.add(new RouteAttempt(name, RouteAttempt.Outcome.SKIPPED, Fallback.UNAVAILABLE,
                        "circuit breaker open until " + candidate.breaker().retryAt()));
                continue;
            }
            tried++;
            StreamGate gate = new StreamGate(tokens);
            AttemptSignal signal = new AttemptSignal(cancellation);
            List<BudgetTimer.Handle> budgets = startBudgets(gate, signal);
            observer.attemptStarted(candidate.info());
            RuntimeException failure;
            try {
                ChatResponse response = candidate.runtime().generate(request, gate, signal);
                cancelAll(budgets);
                String abandoned = gate.abandonedBecause();
                if (abandoned == null) {
                    candidate.breaker().success();
                    candidate.account().served(response.usage(), response.timings());
                    ChatResponse routed = response.withRoute(new Route(name, response.route().model(),
                            reason(plan, candidate, attempts), attempts));
                    audit(plan, "served", name, attempts, routed);
                    return routed;
                }
                failure = gate.started()
                        ? new RequestTimeoutException("Runtime " + name + " " + abandoned + " after the answer had begun"
                                + " to stream; not resent to another runtime", null)
                        : new RequestTimeoutException("Runtime " + name + " " + abandoned, null);
            } catch (RuntimeException thrown) {
                cancelAll(budgets);
                if (observer.callerFault(thrown)) {
                    candidate.breaker().neutral();
                    audit(plan, "failed", name, attempts, null);
                    throw thrown;
                }
                failure = thrown instanceof HearthException ? thrown
                        : new RuntimeFailureException("Runtime " + name + " failed unexpectedly: " + thrown, thrown);
            } finally {
                observer.attemptEnded(candidate.runtime());
            }
            Fallback trigger = classify(failure);
            boolean runtimeFault = trigger == Fallback.UNAVAILABLE || trigger == Fallback.TOO_SLOW || trigger == Fallback.ERROR;
            if (runtimeFault) {
                candidate.account().failed();
                if (candidate.breaker().failure()) {
                    LOG.warn("Circuit breaker of runtime {} opened after {} consecutive failures; skipping it until {}",
                            name, routing.breakerFailures(), candidate.breaker().retryAt());
                }
            } else {
                candidate.breaker().neutral();
            }
            attempts.add(new RouteAttempt(name, RouteAttempt.Outcome.FAILED, trigger == null ? Fallback.ERROR : trigger,
                    summary(failure)));
            failures.add(failure);
            boolean mayFallBack = trigger != null && fallbacks.contains(trigger) && !gate.started() && !signal.callerCancelled();
            if (!mayFallBack) {
                audit(plan, "failed", name, attempts, null);
                throw surface(failure, failures);
            }
            boolean anotherAllowed = plan.steps().subList(index + 1, plan.steps().size()).stream()
                    .anyMatch(Try.class::isInstance);
            List<String> forbidden = plan.steps().stream()
                    .flatMap(other -> other instanceof Skip(RouteAttempt skipped) && skipped.trigger() == Fallback.POLICY
                            ? java.util.stream.Stream.of(skipped.runtime()) : java.util.stream.Stream.empty())
                    .toList();
            if (!anotherAllowed && !forbidden.isEmpty()) {
                String rule = "privacy." + request.sensitivity();
                LOG.info("Runtime {} failed before answering ({}); rule {} forbids falling back to {}", name,
                        trigger.key(), rule, forbidden);
                audit(plan, "failed", name, attempts, null);
                throw new FallbackForbiddenException(rule, request.sensitivity(), forbidden,
                        allowedPlaces(request.sensitivity()), surface(failure, failures));
            }
            LOG.info("Runtime {} failed before answering ({}); trying the next runtime the {} policy allows", name,
                    trigger.key(), routing.policyName());
        }
        audit(plan, "failed", "-", attempts, null);
        if (tried == 1) {
            throw failures.getFirst();
        }
        throw new NoRouteException(attempts, failures.isEmpty() ? null : failures.getLast());
    }

    private static RuntimeException surface(RuntimeException last, List<RuntimeException> failures) {
        for (RuntimeException earlier : failures) {
            if (earlier != last) {
                last.addSuppressed(earlier);
            }
        }
        return last;
    }

    private List<BudgetTimer.Handle> startBudgets(StreamGate gate, AttemptSignal signal) {
        List<BudgetTimer.Handle> started = new ArrayList<>(2);
        if (timeToFirstTokenBudget != null) {
            started.add(timer.start(timeToFirstTokenBudget, () -> {
                if (gate.abandonBeforeStart("exceeded the time-to-first-token budget " + timeToFirstTokenBudget)) {
                    signal.abandon();
                }
            }));
        }
        if (totalLatencyBudget != null) {
            started.add(timer.start(totalLatencyBudget, () -> {
                gate.abandon("exceeded the total-latency budget " + totalLatencyBudget);
                signal.abandon();
            }));
        }
        return started;
    }

    private static void cancelAll(List<BudgetTimer.Handle> budgets) {
        budgets.forEach(BudgetTimer.Handle::cancel);
    }

    /** The kind of a runtime's failure; null for a failure of the request itself, which no other runtime would fix. */
    static Fallback classify(RuntimeException failure) {
        return switch (failure) {
            case ContextOverflowException ignored -> Fallback.CONTEXT_TOO_LONG;
            case ModelNotFoundException ignored -> Fallback.MODEL_MISSING;
            case RateLimitedException ignored -> Fallback.UNAVAILABLE;
            case RuntimeUnavailableException ignored -> Fallback.UNAVAILABLE;
            case RequestTimeoutException ignored -> Fallback.TOO_SLOW;
            case PolicyViolationException ignored -> null;
            case InvalidRequestException ignored -> null;
            case ProviderException provider -> switch (provider.statusCode()) {
                case 404 -> Fallback.MODEL_MISSING;
                case 408 -> Fallback.TOO_SLOW;
                case 502, 503, 504, 529 -> Fallback.UNAVAILABLE;
                case 400, 413, 422 -> null;
                default -> Fallback.ERROR;
            };
            default -> causedByIo(failure) ? Fallback.UNAVAILABLE : Fallback.ERROR;
        };
    }

    private static boolean causedByIo(Throwable failure) {
        for (Throwable cause = failure.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    private static String summary(RuntimeException failure) {
        String message = failure.getMessage();
        String text = failure.getClass().getSimpleName() + (message == null ? "" : ": " + message);
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }

    private String reason(Plan plan, Candidate served, List<RouteAttempt> attempts) {
        ChatRequest request = plan.request();
        long failed = attempts.stream().filter(a -> a.outcome() == RouteAttempt.Outcome.FAILED).count();
        String why;
        if (routing.order() == Routing.Order.PINNED) {
            why = "pinned to " + served.info().name();
        } else if (request.model().isPresent()) {
            why = "serves the requested model " + request.model().get();
        } else if (routing.order() == Routing.Order.IN_ORDER) {
            why = chat.size() == 1 ? "the only configured runtime"
                    : served.position() == chat.getFirst().position() ? "the first configured runtime"
                    : "the next configured runtime";
        } else {
            why = routing.policyName() + ": " + switch (served.info().locality()) {
                case IN_PROCESS -> "runs in this process";
                case TRUSTED_PEER -> "a peer";
                case THIRD_PARTY -> "a third-party provider";
            };
        }
        return failed == 0 ? why : why + ", after " + failed + (failed == 1 ? " runtime" : " runtimes") + " failed";
    }

    /** One line per decision; never prompt text. */
    private void audit(Plan plan, String decision, String runtime, List<RouteAttempt> attempts, ChatResponse response) {
        if (!AUDIT.isInfoEnabled()) {
            return;
        }
        ChatRequest request = plan.request();
        StringBuilder line = new StringBuilder("request=").append(plan.id())
                .append(" sensitivity=").append(request.sensitivity())
                .append(" policy=").append(routing.policyName())
                .append(" decision=").append(decision)
                .append(" runtime=").append(runtime);
        request.model().ifPresent(model -> line.append(" model=").append(model));
        if (response != null) {
            line.append(" promptTokens=").append(response.usage().promptTokens())
                    .append(" completionTokens=").append(response.usage().completionTokens())
                    .append(" ttftMs=").append(response.timings().timeToFirstToken().toMillis())
                    .append(" totalMs=").append(response.timings().total().toMillis());
        }
        line.append(" attempts=").append(attempts.stream()
                .map(a -> a.runtime() + ":" + a.outcome().name().toLowerCase(java.util.Locale.ROOT) + ":" + a.trigger().key())
                .toList());
        AUDIT.info(line.toString());
    }

    // ---- accounting --------------------------------------------------------------------------------------------

    CostReport costReport() {
        long[] workload = new long[4];
        for (Candidate candidate : chat) {
            long[] volume = candidate.account().volume();
            for (int i = 0; i < workload.length; i++) {
                workload[i] += volume[i];
            }
        }
        return new CostReport(chat.stream().map(candidate -> candidate.account().row(workload)).toList());
    }

    CircuitBreaker.State breakerState(String runtime) {
        return all.stream().filter(c -> c.info().name().equals(runtime)).findFirst()
                .orElseThrow(() -> new InvalidRequestException("No runtime named '" + runtime + "'"))
                .breaker().state();
    }

    @Override
    public void close() {
        if (ownTimer != null) {
            ownTimer.shutdownNow();
        }
    }
}
