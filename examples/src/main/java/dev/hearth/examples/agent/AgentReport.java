package dev.hearth.examples.agent;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The Markdown report of an agent task run twice, with the prefix cache on and off: one table row per step with who
 * served it, its tokens (prompt, cached, completion), time to first token and decode speed in both runs, then the
 * totals. Steps are matched by label; a step only one run made shows dashes for the other.
 */
public final class AgentReport {
    private AgentReport() {
    }

    public static String markdown(String title, String setup, List<LabeledStep> cacheOn, List<LabeledStep> cacheOff,
                                  List<String> notes) {
        Map<String, LabeledStep> off = cacheOff.stream()
                .collect(Collectors.toMap(LabeledStep::label, Function.identity(), (a, b) -> a));
        StringBuilder md = new StringBuilder();
        md.append("# ").append(title).append("\n\n").append(setup).append("\n\n");
        md.append("| step | route | prompt tok | cached (on) | completion tok | TTFT on (ms) | TTFT off (ms) | tok/s on | tools |\n");
        md.append("|---|---|---:|---:|---:|---:|---:|---:|---|\n");
        for (LabeledStep labeled : cacheOn) {
            AgentStep step = labeled.step();
            LabeledStep other = off.get(labeled.label());
            md.append(String.format(Locale.ROOT, "| %s | %s%s | %d | %d | %d | %.1f | %s | %.0f | %s |%n",
                    labeled.label(), step.route(), step.sensitivity() == dev.hearth.api.Sensitivity.PRIVATE ? " (private)" : "",
                    step.promptTokens(), step.cachedTokens(), step.completionTokens(), millis(step),
                    other == null ? "–" : String.format(Locale.ROOT, "%.1f", millis(other.step())),
                    step.tokensPerSecond(), tools(step)));
        }
        md.append('\n').append(totals("cache on", cacheOn)).append('\n').append(totals("cache off", cacheOff)).append("\n\n");
        for (String note : notes) {
            md.append("- ").append(note).append('\n');
        }
        return md.toString();
    }

    static String totals(String name, List<LabeledStep> steps) {
        int prompt = steps.stream().mapToInt(s -> s.step().promptTokens()).sum();
        int cached = steps.stream().mapToInt(s -> s.step().cachedTokens()).sum();
        double ttft = steps.stream().mapToDouble(s -> millis(s.step())).sum();
        return String.format(Locale.ROOT, "%s: %d steps, %d prompt tokens of which %d cached (%.0f%%), TTFT summed %.1f ms",
                name, steps.size(), prompt, cached, prompt == 0 ? 0 : 100.0 * cached / prompt, ttft) + "  ";
    }

    private static String tools(AgentStep step) {
        if (step.tools().isEmpty() && step.malformed().isEmpty()) {
            return "answer";
        }
        return step.tools().stream()
                .map(outcome -> "`" + outcome.call().name() + "`" + (outcome.result().error() ? " (error)" : "")
                        + (outcome.result().isPrivate() ? " (private)" : ""))
                .collect(Collectors.joining(", "))
                + (step.malformed().isEmpty() ? "" : " + " + step.malformed().size() + " malformed");
    }

    private static double millis(AgentStep step) {
        return step.timeToFirstToken().toNanos() / 1e6;
    }
}
