package dev.hearth.examples.agent;

import dev.hearth.api.CacheControl;
import dev.hearth.api.ChatCall;
import dev.hearth.api.GenerationOptions;
import dev.hearth.api.InferenceClient;
import dev.hearth.api.InvalidRequestException;
import dev.hearth.api.Tool;
import dev.hearth.api.ToolChoice;
import dev.hearth.api.spi.Locality;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The example task {@code hearth agent} runs: an agent with the built-in tools over a small sandbox folder answers a
 * question about its files, forks sub-agents that share its conversation, and saves its session; the same task then
 * runs with the prefix cache off, and the saved session is resumed in a fresh client. Every step is printed as it
 * ends (tokens prompt/cached/completion, time to first token, decode speed, route), and the output folder receives
 * {@code report.md} and {@code ttft.png} (time to first token per step, cache on and off).
 */
public final class AgentDemo {
    static final String SYSTEM_PROMPT = "Use the tools, then answer briefly.";
    static final String TASK = "Read notes.md. The three friends share the apples equally: how many does each get?";
    static final List<String> SUB_TASKS = List.of("List the files.", "Compute 12 / 3.", "What time is it?");
    static final String FOLLOW_UP = "Now say it in one sentence.";

    /** What to run: steps per run, sub-agents, sampling. */
    public record Settings(int maxSteps, int subAgents, GenerationOptions options) {
        public Settings {
            if (maxSteps < 1 || subAgents < 0 || subAgents > SUB_TASKS.size()) {
                throw new IllegalArgumentException("maxSteps must be >= 1 and subAgents 0.." + SUB_TASKS.size());
            }
        }
    }

    /** Every step of the demo, cache on and off, and the resumed session's first step. */
    public record Result(List<LabeledStep> cacheOn, List<LabeledStep> cacheOff, AgentStep resumed, Path report,
                         Path chart) {
    }

    private final Supplier<InferenceClient> clients;
    private final Settings settings;
    private final Path outDirectory;
    private final PrintStream out;
    private final Clock clock;

    /** {@code clients} opens a new client each time: the resumed session runs on a fresh one, as in a new process. */
    public AgentDemo(Supplier<InferenceClient> clients, Settings settings, Path outDirectory, PrintStream out, Clock clock) {
        this.clients = clients;
        this.settings = settings;
        this.outDirectory = outDirectory;
        this.out = out;
        this.clock = clock;
    }

    public Result run() {
        Path sandboxFolder = outDirectory.resolve("sandbox");
        Path sessionFolder = outDirectory.resolve("session");
        writeSandbox(sandboxFolder);
        deleteTree(sessionFolder);
        createDirectories(sessionFolder);
        Sandbox sandbox = Sandbox.of(sandboxFolder);
        List<AgentTool> offered = BuiltinTools.all(sandbox, clock);
        List<AgentTool> tools = offered;
        List<LabeledStep> on = new ArrayList<>();
        List<LabeledStep> off = new ArrayList<>();
        String runtime;
        try (InferenceClient client = clients.get()) {
            runtime = client.runtimes().stream().map(info -> info.name() + " (" + info.defaultModel() + ")")
                    .collect(Collectors.joining(", "));
            out.printf("Agent on %s%ntools: %s; sandbox %s%ntask: %s%n", runtime,
                    offered.stream().map(AgentTool::name).collect(Collectors.joining(", ")), sandboxFolder, TASK);
            warmUp(client, tools);
            for (boolean cache : new boolean[] {true, false}) {
                List<LabeledStep> steps = cache ? on : off;
                out.printf("%n== the task, prefix cache %s ==%n", cache ? "on" : "off");
                AgentLoop.Builder main = loop(client, tools, cache, settings.maxSteps());
                if (cache) {
                    main.sessionFile(AgentSession.kvFile(sessionFolder));
                }
                AgentRun parent;
                try {
                    parent = main.build().run(TASK);
                } catch (InvalidRequestException refused) {
                    if (tools.isEmpty() || !on.isEmpty()) {
                        throw refused;
                    }
                    // a runtime without a chat template for tools (an ONNX export, a base model) refuses them up front;
                    // the rest of the demo (cache, sub-agents, session) still means something without
                    out.printf("   %s%n   running the task without tools%n", refused.getMessage());
                    tools = List.of();
                    main = loop(client, tools, cache, settings.maxSteps()).sessionFile(AgentSession.kvFile(sessionFolder));
                    parent = main.build().run(TASK);
                }
                steps.addAll(LabeledStep.of("main", parent));
                out.printf("   stopped: %s%n", parent.stop());
                if (cache) {
                    AgentSession.of(parent).save(sessionFolder);
                }
                if (settings.subAgents() > 0) {
                    out.printf("-- %d sub-agents sharing the conversation, prefix cache %s --%n", settings.subAgents(),
                            cache ? "on" : "off");
                    AgentLoop sub = loop(client, tools, cache, 1).build();
                    List<AgentRun> forks = SubAgents.fork(sub, parent, SUB_TASKS.subList(0, settings.subAgents()), new CancelToken());
                    for (int i = 0; i < forks.size(); i++) {
                        steps.addAll(LabeledStep.of("sub" + (i + 1), forks.get(i)));
                    }
                }
            }
        }
        out.printf("%n== the saved session resumed in a fresh client ==%n");
        AgentStep resumed;
        try (InferenceClient fresh = clients.get()) {
            AgentSession saved = AgentSession.load(sessionFolder);
            AgentLoop loop = loop(fresh, tools, true, 1).sessionFile(AgentSession.kvFile(sessionFolder)).build();
            AgentRun run = loop.continueFrom(saved.followUp(FOLLOW_UP), saved.privateTaint(), new CancelToken());
            resumed = run.steps().getFirst();
            out.printf("   %d of %d prompt tokens restored from %s; %d computed%n", resumed.cachedTokens(),
                    resumed.promptTokens(), AgentSession.KV_FILE, resumed.promptTokens() - resumed.cachedTokens());
        }
        Path report = outDirectory.resolve("report.md");
        Path chart = outDirectory.resolve("ttft.png");
        String title = "hearth agent: time to first token per step, prefix cache on and off";
        TtftChart.write(title, on, off, chart);
        List<String> notes = List.of(
                String.format(Locale.ROOT, "Resumed session (fresh client, `%s` restored): first step %d prompt tokens,"
                                + " %d cached, %d computed.", AgentSession.KV_FILE, resumed.promptTokens(),
                        resumed.cachedTokens(), resumed.promptTokens() - resumed.cachedTokens()),
                "Sub-agents start from the parent's whole conversation plus their own task; their cached tokens are"
                        + " the shared prefix, computed once.",
                "Step `main 1` has nothing to reuse in either run: a difference there is the engine still warming up"
                        + " (the cache-on run goes first), not the cache.",
                "Chart: [ttft.png](ttft.png). Sandbox: `" + sandboxFolder + "`.");
        String setup = "Runtime: " + runtime + ". Task: \"" + TASK + "\". Tools: "
                + tools.stream().map(t -> "`" + t.name() + "`").collect(Collectors.joining(", "))
                + ". Steps per run at most " + settings.maxSteps() + "; first step tool choice `required`, then `auto`; "
                + settings.options() + ".";
        writeString(report, AgentReport.markdown("Agent task report", setup, on, off, notes));
        out.printf("%n%s%n%s%nreport: %s%nchart:  %s%n", AgentReport.totals("cache on", on).strip(),
                AgentReport.totals("cache off", off).strip(), report, chart);
        return new Result(on, off, resumed, report, chart);
    }

    /**
     * One uncached answer like a first step (same prompt and tools, a forced call, a few tokens) before anything is
     * measured, on a local runtime only: the JIT compiles the forward pass and the tool-call grammar there, so the
     * cache-on run's first step is not charged for it and cache on and off start from the same warm engine.
     */
    private void warmUp(InferenceClient client, List<AgentTool> tools) {
        if (client.runtimes().getFirst().locality() != Locality.IN_PROCESS) {
            return;
        }
        ChatCall call = client.chat().system(SYSTEM_PROMPT).user(TASK).maxTokens(8).cache(CacheControl.disabled());
        if (!tools.isEmpty()) {
            call.tools(tools.stream().map(AgentTool::definition).toArray(Tool[]::new)).toolChoice(ToolChoice.required());
        }
        try {
            call.call();
        } catch (InvalidRequestException refused) {
            // a runtime that refuses tools: the task says so, and falls back, at its first step
        }
    }

    private AgentLoop.Builder loop(InferenceClient client, List<AgentTool> tools, boolean cache, int maxSteps) {
        return AgentLoop.builder(client).system(SYSTEM_PROMPT).tools(tools).maxSteps(maxSteps)
                .options(settings.options()).cache(cache)
                .onStep(step -> out.println(step.describe()));
    }

    /** The sandbox of the example: a few small text files, one of them private. */
    static void writeSandbox(Path folder) {
        writeString(folder.resolve("notes.md"), """
                # Picnic notes
                The picnic is on Saturday at 3 pm in the park.
                Lily brings 12 apples; Max, Tom and Lily share them equally.
                Tom brings the ball.
                """);
        writeString(folder.resolve("story.txt"), """
                Once upon a time, there was a little dog named Max. Max liked to play in the park with his friends.
                """);
        writeString(folder.resolve("private/diary.txt"), """
                Dear diary, the surprise for Lily is a red kite. Do not tell anyone.
                """);
    }

    private static void writeString(Path file, String text) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static void createDirectories(Path folder) {
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + folder + ": " + e.getMessage(), e);
        }
    }

    private static void deleteTree(Path folder) {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(folder)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear " + folder + ": " + e.getMessage(), e);
        }
    }
}
