package dev.hearth.remote.server;

import java.io.IOException;

/** Answers one route. Throws {@link ApiError} for a request it refuses; the handler renders it in the route's dialect. */
@FunctionalInterface
interface Endpoint {
    void handle(Exchange exchange) throws IOException;
}
