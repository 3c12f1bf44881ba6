package dev.hearth.langchain4j;

import dev.hearth.api.GenerationOptions;
import dev.hearth.api.HearthException;
import dev.hearth.api.Message;
import dev.hearth.api.ResponseFormat;
import dev.hearth.api.Tool;
import dev.hearth.api.ToolCall;
import dev.hearth.api.ToolChoice;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.DefaultChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.json.JsonSchema;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns a LangChain4j chat request into a Hearth one. Whatever has no Hearth counterpart (an image, a named user, a
 * provider's own request parameters) is refused by name with LangChain4j's {@link InvalidRequestException}, never
 * dropped: a request that silently lost part of itself would give answers nobody asked for.
 *
 * @param baseOptions      what LangChain4j cannot express (seed, min-p, repetition penalty, logit bias); its
 *                         parameters override these
 * @param strictTools      send every tool as strict, so the local engine constrains calls to the tool's schema
 * @param strictJsonSchema mark JSON-schema response formats strict (remote providers then enforce them too)
 */
record RequestMapper(GenerationOptions baseOptions, boolean strictTools, boolean strictJsonSchema) {

    dev.hearth.api.ChatRequest toHearth(ChatRequest request) {
        try {
            ChatRequestParameters parameters = request.parameters();
            List<Message> messages = new ArrayList<>();
            for (ChatMessage message : request.messages()) {
                messages.add(message(message));
            }
            List<Tool> tools = parameters == null || parameters.toolSpecifications() == null ? List.of()
                    : parameters.toolSpecifications().stream().map(this::tool).toList();
            return dev.hearth.api.ChatRequest.builder()
                    .messages(messages)
                    .tools(tools)
                    .options(options(parameters))
                    .model(parameters == null ? null : parameters.modelName())
                    .build();
        } catch (HearthException | IllegalArgumentException refused) {
            throw new InvalidRequestException(refused.getMessage(), refused);
        }
    }

    /** The sampling options of {@code parameters} over {@link #baseOptions}. */
    GenerationOptions options(ChatRequestParameters parameters) {
        if (parameters == null) {
            return baseOptions;
        }
        if (parameters.getClass() != DefaultChatRequestParameters.class) {
            // a provider's subclass carries settings of that provider (OpenAI's seed, logit bias, ...) Hearth would lose
            throw new InvalidRequestException("Request parameters of type " + parameters.getClass().getName()
                    + " carry settings Hearth cannot map; build them with ChatRequestParameters.builder() and set "
                    + "Hearth's own options through the model builder's generationOptions(...)");
        }
        GenerationOptions.Builder options = baseOptions.toBuilder();
        if (parameters.temperature() != null) {
            options.temperature(parameters.temperature());
        }
        if (parameters.topP() != null) {
            options.topP(parameters.topP());
        }
        if (parameters.topK() != null) {
            options.topK(parameters.topK());
        }
        if (parameters.maxOutputTokens() != null) {
            options.maxTokens(parameters.maxOutputTokens());
        }
        if (parameters.stopSequences() != null && !parameters.stopSequences().isEmpty()) {
            options.stopSequences(parameters.stopSequences());
        }
        if (parameters.frequencyPenalty() != null) {
            options.frequencyPenalty(parameters.frequencyPenalty());
        }
        if (parameters.presencePenalty() != null) {
            options.presencePenalty(parameters.presencePenalty());
        }
        if (parameters.toolChoice() != null) {
            options.toolChoice(switch (parameters.toolChoice()) {
                case AUTO -> ToolChoice.auto();
                case REQUIRED -> ToolChoice.required();
                case NONE -> ToolChoice.none();
            });
        }
        if (parameters.responseFormat() != null) {
            options.responseFormat(responseFormat(parameters.responseFormat()));
        }
        return options.build();
    }

    private ResponseFormat responseFormat(dev.langchain4j.model.chat.request.ResponseFormat format) {
        if (format.type() == ResponseFormatType.TEXT) {
            return ResponseFormat.text();
        }
        JsonSchema schema = format.jsonSchema();
        if (schema == null) {
            return ResponseFormat.json();
        }
        if (schema.rootElement() == null) {
            throw new InvalidRequestException("JSON response format '" + schema.name() + "' has no root element");
        }
        String name = schema.name() == null || schema.name().isBlank() ? "response" : schema.name();
        return ResponseFormat.jsonSchema(name, JsonSchemaText.of(schema.rootElement(), strictJsonSchema),
                strictJsonSchema);
    }

    Tool tool(ToolSpecification specification) {
        boolean strict = strictTools || Boolean.TRUE.equals(specification.strict());
        String parameters = specification.parameters() == null
                ? (strict ? "{\"type\":\"object\",\"properties\":{},\"additionalProperties\":false}"
                        : "{\"type\":\"object\",\"properties\":{}}")
                : JsonSchemaText.of(specification.parameters(), strict);
        String description = specification.description() == null ? "" : specification.description();
        return new Tool(specification.name(), description, parameters, strict);
    }

    private static Message message(ChatMessage message) {
        return switch (message) {
            case SystemMessage system -> Message.system(system.text());
            case UserMessage user -> {
                if (user.name() != null) {
                    throw new InvalidRequestException("UserMessage name '" + user.name()
                            + "' cannot be sent: Hearth messages carry no author name");
                }
                yield Message.user(text(user.contents(), "UserMessage"));
            }
            case AiMessage ai -> {
                if (ai.images() != null && !ai.images().isEmpty()) {
                    throw new InvalidRequestException("AiMessage with " + ai.images().size()
                            + " generated images cannot be sent: Hearth messages carry text only");
                }
                // the model's earlier reasoning (ai.thinking()) is not sent back, as the providers' own APIs expect
                List<ToolCall> calls = new ArrayList<>();
                if (ai.toolExecutionRequests() != null) {
                    for (ToolExecutionRequest call : ai.toolExecutionRequests()) {
                        calls.add(toolCall(call));
                    }
                }
                yield Message.assistant(ai.text() == null ? "" : ai.text(), calls);
            }
            case ToolExecutionResultMessage result -> {
                if (result.id() == null || result.id().isBlank()) {
                    throw new InvalidRequestException("ToolExecutionResultMessage for tool '" + result.toolName()
                            + "' has no id: Hearth matches each result to its call by id");
                }
                String content = result.hasSingleText() ? result.text()
                        : text(result.contents(), "ToolExecutionResultMessage");
                yield Message.toolResult(result.id(), content == null ? "" : content);
            }
            default -> throw new InvalidRequestException("Chat message type " + message.type() + " ("
                    + message.getClass().getName() + ") has no Hearth counterpart");
        };
    }

    private static ToolCall toolCall(ToolExecutionRequest call) {
        if (call.id() == null || call.id().isBlank()) {
            throw new InvalidRequestException("Tool execution request for '" + call.name()
                    + "' has no id: Hearth matches each result to its call by id");
        }
        return new ToolCall(call.id(), call.name(), call.arguments() == null || call.arguments().isBlank()
                ? "{}" : call.arguments());
    }

    private static String text(List<Content> contents, String where) {
        StringBuilder text = new StringBuilder();
        for (Content content : contents) {
            if (!(content instanceof TextContent part)) {
                throw new InvalidRequestException(where + " content of type " + content.type()
                        + " cannot be sent: Hearth messages carry text only");
            }
            if (!text.isEmpty()) {
                text.append('\n');
            }
            text.append(part.text());
        }
        return text.toString();
    }
}
