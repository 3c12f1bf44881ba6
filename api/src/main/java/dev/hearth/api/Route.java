package dev.hearth.api;

import java.util.Objects;

/** Which runtime served an answer, with which model, and why that runtime was chosen. */
public record Route(String runtime, String model, String reason) {
    public Route {
        Objects.requireNonNull(runtime, "runtime");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(reason, "reason");
    }
}
