package dev.hearth.examples.models;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code hearth models}: the local model cache, listed, pruned and measured. */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = "Lists the models in the local cache with their size and sha256, and the disk they use.",
        subcommands = {ModelsCommand.Remove.class, ModelsCommand.DiskUsed.class})
public final class ModelsCommand implements Callable<Integer> {
    @Option(names = "--cache-dir", paramLabel = "DIR", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "the model cache (default: $HEARTH_CACHE or ~/.cache/hearth/models)")
    Path cacheDirectory;

    ModelCatalogue catalogue() {
        return new ModelCatalogue(cacheDirectory != null ? cacheDirectory : PullCommand.cacheDirectory(System.getenv()));
    }

    @Override
    public Integer call() {
        ModelCatalogue catalogue = catalogue();
        List<ModelCatalogue.Entry> entries = catalogue.list();
        if (entries.isEmpty()) {
            System.out.println("No models in " + catalogue.root() + " (hearth pull fetches one).");
            return 0;
        }
        int width = entries.stream().mapToInt(e -> e.name().length()).max().orElse(4);
        for (ModelCatalogue.Entry entry : entries) {
            System.out.printf(Locale.ROOT, "%-" + width + "s  %10s  %s%n", entry.name(), size(entry.size()),
                    entry.partial() ? "partial download (pull again to resume)" : entry.sha256().map(s -> "sha256 " + s).orElse(""));
        }
        System.out.printf(Locale.ROOT, "%d file%s, %s on disk in %s%n", entries.size(), entries.size() == 1 ? "" : "s",
                size(catalogue.diskUsed()), catalogue.root());
        return 0;
    }

    static String size(long bytes) {
        if (bytes < 1 << 20) {
            return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        }
        if (bytes < 1L << 30) {
            return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1 << 20));
        }
        return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
    }

    @Command(name = "remove", aliases = "rm", mixinStandardHelpOptions = true,
            description = "Deletes models from the cache, named as `hearth models` lists them (with or without hf://).")
    static final class Remove implements Callable<Integer> {
        @picocli.CommandLine.ParentCommand
        ModelsCommand parent;

        @Parameters(paramLabel = "NAME", arity = "1..*")
        List<String> names;

        @Override
        public Integer call() {
            ModelCatalogue catalogue = parent.catalogue();
            for (String name : names) {
                long freed = catalogue.remove(name);
                System.out.println("removed " + name + " (" + size(freed) + ")");
            }
            return 0;
        }
    }

    @Command(name = "disk", aliases = "du", mixinStandardHelpOptions = true, description = "Prints the bytes the cache uses.")
    static final class DiskUsed implements Callable<Integer> {
        @picocli.CommandLine.ParentCommand
        ModelsCommand parent;

        @Override
        public Integer call() {
            ModelCatalogue catalogue = parent.catalogue();
            System.out.println(catalogue.diskUsed() + "\t" + catalogue.root());
            return 0;
        }
    }
}
