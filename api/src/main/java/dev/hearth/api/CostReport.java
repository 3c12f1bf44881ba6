package dev.hearth.api;

import dev.hearth.api.spi.Locality;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What each runtime of a client has served so far, how fast, and what it cost, with what the whole workload would have
 * cost on each: the numbers to compare before moving work between local and cloud. From
 * {@link InferenceClient#costReport()}; {@link #toMarkdown()} prints it as a table.
 *
 * <p>Cost is {@link Price#cost}: tokens times the runtime's price per million, plus the time it spent answering times
 * its price per hour. {@code workloadCost} prices every answer the client served (on any runtime) at this runtime's
 * prices, scaling its measured time per token to the workload's tokens; it is 0 for a runtime that served nothing.
 */
public record CostReport(List<Row> rows) {

    /**
     * One runtime's account.
     *
     * @param meanTimeToFirstToken  over served requests
     * @param decodeTokensPerSecond completion tokens after the first over the time spent producing them, all requests
     * @param meanLatency           mean total time of a served request
     * @param busy                  total time spent answering (served requests)
     * @param cost                  what the served requests cost
     * @param workloadCost          what every request the client served would have cost here
     */
    public record Row(String runtime, Locality locality, long requests, long failures, long promptTokens,
                      long cachedPromptTokens, long completionTokens, Duration meanTimeToFirstToken,
                      double decodeTokensPerSecond, Duration meanLatency, Duration busy, Price price, double cost,
                      double workloadCost) {
        public Row {
            Objects.requireNonNull(runtime, "runtime");
            Objects.requireNonNull(locality, "locality");
            Objects.requireNonNull(meanTimeToFirstToken, "meanTimeToFirstToken");
            Objects.requireNonNull(meanLatency, "meanLatency");
            Objects.requireNonNull(busy, "busy");
            Objects.requireNonNull(price, "price");
        }

        /** Mean cost of one served request (0 when none was served). */
        public double costPerRequest() {
            return requests == 0 ? 0 : cost / requests;
        }
    }

    public CostReport {
        rows = List.copyOf(rows);
    }

    /** The row of runtime {@code name}. */
    public Row row(String name) {
        return rows.stream().filter(row -> row.runtime().equals(name)).findFirst()
                .orElseThrow(() -> new InvalidRequestException("No runtime named '" + name + "' in this report; runtimes: "
                        + rows.stream().map(Row::runtime).toList()));
    }

    /** A Markdown table, one line per runtime. */
    public String toMarkdown() {
        StringBuilder table = new StringBuilder("| runtime | locality | requests | failed | prompt tokens | cached | completion tokens"
                + " | mean TTFT (ms) | decode (tok/s) | mean latency (ms) | cost | cost / request | whole workload here |\n"
                + "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (Row row : rows) {
            table.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %d | %d | %d | %.1f | %.1f | %.1f | %.6f | %.6f | %.6f |%n",
                    row.runtime(), row.locality(), row.requests(), row.failures(), row.promptTokens(),
                    row.cachedPromptTokens(), row.completionTokens(), row.meanTimeToFirstToken().toNanos() / 1e6,
                    row.decodeTokensPerSecond(), row.meanLatency().toNanos() / 1e6, row.cost(), row.costPerRequest(),
                    row.workloadCost()));
        }
        return table.toString();
    }

    @Override
    public String toString() {
        return toMarkdown();
    }
}
