package dev.hearth.api;

import dev.hearth.api.spi.RuntimeInfo;

import java.time.Duration;

/** One runtime's running totals for {@link CostReport}: usage and time of the answers it served, and its failures. */
final class RuntimeAccount {
    private final RuntimeInfo info;
    private final Price price;
    private long requests;
    private long failures;
    private long promptTokens;
    private long cachedPromptTokens;
    private long completionTokens;
    private long timeToFirstTokenNanos;
    private long decodeNanos;
    private long decodeTokens;
    private long busyNanos;
    private double cost;

    RuntimeAccount(RuntimeInfo info, Price price) {
        this.info = info;
        this.price = price;
    }

    synchronized void served(Usage usage, Timings timings) {
        requests++;
        promptTokens += usage.promptTokens();
        cachedPromptTokens += usage.cachedPromptTokens();
        completionTokens += usage.completionTokens();
        timeToFirstTokenNanos += timings.timeToFirstToken().toNanos();
        decodeNanos += timings.decode().toNanos();
        decodeTokens += timings.decodeTokens();
        busyNanos += timings.total().toNanos();
        cost += price.cost(usage.promptTokens(), usage.cachedPromptTokens(), usage.completionTokens(),
                timings.total().toNanos() / 1e9);
    }

    synchronized void failed() {
        failures++;
    }

    /** The tokens this runtime served: {prompt, cached, completion, requests}. */
    synchronized long[] volume() {
        return new long[] {promptTokens, cachedPromptTokens, completionTokens, requests};
    }

    /** This runtime's row, pricing the whole workload ({prompt, cached, completion, requests}) here too. */
    synchronized CostReport.Row row(long[] workload) {
        double workloadCost = 0;
        long tokens = promptTokens + completionTokens;
        if (requests > 0) {
            long workloadTokens = workload[0] + workload[2];
            double busySeconds = tokens == 0 ? busyNanos / 1e9 * workload[3] / requests
                    : busyNanos / 1e9 * workloadTokens / tokens;
            workloadCost = price.cost(workload[0], workload[1], workload[2], busySeconds);
        }
        return new CostReport.Row(info.name(), info.locality(), requests, failures, promptTokens, cachedPromptTokens,
                completionTokens, mean(timeToFirstTokenNanos), decodeNanos == 0 ? 0 : decodeTokens * 1e9 / decodeNanos,
                mean(busyNanos), Duration.ofNanos(busyNanos), price, cost, workloadCost);
    }

    private Duration mean(long totalNanos) {
        return requests == 0 ? Duration.ZERO : Duration.ofNanos(totalNanos / requests);
    }
}
