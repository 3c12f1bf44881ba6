package dev.hearth.examples;

import dev.hearth.local.KnownModel;
import dev.hearth.local.ModelFetcher;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Resolves the examples' default model, stories260K: the copy in {@code shared/models} beside the project when there
 * is one (this is how development machines and CI have it), otherwise a copy fetched once into the user cache, with a
 * progress bar. Either way the file's sha256 is checked.
 */
public final class DefaultModel {
    private DefaultModel() {
    }

    /** The default model's file, fetched into the cache (with a progress bar) when it is nowhere on this machine. */
    public static Path resolve() {
        return resolve(ModelFetcher.defaultCacheDirectory());
    }

    /** {@link #resolve()} with the cache in {@code cacheDirectory}. */
    public static Path resolve(Path cacheDirectory) {
        KnownModel model = KnownModel.STORIES_260K;
        ModelFetcher fetcher = new ModelFetcher(cacheDirectory);
        ProgressBar[] bar = new ProgressBar[1];
        try {
            return fetcher.locate(model, candidates(model), (soFar, total) -> {
                if (bar[0] == null) {
                    bar[0] = new ProgressBarBuilder().setTaskName("Fetching " + model.fileName())
                            .setInitialMax(total).setStyle(ProgressBarStyle.ASCII).setUnit(" KiB", 1024)
                            .continuousUpdate().build();
                }
                bar[0].stepTo(soFar);
            });
        } finally {
            if (bar[0] != null) {
                bar[0].close();
            }
        }
    }

    /** The default model's file when a verified copy is already on this machine; never touches the network. */
    public static Optional<Path> onThisMachine(Path cacheDirectory) {
        KnownModel model = KnownModel.STORIES_260K;
        List<Path> candidates = candidates(model);
        candidates.add(cacheDirectory.resolve(model.fileName()));
        return candidates.stream().filter(Files::isRegularFile).filter(file -> ModelFetcher.matches(file, model)).findFirst();
    }

    private static List<Path> candidates(KnownModel model) {
        List<Path> candidates = new ArrayList<>();
        String sharedModels = System.getenv("HEARTH_SHARED_MODELS");
        if (sharedModels != null) {
            candidates.add(Path.of(sharedModels, "gguf", model.fileName()));
        }
        String home = System.getProperty("hearth.home");
        if (home != null) {
            candidates.add(Path.of(home).resolve("../shared/models/gguf").resolve(model.fileName()).normalize());
        }
        candidates.add(Path.of("..", "shared", "models", "gguf", model.fileName()).toAbsolutePath().normalize());
        return candidates;
    }
}
