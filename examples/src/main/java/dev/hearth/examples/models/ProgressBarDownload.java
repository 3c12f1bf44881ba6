package dev.hearth.examples.models;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.text.DecimalFormat;
import java.time.Duration;
import java.time.temporal.ChronoUnit;

/**
 * A terminal progress bar on standard error, in MiB with the rate and the time left. A resumed download starts the
 * bar at the bytes already there, and the rate counts only what this run transferred.
 */
final class ProgressBarDownload implements DownloadProgress {
    private ProgressBar bar;

    @Override
    public void start(String name, long resumedFrom, long total) {
        ProgressBarBuilder builder = new ProgressBarBuilder()
                .setTaskName((resumedFrom > 0 ? "Resuming " : "Fetching ") + name)
                .setStyle(ProgressBarStyle.ASCII)
                .setUnit(" MiB", 1 << 20)
                .showSpeed(new DecimalFormat("0.0"))
                .setSpeedUnit(ChronoUnit.SECONDS)
                .setInitialMax(total)
                .startsFrom(resumedFrom, Duration.ZERO)
                .continuousUpdate();
        bar = builder.build();
    }

    @Override
    public void advance(long bytesSoFar) {
        bar.stepTo(bytesSoFar);
    }

    @Override
    public void finish() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
