package dev.hearth.api;

import java.util.Objects;

/**
 * One runtime the router considered for a request and did not answer with: why it was skipped without being sent
 * anything, or how it failed.
 *
 * @param runtime the runtime's name
 * @param outcome whether it was skipped (nothing sent) or tried and failed
 * @param trigger the kind of reason, as the fallback rules name it
 * @param detail  a human-readable reason; never prompt text
 */
public record RouteAttempt(String runtime, Outcome outcome, Fallback trigger, String detail) {

    /** What happened to the runtime. */
    public enum Outcome {
        /** Not sent anything: a privacy rule, an open circuit breaker or a missing model ruled it out. */
        SKIPPED,
        /** Sent the request and failed before the answer reached the caller. */
        FAILED
    }

    public RouteAttempt {
        Objects.requireNonNull(runtime, "runtime");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(trigger, "trigger");
        Objects.requireNonNull(detail, "detail");
    }

    @Override
    public String toString() {
        return runtime + " " + outcome.name().toLowerCase(java.util.Locale.ROOT) + " (" + trigger.key() + ": " + detail + ")";
    }
}
