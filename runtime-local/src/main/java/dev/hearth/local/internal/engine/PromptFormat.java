package dev.hearth.local.internal.engine;

import dev.hearth.api.ChatRequest;
import dev.hearth.api.HearthException;
import dev.hearth.api.InvalidRequestException;
import dev.hearth.api.Message;
import dev.hearth.api.Tool;
import dev.hearth.local.internal.gguf.GgufMetadata;
import dev.hearth.local.internal.template.ChatTemplate;
import dev.hearth.local.internal.template.ToolCallFormat;
import dev.hearth.local.internal.template.ToolCallStream;
import dev.hearth.local.internal.tokenizer.Tokenizer;

import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

/**
 * How a model's prompts are made and its tool calls read back. A model whose GGUF carries
 * {@code tokenizer.chat_template} gets the conversation rendered by that template (tools included), tokenised with
 * special-token text parsed, and without a second BOS when the template already wrote one (llama.cpp's rule). A model
 * without a template (a base model) gets the documented {@link PlainTranscript}, and cannot be offered tools.
 */
final class PromptFormat {
    static final String CHAT_TEMPLATE_KEY = "tokenizer.chat_template";
    private static final String ID_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    private final Tokenizer tokenizer;
    private final String modelName;
    private final Optional<ChatTemplate> template;
    private final Optional<ToolCallFormat> toolCallFormat;
    private final Set<Integer> markerTokens;

    private PromptFormat(Tokenizer tokenizer, String modelName, Optional<ChatTemplate> template) {
        this.tokenizer = tokenizer;
        this.modelName = modelName;
        this.template = template;
        this.toolCallFormat = template.flatMap(t -> ToolCallFormat.detect(t.source()));
        Set<Integer> markers = new HashSet<>();
        toolCallFormat.ifPresent(format -> {
            for (String marker : format.markers()) {
                int[] ids = tokenizer.encode(marker, false, true);
                // a marker that is one special token detokenises to nothing unless the engine asks for its text
                if (ids.length == 1 && tokenizer.tokenBytes(ids[0]).length == 0) {
                    markers.add(ids[0]);
                }
            }
        });
        this.markerTokens = Set.copyOf(markers);
    }

    static PromptFormat from(GgufMetadata metadata, Tokenizer tokenizer, String modelName, Clock clock) {
        return from(metadata, tokenizer, modelName, clock, Optional.empty());
    }

    /** A prompt format with {@code templateOverride} (Jinja source) instead of the model's own template, when given. */
    static PromptFormat from(GgufMetadata metadata, Tokenizer tokenizer, String modelName, Clock clock,
                             Optional<String> templateOverride) {
        Optional<ChatTemplate> template = templateOverride.or(() -> metadata.optionalString(CHAT_TEMPLATE_KEY))
                .filter(source -> !source.isBlank())
                .map(source -> new ChatTemplate(source, tokenText(tokenizer, tokenizer.bosId()),
                        tokenText(tokenizer, tokenizer.eosId()), clock));
        return new PromptFormat(tokenizer, modelName, template);
    }

    private static String tokenText(Tokenizer tokenizer, int id) {
        return id < 0 ? "" : tokenizer.tokenText(id);
    }

    boolean hasChatTemplate() {
        return template.isPresent();
    }

    /** The prompt text as it will be tokenised (for tests and diagnostics). */
    String render(ChatRequest request) {
        checkTools(request.tools());
        if (template.isEmpty()) {
            return PlainTranscript.render(request.messages());
        }
        String rendered = template.get().render(request.messages(), request.tools(), true);
        return ChatTemplate.withoutTokenizerAddedSpecials(rendered, tokenText(tokenizer, tokenizer.bosId()),
                tokenText(tokenizer, tokenizer.eosId()), tokenizer.addsBos(), false);
    }

    /**
     * The prompt's token ids.
     *
     * @throws InvalidRequestException if tools are offered to a model that cannot take them, or the template rejects
     *                                 the conversation
     */
    int[] promptIds(ChatRequest request) {
        String prompt = render(request);
        // a template writes special tokens as text (<|im_start|>), so they are parsed; plain transcripts are not
        return tokenizer.encode(prompt, true, template.isPresent());
    }

    /**
     * The token ids of the tools and the first {@code messages} messages as the prompt begins with them, for pinning
     * an agent's stable prefix in the prefix cache. Empty when the template cannot render such a partial conversation
     * (some insist on a user turn): pinning is an optimisation and must never fail a request.
     */
    int[] prefixIds(ChatRequest request, int messages) {
        try {
            List<Message> head = request.messages().subList(0, messages);
            String prefix = template.isEmpty() ? PlainTranscript.render(head)
                    : ChatTemplate.withoutTokenizerAddedSpecials(template.get().render(head, request.tools(), false),
                    tokenText(tokenizer, tokenizer.bosId()), tokenText(tokenizer, tokenizer.eosId()), tokenizer.addsBos(), false);
            return tokenizer.encode(prefix, true, template.isPresent());
        } catch (HearthException e) {
            return new int[0];
        }
    }

    /** A fresh tool-call parser for one answer, when the request offers tools. */
    Optional<ToolCallStream> toolCallStream(ChatRequest request) {
        if (request.tools().isEmpty()) {
            return Optional.empty();
        }
        Set<String> names = request.tools().stream().map(Tool::name).collect(Collectors.toSet());
        return toolCallFormat.map(format -> new ToolCallStream(format, names, request.tools(), PromptFormat::newCallId));
    }

    /** Special tokens that open tool calls and must reach the parser as text. */
    Set<Integer> markerTokens() {
        return markerTokens;
    }

    private void checkTools(List<Tool> tools) {
        if (tools.isEmpty()) {
            return;
        }
        if (template.isEmpty()) {
            throw new InvalidRequestException("Model " + modelName
                    + " has no chat template, so it cannot be offered tools; send the request without tools.");
        }
        if (toolCallFormat.isEmpty()) {
            throw new InvalidRequestException("The chat template of model " + modelName + " shows no tool-call format"
                    + " Hearth can read (Hermes/Qwen <tool_call>, Llama 3 JSON, Mistral [TOOL_CALLS]); send the request"
                    + " without tools.");
        }
    }

    /** Nine letters and digits: Mistral templates reject any other id shape, and the others accept it. */
    private static String newCallId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        StringBuilder id = new StringBuilder(9);
        for (int i = 0; i < 9; i++) {
            id.append(ID_ALPHABET.charAt(random.nextInt(ID_ALPHABET.length())));
        }
        return id.toString();
    }
}
