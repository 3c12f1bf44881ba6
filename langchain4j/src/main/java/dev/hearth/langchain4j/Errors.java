package dev.hearth.langchain4j;

import dev.hearth.api.ContextOverflowException;
import dev.hearth.api.HearthException;
import dev.hearth.api.ModelLoadException;
import dev.hearth.api.ModelNotFoundException;
import dev.hearth.api.NoRouteException;
import dev.hearth.api.ProviderException;
import dev.hearth.api.RateLimitedException;
import dev.hearth.api.RequestTimeoutException;
import dev.hearth.api.RuntimeFailureException;
import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.LangChain4jException;
import dev.langchain4j.exception.NonRetriableException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.RetriableException;
import dev.langchain4j.exception.TimeoutException;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Maps Hearth's exceptions onto LangChain4j's, so code written against any LangChain4j provider (retry on
 * {@link RetriableException}, report an {@link InvalidRequestException}) reacts the same way. The Hearth exception
 * stays the cause, with its typed details (the route attempts, the provider's status, the retry delay).
 */
final class Errors {
    private Errors() {
    }

    static RuntimeException toLangChain4j(Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof LangChain4jException already) {
            return already;
        }
        if (!(cause instanceof HearthException hearth)) {
            // not Hearth's: the caller's own handler threw, or a bug; passed on as it is
            return cause instanceof RuntimeException runtime ? runtime : new LangChain4jException(cause);
        }
        String message = hearth.getMessage();
        return switch (hearth) {
            case dev.hearth.api.InvalidRequestException invalid -> new InvalidRequestException(message, invalid);
            case ContextOverflowException overflow -> new InvalidRequestException(message, overflow);
            case RateLimitedException limited -> new RateLimitException(message, limited);
            case ProviderException provider -> provider(provider);
            case RequestTimeoutException timeout -> new TimeoutException(message, timeout);
            case ModelNotFoundException missing -> new dev.langchain4j.exception.ModelNotFoundException(message, missing);
            case ModelLoadException load -> new NonRetriableException(message, load);
            case NoRouteException noRoute -> noRoute.getCause() instanceof HearthException last
                    // the last runtime's failure says what kind of failure it was; the route's story stays the cause
                    ? retype(toLangChain4j(last), message, noRoute)
                    : new RetriableException(message, noRoute);
            case RuntimeFailureException runtime -> new InternalServerException(message, runtime);
            default -> new NonRetriableException(message, hearth);
        };
    }

    private static RuntimeException provider(ProviderException provider) {
        String message = provider.getMessage();
        int status = provider.statusCode();
        if (status == 401 || status == 403) {
            return new AuthenticationException(message, provider);
        }
        if (status == 404) {
            return new dev.langchain4j.exception.ModelNotFoundException(message, provider);
        }
        if (status == 400 || status == 413 || status == 422) {
            return new InvalidRequestException(message, provider);
        }
        if (status == 408) {
            return new TimeoutException(message, provider);
        }
        if (status >= 500) {
            return new InternalServerException(message, provider);
        }
        HttpException http = new HttpException(status, message);
        http.initCause(provider);
        return http;
    }

    /** An exception of the same LangChain4j type as {@code mapped}, with {@code message} and {@code cause}. */
    private static RuntimeException retype(RuntimeException mapped, String message, Throwable cause) {
        return switch (mapped) {
            case AuthenticationException ignored -> new AuthenticationException(message, cause);
            case dev.langchain4j.exception.ModelNotFoundException ignored ->
                    new dev.langchain4j.exception.ModelNotFoundException(message, cause);
            case InvalidRequestException ignored -> new InvalidRequestException(message, cause);
            case RateLimitException ignored -> new RateLimitException(message, cause);
            case TimeoutException ignored -> new TimeoutException(message, cause);
            case InternalServerException ignored -> new InternalServerException(message, cause);
            case NonRetriableException ignored -> new NonRetriableException(message, cause);
            default -> new RetriableException(message, cause);
        };
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
