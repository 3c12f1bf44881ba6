package dev.hearth.examples;

import dev.hearth.api.InferenceClient;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The options that choose what serves a command: a GGUF model and its settings, or a whole configuration file. */
public final class RuntimeOptions {
    @Option(names = "--model", paramLabel = "FILE", description = "GGUF model file (default: stories260K, fetched once if not beside the project)")
    Path model;

    @Option(names = "--threads", description = "worker threads (default: available processors)")
    Integer threads;

    @Option(names = "--context", description = "context length in tokens (default: the model's)")
    Integer context;

    @Option(names = "--prefix-cache-mib", description = "in-memory prefix cache for the GGUF model, MiB; 0 turns it off (default: ${DEFAULT-VALUE})",
            defaultValue = "256")
    int prefixCacheMib;

    @Option(names = "--config", paramLabel = "FILE",
            description = "a properties file with runtimes (runtime.N.*) and routing rules (routing.*), shared by run, agent and serve")
    Path config;

    @Option(names = "--chat-template", paramLabel = "NAME|FILE",
            description = "render the GGUF model's prompts with this template instead of its own: one shipped with Hearth (chatml) or a Jinja file")
    String chatTemplate;

    public InferenceClient openClient() {
        return ClientConfig.forCommandLine(config, model, threads, context, prefixCacheMib, chatTemplate).build();
    }

    /**
     * The client of a command that offers tools. The default model, stories260K, has no chat template and a 512-token
     * context, too short for tool definitions: unless told otherwise it gets Hearth's ChatML template and
     * {@code defaultContext} tokens. A model given with --model or --config keeps its own settings.
     */
    InferenceClient openClientForTools(int defaultContext) {
        boolean defaultModel = config == null && model == null;
        return ClientConfig.forCommandLine(config, model, threads,
                defaultModel && context == null ? Integer.valueOf(defaultContext) : context, prefixCacheMib,
                defaultModel && chatTemplate == null ? "chatml" : chatTemplate).build();
    }
}
