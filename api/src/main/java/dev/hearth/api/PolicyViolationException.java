package dev.hearth.api;

import java.util.List;

/**
 * A privacy rule forbids every runtime that could serve the request, so it was refused before any byte was sent.
 * {@link #rule()} names the rule (e.g. {@code privacy.PRIVATE}); {@link #refused()} lists the runtimes it ruled out.
 */
public class PolicyViolationException extends HearthException {
    private static final long serialVersionUID = 1L;

    private final String rule;
    private final Sensitivity sensitivity;
    private final List<String> refused;

    public PolicyViolationException(String rule, Sensitivity sensitivity, List<String> refused, String explanation) {
        this("Refused by rule " + rule + ": a " + sensitivity + " request " + explanation + " (refused: " + refused
                + "). Nothing was sent.", rule, sensitivity, refused, null);
    }

    /** For subtypes that say more (e.g. a failure the rule kept from falling back). */
    protected PolicyViolationException(String message, String rule, Sensitivity sensitivity, List<String> refused,
                                       Throwable cause) {
        super(message, cause);
        this.rule = rule;
        this.sensitivity = sensitivity;
        this.refused = List.copyOf(refused);
    }

    public String rule() {
        return rule;
    }

    public Sensitivity sensitivity() {
        return sensitivity;
    }

    public List<String> refused() {
        return refused;
    }
}
