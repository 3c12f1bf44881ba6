package dev.hearth.examples.agent;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Draws time to first token per step with the prefix cache on and off, side by side, as a PNG. Only steps present in
 * both runs (by label) are drawn, in the order of the cache-on run.
 */
public final class TtftChart {
    private TtftChart() {
    }

    public static void write(String title, List<LabeledStep> cacheOn, List<LabeledStep> cacheOff, Path png) {
        // no display on a server: AWT must be headless before XChart touches it
        System.setProperty("java.awt.headless", "true");
        Map<String, LabeledStep> off = cacheOff.stream()
                .collect(Collectors.toMap(LabeledStep::label, Function.identity(), (a, b) -> a));
        List<LabeledStep> on = cacheOn.stream().filter(step -> off.containsKey(step.label())).toList();
        if (on.isEmpty()) {
            throw new IllegalArgumentException("no step is in both runs; nothing to compare");
        }
        CategoryChart chart = new CategoryChartBuilder().width(900).height(500).title(title)
                .xAxisTitle("step").yAxisTitle("time to first token (ms)").build();
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setXAxisLabelRotation(45);
        List<String> labels = on.stream().map(LabeledStep::label).toList();
        chart.addSeries("prefix cache on", labels, on.stream().map(step -> milliseconds(step.step())).toList());
        chart.addSeries("prefix cache off", labels,
                on.stream().map(step -> milliseconds(off.get(step.label()).step())).toList());
        try {
            BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the chart to " + png + ": " + e.getMessage(), e);
        }
    }

    private static Double milliseconds(AgentStep step) {
        return step.timeToFirstToken().toNanos() / 1e6;
    }
}
