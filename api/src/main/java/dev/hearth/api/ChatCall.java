package dev.hearth.api;

import java.util.List;
import java.util.concurrent.Flow;
import java.util.function.Consumer;

/**
 * A fluent request started by {@link InferenceClient#chat()}: add messages and options, then finish with
 * {@link #call()}, {@link #stream(Consumer)}, {@link #submit(Consumer)} or {@link #publisher()}. Options are validated
 * when the call is made, and an invalid one is reported by name.
 */
public final class ChatCall {
    private final InferenceClient client;
    private final ChatRequest.Builder request = ChatRequest.builder();
    private final GenerationOptions.Builder options;

    ChatCall(InferenceClient client, GenerationOptions defaults) {
        this.client = client;
        this.options = defaults.toBuilder();
    }

    public ChatCall system(String content) {
        request.system(content);
        return this;
    }

    public ChatCall user(String content) {
        request.user(content);
        return this;
    }

    /** A system message marked {@code sensitivity} (the request becomes at least that sensitive). */
    public ChatCall system(String content, Sensitivity sensitivity) {
        request.system(content, sensitivity);
        return this;
    }

    /** A user message marked {@code sensitivity}, e.g. {@link Sensitivity#PRIVATE}: routing keeps it where rules allow. */
    public ChatCall user(String content, Sensitivity sensitivity) {
        request.user(content, sensitivity);
        return this;
    }

    /** A tool's result marked {@code sensitivity}, e.g. the content of a private file the tool read. */
    public ChatCall toolResult(String toolCallId, String content, Sensitivity sensitivity) {
        request.toolResult(toolCallId, content, sensitivity);
        return this;
    }

    /** Makes the whole request at least this sensitive, whatever its messages say. */
    public ChatCall sensitivity(Sensitivity sensitivity) {
        request.sensitivity(sensitivity);
        return this;
    }

    public ChatCall assistant(String content) {
        request.assistant(content);
        return this;
    }

    public ChatCall toolResult(String toolCallId, String content) {
        request.toolResult(toolCallId, content);
        return this;
    }

    public ChatCall message(Message message) {
        request.message(message);
        return this;
    }

    public ChatCall messages(List<Message> messages) {
        request.messages(messages);
        return this;
    }

    public ChatCall tools(Tool... tools) {
        request.tools(List.of(tools));
        return this;
    }

    public ChatCall model(String model) {
        request.model(model);
        return this;
    }

    public ChatCall maxTokens(int maxTokens) {
        options.maxTokens(maxTokens);
        return this;
    }

    public ChatCall temperature(double temperature) {
        options.temperature(temperature);
        return this;
    }

    public ChatCall topK(int topK) {
        options.topK(topK);
        return this;
    }

    public ChatCall topP(double topP) {
        options.topP(topP);
        return this;
    }

    public ChatCall minP(double minP) {
        options.minP(minP);
        return this;
    }

    public ChatCall repetitionPenalty(double penalty) {
        options.repetitionPenalty(penalty);
        return this;
    }

    public ChatCall seed(long seed) {
        options.seed(seed);
        return this;
    }

    public ChatCall stop(String... stopSequences) {
        options.stopSequences(stopSequences);
        return this;
    }

    /** The shape the answer must take, e.g. {@link ResponseFormat#jsonSchema(String, String, boolean)}. */
    public ChatCall responseFormat(ResponseFormat format) {
        options.responseFormat(format);
        return this;
    }

    /** The answer must be a JSON object. */
    public ChatCall json() {
        return responseFormat(ResponseFormat.json());
    }

    /** The answer must match a GBNF grammar (starting at its rule {@code root}). */
    public ChatCall grammar(String gbnf) {
        return responseFormat(ResponseFormat.grammar(gbnf));
    }

    /**
     * Whether the answer may ({@link ToolChoice#auto()}), must ({@link ToolChoice#required()},
     * {@link ToolChoice#named(String)}) or must not ({@link ToolChoice#none()}) call the offered tools.
     */
    public ChatCall toolChoice(ToolChoice choice) {
        options.toolChoice(choice);
        return this;
    }

    /** Adds to the logits of these token ids before sampling (OpenAI's {@code logit_bias}; -100 bans a token). */
    public ChatCall logitBias(java.util.Map<Integer, Float> bias) {
        options.logitBias(bias);
        return this;
    }

    /** Reports every token's log probability, with its {@code topN} most likely alternatives (0-20), in the response. */
    public ChatCall logprobs(int topN) {
        options.logprobs(topN);
        return this;
    }

    /** OpenAI's frequency penalty (-2 to 2): lowers a token's logit by this much per time it is already in the answer. */
    public ChatCall frequencyPenalty(double penalty) {
        options.frequencyPenalty(penalty);
        return this;
    }

    /** OpenAI's presence penalty (-2 to 2): lowers the logit of every token already in the answer by this much. */
    public ChatCall presencePenalty(double penalty) {
        options.presencePenalty(penalty);
        return this;
    }

    /** How this call uses the runtime's prefix cache (disable it, pin a prefix, save or restore the session). */
    public ChatCall cache(CacheControl cache) {
        request.cache(cache);
        return this;
    }

    /** Replaces every option with these. */
    public ChatCall options(GenerationOptions replacement) {
        options.maxTokens(replacement.maxTokens()).temperature(replacement.temperature()).topK(replacement.topK())
                .topP(replacement.topP()).minP(replacement.minP()).repetitionPenalty(replacement.repetitionPenalty())
                .repetitionWindow(replacement.repetitionWindow()).stopSequences(replacement.stopSequences())
                .responseFormat(replacement.responseFormat()).toolChoice(replacement.toolChoice())
                .logitBias(replacement.logitBias()).logprobs(replacement.logprobs())
                .frequencyPenalty(replacement.frequencyPenalty()).presencePenalty(replacement.presencePenalty());
        replacement.seed().ifPresentOrElse(options::seed, options::randomSeed);
        return this;
    }

    /** The request as built so far. */
    public ChatRequest request() {
        return request.options(options.build()).build();
    }

    public ChatResponse call() {
        return client.call(request());
    }

    public ChatResponse stream(Consumer<TokenEvent> tokens) {
        return client.stream(request(), tokens);
    }

    public Generation submit(Consumer<TokenEvent> tokens) {
        return client.submit(request(), tokens);
    }

    public Flow.Publisher<ChatEvent> publisher() {
        return client.publisher(request());
    }
}
