package dev.hearth.remote.providers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.api.ChatRequest;

import java.net.http.HttpRequest;

/** One provider's wire format: where to post, how to authenticate, the request body, and how to read the answer. */
interface Protocol {

    /** The endpoint, relative to the base URI (e.g. {@code "chat/completions"}). */
    String path();

    /** Adds authentication and version headers. */
    void headers(HttpRequest.Builder request);

    /** The JSON request body; {@code stream} selects the streaming form. */
    ObjectNode body(ChatRequest request, boolean stream);

    /** True for server-sent events, false for newline-delimited JSON. */
    boolean eventStream();

    /** Applies one streamed event ({@code name} is null for NDJSON and unnamed SSE events). */
    void event(String name, String data, Answer answer);

    /** Applies a complete, non-streamed response body. */
    void complete(JsonNode body, Answer answer);
}
