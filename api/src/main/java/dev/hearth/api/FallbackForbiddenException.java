package dev.hearth.api;

import java.util.List;

/**
 * The runtimes a request was allowed to use failed, and a privacy rule kept it from the others that the fallback
 * policy would have tried: policy, not bad luck, ended it. {@link #getCause()} is the last allowed runtime's failure;
 * {@link #rule()} names the rule and {@link #refused()} the runtimes it ruled out, to which nothing was sent.
 */
public final class FallbackForbiddenException extends PolicyViolationException {
    private static final long serialVersionUID = 1L;

    public FallbackForbiddenException(String rule, Sensitivity sensitivity, List<String> refused, String explanation,
                                      RuntimeException failure) {
        super("The " + sensitivity + " request failed on every runtime it may use (" + failure.getMessage()
                + "), and rule " + rule + " forbids falling back to " + refused + ": " + sensitivity + " data "
                + explanation + ". Nothing was sent to them.", rule, sensitivity, refused, failure);
    }
}
