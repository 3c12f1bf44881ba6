package dev.hearth.examples.perf;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Draws tokens per second against context depth, one line per case kind, size and thread count, as a PNG. */
final class DepthChart {
    private DepthChart() {}

    static void write(List<BenchResult> results, Path png) {
        write(results, List.of(), png);
    }

    /** {@link #write(List, Path)} with llama.cpp's interleaved rates as dashed lines of their own. */
    static void write(List<BenchResult> results, List<LlamaCppResult> llamaCpp, Path png) {
        // no display on a server: AWT must be headless before XChart touches it
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(900).height(560)
                .title("Tokens per second vs context depth" + (results.isEmpty() ? "" : " — " + results.getFirst().model()))
                .xAxisTitle("context depth (tokens)").yAxisTitle("tokens / s").build();
        chart.getStyler().setYAxisMin(0.0);
        Map<String, List<BenchResult>> series = new LinkedHashMap<>();
        for (BenchResult result : results) {
            String name = result.kind() + result.tokens() + ", " + result.threads() + " thread"
                    + (result.threads() == 1 ? "" : "s");
            series.computeIfAbsent(name, key -> new ArrayList<>()).add(result);
        }
        for (Map.Entry<String, List<BenchResult>> entry : series.entrySet()) {
            List<BenchResult> points = entry.getValue().stream()
                    .sorted(java.util.Comparator.comparingInt(BenchResult::depth)).toList();
            double[] depths = points.stream().mapToDouble(BenchResult::depth).toArray();
            double[] rates = points.stream().mapToDouble(BenchResult::meanTokensPerSecond).toArray();
            double[] errors = points.stream().mapToDouble(BenchResult::stddevTokensPerSecond).toArray();
            chart.addSeries(entry.getKey(), depths, rates, errors).setMarker(SeriesMarkers.CIRCLE);
        }
        Map<String, List<LlamaCppResult>> reference = new LinkedHashMap<>();
        for (LlamaCppResult result : llamaCpp) {
            String name = "llama.cpp " + result.kind() + result.tokens() + ", " + result.threads() + " thread"
                    + (result.threads() == 1 ? "" : "s");
            reference.computeIfAbsent(name, key -> new ArrayList<>()).add(result);
        }
        for (Map.Entry<String, List<LlamaCppResult>> entry : reference.entrySet()) {
            List<LlamaCppResult> points = entry.getValue().stream()
                    .sorted(java.util.Comparator.comparingInt(LlamaCppResult::depth)).toList();
            double[] depths = points.stream().mapToDouble(LlamaCppResult::depth).toArray();
            double[] rates = points.stream().mapToDouble(LlamaCppResult::meanTokensPerSecond).toArray();
            double[] errors = points.stream().mapToDouble(LlamaCppResult::stddevTokensPerSecond).toArray();
            chart.addSeries(entry.getKey(), depths, rates, errors).setMarker(SeriesMarkers.DIAMOND)
                    .setLineStyle(org.knowm.xchart.style.lines.SeriesLines.DASH_DASH);
        }
        try {
            BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the chart to " + png + ": " + e.getMessage(), e);
        }
    }
}
