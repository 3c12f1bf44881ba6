package dev.hearth.examples.models;

import dev.hearth.examples.DefaultModel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code hearth pull [REFERENCE]}: puts a model into the local cache and prints its path. */
@Command(name = "pull", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Fetches a model into the local cache and prints its path: the default model (stories260K) without"
                + " an argument, or a GGUF file from the Hugging Face hub.",
                "  hf://owner/repo/file.gguf      one file (hf://owner/repo@revision/dir/file.gguf for another revision)",
                "  owner/repo:Q4_K_M              the repository's GGUF file of that quant",
                "Downloads resume after an interruption and are checked against the repository's sha256.",
                "HF_TOKEN is sent to the hub (never to the CDN it redirects to); HF_ENDPOINT names another hub."})
public final class PullCommand implements Callable<Integer> {
    @Parameters(paramLabel = "REFERENCE", arity = "0..1", description = "hf://owner/repo/file.gguf or owner/repo:QUANT (default: the default model)")
    String reference;

    @Option(names = "--offline", description = "never touch the network: answer from the cache or fail")
    boolean offline;

    @Option(names = "--endpoint", paramLabel = "URL", description = "the hub (default: $HF_ENDPOINT or https://huggingface.co)")
    URI endpoint;

    @Option(names = "--cache-dir", paramLabel = "DIR", description = "the model cache (default: $HEARTH_CACHE or ~/.cache/hearth/models)")
    Path cacheDirectory;

    @Option(names = "--no-progress", description = "no progress bar")
    boolean noProgress;

    @Spec
    CommandSpec spec;

    private final Map<String, String> environment;

    public PullCommand() {
        this(System.getenv());
    }

    /** With {@code environment} in place of the process's (HF_TOKEN, HF_ENDPOINT, HEARTH_CACHE), for tests. */
    PullCommand(Map<String, String> environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() {
        Path cache = cacheDirectory != null ? cacheDirectory : cacheDirectory(environment);
        Path model;
        if (reference == null) {
            model = offline
                    ? DefaultModel.onThisMachine(cache).orElseThrow(() -> new OfflineException("the default model (stories260K.gguf)"))
                    : DefaultModel.resolve(cache);
        } else {
            ModelReference parsed;
            try {
                parsed = ModelReference.parse(reference);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            Optional<HubClient> hub = offline ? Optional.empty() : Optional.of(hub(endpoint, environment));
            ModelPuller puller = new ModelPuller(new ModelCatalogue(cache), hub);
            model = puller.pull(parsed, noProgress ? DownloadProgress.NONE : new ProgressBarDownload());
        }
        System.out.println(model);
        return 0;
    }

    static HubClient hub(URI endpoint, Map<String, String> environment) {
        URI chosen = endpoint != null ? endpoint
                : Optional.ofNullable(environment.get("HF_ENDPOINT")).filter(e -> !e.isBlank()).map(URI::create)
                .orElse(HubClient.DEFAULT_ENDPOINT);
        return new HubClient(chosen, Optional.ofNullable(environment.get("HF_TOKEN")));
    }

    /** {@code $HEARTH_CACHE}, else {@code ~/.cache/hearth/models}. */
    static Path cacheDirectory(Map<String, String> environment) {
        String configured = environment.get("HEARTH_CACHE");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        return Path.of(System.getProperty("user.home"), ".cache", "hearth", "models");
    }
}
