package dev.hearth.remote.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.api.HearthException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Routes every request and applies the server's rules in order: known path (404), allowed method (405), credentials
 * (401), body size (413) and JSON (400), then, for generating endpoints, a slot in the bounded queue (429). Every
 * refusal is written in the dialect of the API the path belongs to; an error after a stream has begun becomes that
 * stream's error event. Handlers block: Jetty runs them on virtual threads.
 */
final class NodeHandler extends Handler.Abstract {
    private static final Logger LOG = LoggerFactory.getLogger(NodeHandler.class);
    /** Status recorded for a request whose client went away before its answer was complete (as nginx logs it). */
    private static final int CLIENT_CLOSED = 499;

    /** One path: its API, method, and whether it reads a body, generates (and so takes a slot) or is open to all. */
    private record Route(String path, Dialect dialect, String method, Endpoint endpoint, boolean readsBody,
                         boolean generates, boolean open) {
    }

    private final Map<String, Route> routes;
    private final Route modelById;
    private final byte[] token;
    private final long maxBodyBytes;
    private final Admission admission;
    private final ServerMetrics metrics;
    /** Browser origins allowed to call this node (CORS); empty: none, the default; {@code *}: any. */
    private final Set<String> corsOrigins;

    NodeHandler(ServerContext context, String token, long maxBodyBytes, Admission admission, Set<String> corsOrigins) {
        super(InvocationType.BLOCKING);
        this.corsOrigins = Set.copyOf(corsOrigins);
        this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
        this.maxBodyBytes = maxBodyBytes;
        this.admission = admission;
        this.metrics = context.metrics();
        ModelsEndpoint models = new ModelsEndpoint(context.catalog());
        MessagesEndpoint messages = new MessagesEndpoint(context);
        OllamaModelsEndpoint ollamaModels = new OllamaModelsEndpoint(context);
        OllamaEmbedEndpoint ollamaEmbed = new OllamaEmbedEndpoint(context);
        List<Route> all = List.of(
                generating("/v1/chat/completions", Dialect.OPENAI, new ChatCompletionsEndpoint(context)),
                generating("/v1/completions", Dialect.OPENAI, new CompletionsEndpoint(context)),
                generating("/v1/responses", Dialect.OPENAI, new ResponsesEndpoint(context)),
                new Route("/v1/embeddings", Dialect.OPENAI, "POST", new EmbeddingsEndpoint(context), true, false, false),
                new Route("/v1/models", Dialect.OPENAI, "GET", models::list, false, false, false),
                generating("/v1/messages", Dialect.ANTHROPIC, messages),
                new Route("/v1/messages/count_tokens", Dialect.ANTHROPIC, "POST", messages::countTokens, true, false, false),
                generating("/api/chat", Dialect.OLLAMA, new OllamaChatEndpoint(context)),
                generating("/api/generate", Dialect.OLLAMA, new OllamaGenerateEndpoint(context)),
                new Route("/api/tags", Dialect.OLLAMA, "GET", ollamaModels::tags, false, false, false),
                new Route("/api/show", Dialect.OLLAMA, "POST", ollamaModels::show, true, false, false),
                new Route("/api/ps", Dialect.OLLAMA, "GET", ollamaModels::ps, false, false, false),
                new Route("/api/version", Dialect.OLLAMA, "GET", ollamaModels::version, false, false, false),
                new Route("/api/embed", Dialect.OLLAMA, "POST", ollamaEmbed::embed, true, false, false),
                new Route("/api/embeddings", Dialect.OLLAMA, "POST", ollamaEmbed::embeddings, true, false, false),
                new Route("/health", Dialect.OPENAI, "GET", exchange -> health(exchange, context), false, false, true),
                new Route("/metrics", Dialect.OPENAI, "GET",
                        exchange -> exchange.send(200, "text/plain; version=0.0.4; charset=utf-8",
                                metrics.render(admission.running(), admission.waiting())),
                        false, false, false));
        this.routes = all.stream().collect(java.util.stream.Collectors.toUnmodifiableMap(Route::path, route -> route));
        this.modelById = new Route("/v1/models/{id}", Dialect.OPENAI, "GET", models::one, false, false, false);
    }

    private static Route generating(String path, Dialect dialect, Endpoint endpoint) {
        return new Route(path, dialect, "POST", endpoint, true, true, false);
    }

    private static void health(Exchange exchange, ServerContext context) throws IOException {
        ObjectNode health = Json.object();
        health.put("status", "ok");
        context.catalog().models().forEach(health.putArray("models")::add);
        exchange.json(200, health);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        if (cors(request, response)) {
            response.setStatus(204);
            callback.succeeded();
            return true;
        }
        String path = request.getHttpURI().getPath();
        Route route = routes.get(path);
        if (route == null && path.startsWith("/v1/models/") && path.length() > "/v1/models/".length()) {
            route = modelById;
        }
        Exchange exchange = new Exchange(request, response, route != null ? route.dialect() : Dialect.ofPath(path));
        // a generation may run long without any I/O: that is work, not an idle connection
        request.addIdleTimeoutListener(timeout -> false);
        String endpoint = route != null ? route.path() : "unmatched";
        metrics.requestStarted();
        int status = CLIENT_CLOSED;
        try {
            serve(route, exchange);
            status = response.getStatus();
            callback.succeeded();
        } catch (ApiError error) {
            status = refuse(exchange, endpoint, error, callback);
        } catch (HearthException failure) {
            status = refuse(exchange, endpoint, ApiError.from(failure), callback);
        } catch (ClientGoneException gone) {
            LOG.debug("{} {}: {}", request.getMethod(), path, gone.getMessage());
            callback.failed(gone);
        } catch (IOException | RuntimeException failure) {
            LOG.error("{} {} failed", request.getMethod(), path, failure);
            status = refuse(exchange, endpoint, ApiError.of(ApiError.Kind.SERVER_ERROR,
                    "The server failed to answer: " + failure.getClass().getSimpleName(), null), callback);
        } finally {
            metrics.requestFinished(endpoint, status);
        }
        return true;
    }

    private void serve(Route route, Exchange exchange) throws IOException {
        if (route == null) {
            throw ApiError.of(ApiError.Kind.NOT_FOUND, "No endpoint " + exchange.path() + " on this Hearth node.", null);
        }
        if (!route.method().equals(exchange.method())) {
            exchange.setHeader(HttpHeader.ALLOW.asString(), route.method());
            throw ApiError.of(ApiError.Kind.METHOD_NOT_ALLOWED, exchange.method() + " is not allowed on " + exchange.path()
                    + "; use " + route.method() + ".", null);
        }
        if (!route.open()) {
            authorize(exchange);
        }
        if (route.readsBody()) {
            exchange.readBody(maxBodyBytes);
        }
        if (!route.generates()) {
            route.endpoint().handle(exchange);
            return;
        }
        Admission.Permit permit = admission.enter(exchange);
        try {
            route.endpoint().handle(exchange);
        } finally {
            permit.close();
        }
    }

    /**
     * Applies CORS for a configured origin: marks the answer readable by that origin and answers a preflight itself
     * (true), before credentials are checked, since browsers send none with a preflight. Requests from other origins
     * get no CORS headers, so browsers keep their pages from reading the answers.
     */
    private boolean cors(Request request, Response response) {
        String origin = request.getHeaders().get(HttpHeader.ORIGIN);
        if (origin == null || corsOrigins.isEmpty() || !(corsOrigins.contains(origin) || corsOrigins.contains("*"))) {
            return false;
        }
        response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        response.getHeaders().add(HttpHeader.VARY, "Origin");
        String preflightMethod = request.getHeaders().get(HttpHeader.ACCESS_CONTROL_REQUEST_METHOD);
        if (!"OPTIONS".equals(request.getMethod()) || preflightMethod == null) {
            return false;
        }
        response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_METHODS, "GET, POST, OPTIONS");
        String headers = request.getHeaders().get(HttpHeader.ACCESS_CONTROL_REQUEST_HEADERS);
        if (headers != null) {
            response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_HEADERS, headers);
        }
        response.getHeaders().put(HttpHeader.ACCESS_CONTROL_MAX_AGE, "600");
        return true;
    }

    /** Accepts the token as {@code Authorization: Bearer} (OpenAI, Ollama) or {@code x-api-key} (Anthropic). */
    private void authorize(Exchange exchange) {
        if (token == null) {
            return;
        }
        String authorization = exchange.header(HttpHeader.AUTHORIZATION.asString());
        String offered = null;
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            offered = authorization.substring(7).trim();
        } else if (exchange.header("x-api-key") != null) {
            offered = exchange.header("x-api-key").trim();
        }
        if (offered == null) {
            exchange.setHeader(HttpHeader.WWW_AUTHENTICATE.asString(), "Bearer");
            throw ApiError.of(ApiError.Kind.AUTHENTICATION,
                    "This Hearth node needs a token: send 'Authorization: Bearer <token>' or 'x-api-key: <token>'.", null);
        }
        // constant time: the comparison must not tell an attacker how much of a guess was right
        if (!MessageDigest.isEqual(token, offered.getBytes(StandardCharsets.UTF_8))) {
            exchange.setHeader(HttpHeader.WWW_AUTHENTICATE.asString(), "Bearer error=\"invalid_token\"");
            throw ApiError.of(ApiError.Kind.AUTHENTICATION, "The token sent is not valid for this Hearth node.", null);
        }
    }

    /** Writes the error in the route's dialect, as a whole answer or as the last event of a started stream. */
    private int refuse(Exchange exchange, String endpoint, ApiError error, Callback callback) {
        metrics.error(endpoint, error.kind());
        if (error.kind() == ApiError.Kind.SERVER_ERROR) {
            LOG.warn("{} answered 500: {}", endpoint, error.getMessage(), error.getCause());
        } else {
            LOG.debug("{} refused with {}: {}", endpoint, error.status(), error.getMessage());
        }
        try {
            if (exchange.streaming()) {
                exchange.streamPiece(exchange.dialect().streamError(error));
                exchange.endStream();
                callback.succeeded();
                return 200;
            }
            if (exchange.committed()) {
                callback.failed(error);
                return CLIENT_CLOSED;
            }
            if (error.kind() == ApiError.Kind.RATE_LIMITED) {
                exchange.setHeader(HttpHeader.RETRY_AFTER.asString(), "1");
            }
            exchange.json(error.status(), exchange.dialect().errorBody(error));
            callback.succeeded();
            return error.status();
        } catch (IOException gone) {
            callback.failed(gone);
            return CLIENT_CLOSED;
        }
    }
}
