package dev.hearth.local.internal.template;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import dev.hearth.api.InvalidRequestException;
import dev.hearth.api.Message;
import dev.hearth.api.UnsupportedModelException;
import dev.hearth.api.Role;
import dev.hearth.api.Tool;

import jinjava.javax.el.CompositeELResolver;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A model's chat template ({@code tokenizer.chat_template}), rendered the way Hugging Face transformers and
 * llama.cpp render it: Jinja2 with {@code trim_blocks} and {@code lstrip_blocks} on (as transformers'
 * {@code apply_chat_template} configures its environment), one trailing newline of the source dropped, Python string/dict methods,
 * {@code tojson} as Python's {@code json.dumps}, {@code raise_exception}, {@code strftime_now}, and the variables
 * {@code messages}, {@code tools}, {@code add_generation_prompt}, {@code bos_token}, {@code eos_token} and
 * {@code date_string}.
 *
 * <pre>{@code
 * ChatTemplate template = new ChatTemplate(source, "<s>", "</s>", Clock.systemUTC());
 * String prompt = template.render(messages, tools, true);
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class ChatTemplate {
    private final String source;
    private final String renderedSource;
    private final String bosToken;
    private final String eosToken;
    private final Clock clock;
    private final Jinjava jinjava;
    private final boolean supportsSystemRole;

    public ChatTemplate(String source, String bosToken, String eosToken, Clock clock) {
        this.source = Objects.requireNonNull(source, "source");
        // Jinja2's keep_trailing_newline=False drops one newline at the end of the template source (not the output)
        this.renderedSource = JinjaSourceRewriter.rewrite(source.endsWith("\n") ? source.substring(0, source.length() - 1) : source);
        this.bosToken = Objects.requireNonNull(bosToken, "bosToken");
        this.eosToken = Objects.requireNonNull(eosToken, "eosToken");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.jinjava = newEngine();
        this.supportsSystemRole = probeSystemRole();
    }

    /**
     * Whether the template shows a system message. Some (Gemma) refuse one; llama.cpp then folds the system text
     * into the first user message, and so do we, so that the same conversation works on every model.
     */
    private boolean probeSystemRole() {
        String needle = "<hearth system probe>";
        try {
            return renderRaw(List.of(Message.system(needle), Message.user("hi")), List.of(), false).contains(needle);
        } catch (InvalidRequestException | UnsupportedModelException e) {
            return false;
        }
    }

    /** Whether system messages reach the template as they are (see {@link #probeSystemRole}). */
    public boolean supportsSystemRole() {
        return supportsSystemRole;
    }

    private static Jinjava newEngine() {
        CompositeELResolver resolver = new CompositeELResolver();
        resolver.add(new PythonMethods());
        resolver.add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_WRITE);
        JinjavaConfig config = JinjavaConfig.newBuilder()
                .withTrimBlocks(true)
                .withLstripBlocks(true)
                .withElResolver(resolver)
                .withKeepTrailingNewline(true)
                .withEnableRecursiveMacroCalls(true)
                .withMaxMacroRecursionDepth(64)
                .withFailOnUnknownTokens(false)
                .withLegacyOverrides(LegacyOverrides.newBuilder()
                        // Jinja2 semantics where jinjava keeps its historical ones by default
                        .withEvaluateMapKeys(true)
                        .withIterateOverMapKeys(true)
                        .withUsePyishObjectMapper(true)
                        .withUseNaturalOperatorPrecedence(false) // keeps `not x is defined` as `not (x is defined)`
                        .withParseWhitespaceControlStrictly(true)
                        .withAllowAdjacentTextNodes(true)
                        .withUseTrimmingForNotesAndExpressions(true)
                        .withKeepNullableLoopValues(true)
                        .withHandleBackslashInQuotesOnly(true)
                        .withDefaultKeepTrailingNewlineBehavior(false)
                        .build())
                .build();
        Jinjava jinjava = new Jinjava(config);
        jinjava.getGlobalContext().registerFilter(new PythonFilters.ToJson());
        jinjava.getGlobalContext().registerFilter(new PythonFilters.Items());
        jinjava.getGlobalContext().registerFilter(new PythonFilters.Indent());
        jinjava.getGlobalContext().registerExpTest(new PythonFilters.IsIterable());
        jinjava.getGlobalContext().registerTag(new GenerationTag());
        jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "raise_exception",
                TemplateFunctions.class, "raiseException", Object.class));
        jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "strftime_now",
                TemplateFunctions.class, "strftimeNow", Object.class));
        return jinjava;
    }

    /** The template text. */
    public String source() {
        return source;
    }

    /**
     * Renders a conversation.
     *
     * @param addGenerationPrompt end with the header that starts the assistant's answer
     * @throws InvalidRequestException if the template rejects the conversation ({@code raise_exception}, e.g. roles
     *                                 that do not alternate), with the template's message
     * @throws UnsupportedModelException if the template itself is broken or uses Jinja this renderer does not support
     */
    public String render(List<Message> messages, List<Tool> tools, boolean addGenerationPrompt) {
        return renderRaw(supportsSystemRole ? messages : foldSystemIntoUser(messages), tools, addGenerationPrompt);
    }

    /** llama.cpp's polyfill: system texts are joined with "\n" and put before the next user message's text. */
    private static List<Message> foldSystemIntoUser(List<Message> messages) {
        List<Message> folded = new ArrayList<>();
        StringBuilder pendingSystem = new StringBuilder();
        for (Message message : messages) {
            if (message.role() == Role.SYSTEM) {
                if (!pendingSystem.isEmpty()) {
                    pendingSystem.append('\n');
                }
                pendingSystem.append(message.content());
                continue;
            }
            if (!pendingSystem.isEmpty()) {
                if (message.role() == Role.USER) {
                    String content = message.content().isEmpty() ? "" : "\n" + message.content();
                    message = Message.user(pendingSystem + content);
                } else {
                    folded.add(Message.user(pendingSystem.toString()));
                }
                pendingSystem.setLength(0);
            }
            folded.add(message);
        }
        if (!pendingSystem.isEmpty()) {
            folded.add(Message.user(pendingSystem.toString()));
        }
        return folded;
    }

    private String renderRaw(List<Message> messages, List<Tool> tools, boolean addGenerationPrompt) {
        Map<String, Object> bindings = new HashMap<>();
        bindings.put("messages", TemplateValues.messages(messages));
        if (!tools.isEmpty()) {
            bindings.put("tools", TemplateValues.tools(tools));
        }
        bindings.put("add_generation_prompt", addGenerationPrompt);
        bindings.put("bos_token", bosToken);
        bindings.put("eos_token", eosToken);
        // llama.cpp passes these by default; templates test them (DeepSeek-R1 closes <think> unless thinking is on)
        bindings.put("enable_thinking", true);
        ZonedDateTime now = ZonedDateTime.now(clock);
        bindings.put("date_string", Strftime.format("%d %b %Y", now));

        RenderResult result;
        TemplateFunctions.NOW.set(now);
        try {
            result = jinjava.renderForResult(renderedSource, bindings);
        } catch (TemplateRaisedException e) {
            throw rejected(e.getMessage());
        } finally {
            TemplateFunctions.NOW.remove();
        }
        for (TemplateError error : result.getErrors()) {
            Throwable cause = error.getException();
            while (cause != null) {
                if (cause instanceof TemplateRaisedException raised) {
                    throw rejected(raised.getMessage());
                }
                cause = cause.getCause();
            }
        }
        for (TemplateError error : result.getErrors()) {
            if (error.getSeverity() == TemplateError.ErrorType.FATAL) {
                throw new UnsupportedModelException("The model's chat template (tokenizer.chat_template) cannot be"
                        + " rendered, line " + error.getLineno() + ": " + error.getMessage());
            }
        }
        return result.getOutput();
    }

    /**
     * What llama.cpp does before tokenising a rendered prompt: a leading BOS text is removed when the tokenizer adds
     * BOS itself, and a trailing EOS text when it adds EOS itself, so the model never sees them twice.
     */
    public static String withoutTokenizerAddedSpecials(String rendered, String bosToken, String eosToken,
                                                       boolean tokenizerAddsBos, boolean tokenizerAddsEos) {
        String prompt = rendered;
        if (tokenizerAddsBos && !bosToken.isEmpty() && prompt.startsWith(bosToken)) {
            prompt = prompt.substring(bosToken.length());
        }
        if (tokenizerAddsEos && !eosToken.isEmpty() && prompt.endsWith(eosToken)) {
            prompt = prompt.substring(0, prompt.length() - eosToken.length());
        }
        return prompt;
    }

    private static InvalidRequestException rejected(String message) {
        return new InvalidRequestException("The model's chat template rejected the conversation: " + message);
    }
}
