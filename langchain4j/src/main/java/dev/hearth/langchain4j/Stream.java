package dev.hearth.langchain4j;

import dev.hearth.api.ChatResponse;
import dev.hearth.api.Generation;
import dev.hearth.api.TokenEvent;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One streamed answer: forwards Hearth's tokens to a LangChain4j handler and is the handle that cancels it. The
 * generation may start producing tokens before {@link #started} hands over its {@link Generation}, so a cancel that
 * comes first is remembered and applied then.
 */
final class Stream implements StreamingHandle {
    private static final Logger LOG = LoggerFactory.getLogger(Stream.class);

    private final StreamingChatResponseHandler handler;
    private final PartialResponseContext context = new PartialResponseContext(this);
    private volatile boolean cancelled;
    private Generation generation;

    Stream(StreamingChatResponseHandler handler) {
        this.handler = handler;
    }

    void token(TokenEvent event) {
        // tokens that only start a multi-token character carry no text yet; LangChain4j expects none empty
        if (!cancelled && !event.text().isEmpty()) {
            handler.onPartialResponse(new PartialResponse(event.text()), context);
        }
    }

    synchronized void started(Generation started) {
        generation = started;
        if (cancelled) {
            started.cancel();
        }
    }

    @Override
    public void cancel() {
        Generation running;
        synchronized (this) {
            cancelled = true;
            running = generation;
        }
        if (running != null) {
            running.cancel();
        }
    }

    @Override
    public boolean isCancelled() {
        return cancelled;
    }

    void finish(ChatResponse answer, Throwable failure) {
        if (cancelled) {
            return;
        }
        if (failure != null) {
            fail(failure);
            return;
        }
        try {
            for (int i = 0; i < answer.toolCalls().size(); i++) {
                handler.onCompleteToolCall(new CompleteToolCall(i, ResponseMapper.toolExecutionRequest(answer.toolCalls().get(i))));
            }
            handler.onCompleteResponse(ResponseMapper.toLangChain4j(answer));
        } catch (RuntimeException handlerFailure) {
            // the caller's handler threw at the end: it is told, as LangChain4j's own providers tell it
            fail(handlerFailure);
        }
    }

    void fail(Throwable failure) {
        try {
            handler.onError(Errors.toLangChain4j(failure));
        } catch (RuntimeException handlerFailure) {
            LOG.warn("A StreamingChatResponseHandler threw from onError; ignoring it", handlerFailure);
        }
    }
}
