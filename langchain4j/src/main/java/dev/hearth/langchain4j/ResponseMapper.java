package dev.hearth.langchain4j;

import dev.hearth.api.ToolCall;
import dev.hearth.api.Usage;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;

import java.util.List;

/** Turns Hearth's answer into LangChain4j's. */
final class ResponseMapper {
    private ResponseMapper() {
    }

    static ChatResponse toLangChain4j(dev.hearth.api.ChatResponse answer) {
        List<ToolExecutionRequest> calls = answer.toolCalls().stream().map(ResponseMapper::toolExecutionRequest).toList();
        // LangChain4j leaves the text null when an answer is only tool calls
        String text = answer.text().isEmpty() && !calls.isEmpty() ? null : answer.text();
        AiMessage message = AiMessage.builder().text(text).toolExecutionRequests(calls).build();
        Usage usage = answer.usage();
        HearthChatResponseMetadata metadata = HearthChatResponseMetadata.builder()
                .route(answer.route())
                .timings(answer.timings())
                .hearthFinishReason(answer.finishReason())
                .toolCallErrors(answer.toolCallErrors())
                .modelName(answer.route().model())
                .tokenUsage(new HearthTokenUsage(usage.promptTokens(), usage.cachedPromptTokens(), usage.completionTokens()))
                .finishReason(finishReason(answer))
                .build();
        return ChatResponse.builder().aiMessage(message).metadata(metadata).build();
    }

    static ToolExecutionRequest toolExecutionRequest(ToolCall call) {
        return ToolExecutionRequest.builder().id(call.id()).name(call.name()).arguments(call.argumentsJson()).build();
    }

    static FinishReason finishReason(dev.hearth.api.ChatResponse answer) {
        return switch (answer.finishReason()) {
            case STOP, STOP_SEQUENCE -> FinishReason.STOP;
            case LENGTH, CONTEXT_FULL -> FinishReason.LENGTH;
            // calls written so wrongly that none parsed leave nothing to execute: the errors are in the metadata
            case TOOL_CALLS -> answer.toolCalls().isEmpty() ? FinishReason.OTHER : FinishReason.TOOL_EXECUTION;
            case CANCELLED -> FinishReason.OTHER;
        };
    }
}
