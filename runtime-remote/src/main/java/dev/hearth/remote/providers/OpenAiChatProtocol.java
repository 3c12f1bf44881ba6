package dev.hearth.remote.providers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.api.ChatRequest;
import dev.hearth.api.FinishReason;
import dev.hearth.api.GenerationOptions;
import dev.hearth.api.InvalidRequestException;
import dev.hearth.api.Message;
import dev.hearth.api.ResponseFormat;
import dev.hearth.api.TokenLogprob;
import dev.hearth.api.Tool;
import dev.hearth.api.ToolChoice;
import dev.hearth.api.ToolCall;

import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * OpenAI Chat Completions ({@code POST /chat/completions}), also spoken by llama.cpp, vLLM, EXO and other
 * OpenAI-compatible servers. Stop sequences are matched here rather than sent, because the API reports a stop
 * sequence and a natural end alike as {@code "stop"}.
 */
final class OpenAiChatProtocol implements Protocol {
    private final RemoteConfig config;

    OpenAiChatProtocol(RemoteConfig config) {
        this.config = config;
    }

    @Override
    public String path() {
        return "chat/completions";
    }

    @Override
    public void headers(HttpRequest.Builder request) {
        if (config.apiKey() != null) {
            request.header("Authorization", "Bearer " + config.apiKey().reveal());
        }
    }

    @Override
    public boolean eventStream() {
        return true;
    }

    @Override
    public ObjectNode body(ChatRequest request, boolean stream) {
        ObjectNode body = Json.object();
        String model = request.model().orElse(config.model());
        body.put("model", model);
        ArrayNode messages = body.putArray("messages");
        for (Message message : request.messages()) {
            ObjectNode wire = messages.addObject();
            switch (message.role()) {
                case SYSTEM -> wire.put("role", "system").put("content", message.content());
                case USER -> wire.put("role", "user").put("content", message.content());
                case TOOL -> wire.put("role", "tool").put("tool_call_id", message.toolCallId()).put("content", message.content());
                case ASSISTANT -> {
                    wire.put("role", "assistant");
                    if (message.content().isEmpty() && !message.toolCalls().isEmpty()) {
                        wire.putNull("content");
                    } else {
                        wire.put("content", message.content());
                    }
                    if (!message.toolCalls().isEmpty()) {
                        ArrayNode calls = wire.putArray("tool_calls");
                        for (ToolCall call : message.toolCalls()) {
                            ObjectNode wireCall = calls.addObject().put("id", call.id()).put("type", "function");
                            wireCall.putObject("function").put("name", call.name()).put("arguments", call.argumentsJson());
                        }
                    }
                }
            }
        }
        if (!request.tools().isEmpty()) {
            ToolChoice choice = request.options().toolChoice();
            switch (choice.mode()) {
                case AUTO -> { }
                case NONE, REQUIRED -> body.put("tool_choice", choice.mode().name().toLowerCase(java.util.Locale.ROOT));
                case NAMED -> body.putObject("tool_choice").put("type", "function").putObject("function")
                        .put("name", choice.toolName());
            }
            ArrayNode tools = body.putArray("tools");
            for (Tool tool : request.tools()) {
                ObjectNode function = tools.addObject().put("type", "function").putObject("function");
                function.put("name", tool.name()).put("description", tool.description());
                function.set("parameters", Json.schema(tool.name(), tool.parametersJsonSchema()));
                if (tool.strict()) {
                    function.put("strict", true);
                }
            }
        }
        GenerationOptions options = request.options();
        if (options.maxTokens() != GenerationOptions.UNLIMITED) {
            // OpenAI itself has renamed the field; compatible servers still know the old name
            body.put(config.kind() == Kind.OPENAI_CHAT ? "max_completion_tokens" : "max_tokens", options.maxTokens());
        }
        if (config.samplingParameters()) {
            body.put("temperature", options.temperature());
            if (options.topP() < 1) {
                body.put("top_p", options.topP());
            }
            options.seed().ifPresent(seed -> body.put("seed", seed));
        }
        if (options.frequencyPenalty() != 0) {
            body.put("frequency_penalty", options.frequencyPenalty());
        }
        if (options.presencePenalty() != 0) {
            body.put("presence_penalty", options.presencePenalty());
        }
        if (options.wantsLogprobs()) {
            body.put("logprobs", true);
            if (options.logprobs() > 0) {
                body.put("top_logprobs", options.logprobs());
            }
        }
        if (!options.logitBias().isEmpty()) {
            ObjectNode bias = body.putObject("logit_bias");
            new java.util.TreeMap<>(options.logitBias()).forEach((token, value) -> bias.put(Integer.toString(token), value));
        }
        switch (options.responseFormat()) {
            case ResponseFormat.Text ignored -> { }
            case ResponseFormat.JsonObject ignored -> body.putObject("response_format").put("type", "json_object");
            case ResponseFormat.JsonSchema schema -> {
                ObjectNode format = body.putObject("response_format").put("type", "json_schema");
                format.putObject("json_schema").put("name", schema.name()).put("strict", schema.strict())
                        .set("schema", Json.responseSchema(schema.name(), schema.schema()));
            }
            case ResponseFormat.Grammar grammar -> {
                if (config.kind() == Kind.OPENAI_CHAT) {
                    throw new InvalidRequestException("OpenAI does not accept GBNF grammars; use a JSON schema response "
                            + "format, or an OpenAI-compatible server such as llama.cpp's");
                }
                body.put("grammar", grammar.gbnf()); // llama.cpp server's extension
            }
        }
        if (config.promptCaching()) {
            body.put("prompt_cache_key", PromptCacheKey.of(model, request));
        }
        if (stream) {
            body.put("stream", true);
            body.putObject("stream_options").put("include_usage", true);
        }
        return body;
    }

    @Override
    public void event(String name, String data, Answer answer) {
        if (data.strip().equals("[DONE]")) {
            answer.terminal();
            return;
        }
        JsonNode chunk = Json.fromProvider(config.kind().displayName(), data);
        if (chunk.has("error")) {
            JsonNode error = chunk.get("error");
            throw ProviderErrors.inStream(config.kind().displayName(), Json.text(error, "type"),
                    error.isObject() ? Json.text(error, "message") : error.asText(), config.apiKey());
        }
        answer.servedModel(Json.text(chunk, "model"));
        for (JsonNode choice : chunk.path("choices")) {
            if (choice.path("index").asInt(0) != 0) {
                continue;
            }
            JsonNode delta = choice.path("delta");
            String content = Json.text(delta, "content");
            if (content != null && !content.isEmpty()) {
                answer.text(content, logprobs(choice.path("logprobs")));
            }
            for (JsonNode call : delta.path("tool_calls")) {
                JsonNode function = call.path("function");
                answer.toolCall(call.path("index").asInt(0), Json.text(call, "id"), Json.text(function, "name"),
                        Json.text(function, "arguments"));
            }
            finish(Json.text(choice, "finish_reason"), answer);
        }
        usage(chunk.get("usage"), answer);
    }

    @Override
    public void complete(JsonNode body, Answer answer) {
        answer.servedModel(Json.text(body, "model"));
        JsonNode choice = body.path("choices").path(0);
        JsonNode message = choice.path("message");
        String content = Json.text(message, "content");
        if (content != null && !content.isEmpty()) {
            answer.text(content, logprobs(choice.path("logprobs")));
        }
        int index = 0;
        for (JsonNode call : message.path("tool_calls")) {
            JsonNode function = call.path("function");
            answer.toolCall(index++, Json.text(call, "id"), Json.text(function, "name"), Json.text(function, "arguments"));
        }
        finish(Json.text(choice, "finish_reason"), answer);
        usage(body.get("usage"), answer);
        answer.terminal();
    }

    /**
     * A choice's {@code logprobs.content}: per token its text, log probability and the most likely alternatives. A
     * remote token has no id here ({@code -1}); a provider that sends none gives an empty list.
     */
    private static List<TokenLogprob> logprobs(JsonNode logprobs) {
        List<TokenLogprob> result = new ArrayList<>();
        for (JsonNode token : logprobs.path("content")) {
            List<TokenLogprob.Alternative> top = new ArrayList<>();
            for (JsonNode alternative : token.path("top_logprobs")) {
                top.add(new TokenLogprob.Alternative(-1, textOf(alternative), logprob(alternative)));
            }
            result.add(new TokenLogprob(-1, textOf(token), logprob(token), top));
        }
        return result;
    }

    private static String textOf(JsonNode token) {
        String text = Json.text(token, "token");
        return text == null ? "" : text;
    }

    /** A token's log probability; one the provider left out reads as impossible rather than certain. */
    private static double logprob(JsonNode token) {
        JsonNode value = token.get("logprob");
        return value != null && value.isNumber() ? value.doubleValue() : Double.NEGATIVE_INFINITY;
    }

    private static void finish(String reason, Answer answer) {
        if (reason == null) {
            return;
        }
        answer.finish(switch (reason) {
            case "length" -> FinishReason.LENGTH;
            case "tool_calls", "function_call" -> FinishReason.TOOL_CALLS;
            default -> FinishReason.STOP; // "stop", "content_filter"
        });
    }

    private static void usage(JsonNode usage, Answer answer) {
        if (usage == null || !usage.isObject()) {
            return;
        }
        Integer prompt = Json.integer(usage, "prompt_tokens");
        Integer completion = Json.integer(usage, "completion_tokens");
        Integer cached = Json.integer(usage, "prompt_tokens_details", "cached_tokens");
        if (prompt != null) {
            answer.promptTokens(prompt);
        }
        if (completion != null) {
            answer.completionTokens(completion);
        }
        if (cached != null) {
            answer.cachedPromptTokens(cached);
        }
    }
}
