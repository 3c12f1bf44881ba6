package dev.hearth.examples;

import dev.hearth.api.ChatResponse;
import dev.hearth.api.GenerationOptions;
import dev.hearth.api.HearthException;
import dev.hearth.api.InferenceClient;
import dev.hearth.examples.agent.AgentDemo;
import dev.hearth.examples.chat.ChatCommand;
import dev.hearth.examples.models.ModelsCommand;
import dev.hearth.examples.models.PullCommand;
import dev.hearth.examples.perf.BenchCommand;
import dev.hearth.examples.perf.ProbeCommand;
import dev.hearth.examples.tokenizerbench.TokenizerBenchCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

/** The {@code hearth} command line. */
@Command(name = "hearth", mixinStandardHelpOptions = true, version = "hearth 0.1.0-SNAPSHOT",
        description = "Runs language models privately, on this machine.",
        subcommands = {HearthCommand.Agent.class, HearthCommand.Run.class, ChatCommand.class, PullCommand.class, ModelsCommand.class, PrefixBench.class,
                ServeCommand.class, TokenizerBenchCommand.class, BenchCommand.class, ProbeCommand.class,
                SynthCommand.class, MemoryBench.class, ClusterCommand.class})
public final class HearthCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    static int execute(String... args) {
        CommandLine commandLine = new CommandLine(new HearthCommand());
        commandLine.setExecutionExceptionHandler((failure, line, parsed) -> {
            if (failure instanceof HearthException hearth) {
                line.getErr().println("error: " + hearth.getMessage());
                return 2;
            }
            throw failure;
        });
        return commandLine.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Options shared by every command that runs a model. */
    static final class ModelOptions {
        @Mixin
        RuntimeOptions runtime;

        @Option(names = "--max-tokens", description = "most tokens per answer (default: ${DEFAULT-VALUE})", defaultValue = "48")
        int maxTokens;

        @Option(names = "--temperature", description = "0 is greedy (default: ${DEFAULT-VALUE})", defaultValue = "0.7")
        double temperature;

        @Option(names = "--seed", description = "sampling seed (default: ${DEFAULT-VALUE})", defaultValue = "7")
        long seed;

        InferenceClient openClient() {
            return runtime.openClient();
        }

        GenerationOptions generationOptions() {
            return GenerationOptions.builder().maxTokens(maxTokens).temperature(temperature).seed(seed).build();
        }
    }

    @Command(name = "agent", mixinStandardHelpOptions = true,
            description = {"Runs the example agent: tools over a sandbox folder, sub-agents sharing its prefix, a saved and"
                    + " resumed session; the task runs with the prefix cache on and off.",
                    "Prints each step's prompt/cached/completion tokens, time to first token, tok/s and route, and writes"
                    + " report.md and ttft.png to --out."})
    static final class Agent implements Callable<Integer> {
        @Mixin
        RuntimeOptions runtime;

        @Option(names = "--max-tokens", description = "most tokens per step (default: ${DEFAULT-VALUE}: room for a tool call of a tiny model)",
                defaultValue = "128")
        int maxTokens;

        @Option(names = "--temperature", description = "0 is greedy (default: ${DEFAULT-VALUE})", defaultValue = "0.7")
        double temperature;

        @Option(names = "--seed", description = "sampling seed (default: ${DEFAULT-VALUE})", defaultValue = "7")
        long seed;

        @Option(names = "--max-steps", description = "most model calls per run (default: ${DEFAULT-VALUE})", defaultValue = "4")
        int maxSteps;

        @Option(names = "--sub-agents", description = "sub-agents forked from the task, 0-3 (default: ${DEFAULT-VALUE})", defaultValue = "3")
        int subAgents;

        @Option(names = "--out", paramLabel = "DIR", description = "where the sandbox, session, report.md and ttft.png go (default: ${DEFAULT-VALUE})",
                defaultValue = "target/hearth-agent")
        java.nio.file.Path out;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            GenerationOptions options = GenerationOptions.builder().maxTokens(maxTokens).temperature(temperature).seed(seed).build();
            AgentDemo.Settings settings;
            try {
                settings = new AgentDemo.Settings(maxSteps, subAgents, options);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--max-steps/--sub-agents: " + e.getMessage());
            }
            new AgentDemo(() -> runtime.openClientForTools(2048), settings, out, System.out,
                    java.time.Clock.systemDefaultZone()).run();
            return 0;
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true, description = "Answers one prompt, streaming the text.")
    static final class Run implements Callable<Integer> {
        @Mixin
        ModelOptions modelOptions;

        @CommandLine.Parameters(paramLabel = "PROMPT", description = "the prompt")
        String prompt;

        @Override
        public Integer call() {
            try (InferenceClient client = modelOptions.openClient()) {
                ChatResponse answer = client.chat().user(prompt).options(modelOptions.generationOptions())
                        .stream(event -> {
                            System.out.print(event.text());
                            System.out.flush();
                        });
                System.out.println();
                System.err.println(AgentHarness.describe(answer).trim());
            }
            return 0;
        }
    }
}
