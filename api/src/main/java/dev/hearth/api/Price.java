package dev.hearth.api;

/**
 * What a runtime costs: per million tokens for a provider that bills by token, or per hour of the machine for a
 * runtime you run yourself (charged for the time it spends answering). Amounts are in one currency of your choice.
 *
 * @param inputPerMillion       per million prompt tokens computed by the provider
 * @param cachedInputPerMillion per million prompt tokens read from the provider's cache
 * @param outputPerMillion      per million completion tokens
 * @param perHour               per hour spent answering
 */
public record Price(double inputPerMillion, double cachedInputPerMillion, double outputPerMillion, double perHour) {
    /** A runtime that costs nothing to run (or whose cost you do not track). */
    public static final Price FREE = new Price(0, 0, 0, 0);

    public Price {
        check("inputPerMillion", inputPerMillion);
        check("cachedInputPerMillion", cachedInputPerMillion);
        check("outputPerMillion", outputPerMillion);
        check("perHour", perHour);
    }

    /** Token prices; cached prompt tokens cost as much as the others. */
    public static Price perMillionTokens(double input, double output) {
        return new Price(input, input, output, 0);
    }

    /** Token prices with a discount for cached prompt tokens. */
    public static Price perMillionTokens(double input, double cachedInput, double output) {
        return new Price(input, cachedInput, output, 0);
    }

    /** The cost of the machine per hour, charged for the time spent answering. */
    public static Price perHour(double perHour) {
        return new Price(0, 0, 0, perHour);
    }

    /** The cost of one answer with this usage that kept the runtime busy for {@code busySeconds}. */
    public double cost(long promptTokens, long cachedPromptTokens, long completionTokens, double busySeconds) {
        return ((promptTokens - cachedPromptTokens) * inputPerMillion + cachedPromptTokens * cachedInputPerMillion
                + completionTokens * outputPerMillion) / 1e6 + busySeconds * perHour / 3600;
    }

    private static void check(String what, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new ConfigurationException(what + " must be a finite amount >= 0, was " + value);
        }
    }
}
