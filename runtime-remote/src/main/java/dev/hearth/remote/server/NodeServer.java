package dev.hearth.remote.server;

import dev.hearth.api.ConfigurationException;
import dev.hearth.api.GenerationOptions;
import dev.hearth.api.InferenceClient;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;

/**
 * Serves an {@link InferenceClient} over HTTP in the dialects existing tools speak, so that the OpenAI and Anthropic
 * SDKs, Ollama clients and curl can use a Hearth node without knowing it is Java:
 *
 * <pre>{@code
 * try (InferenceClient client = InferenceClient.builder().runtime(Gguf.model(path)).build();
 *      NodeServer server = NodeServer.builder().client(client).bind("127.0.0.1", 8080).build().start()) {
 *     // POST http://127.0.0.1:8080/v1/chat/completions ...
 * }
 * }</pre>
 *
 * <table>
 *   <caption>Endpoints</caption>
 *   <tr><td>{@code POST /v1/chat/completions}, {@code /v1/completions}, {@code /v1/responses}</td><td>OpenAI, blocking or SSE</td></tr>
 *   <tr><td>{@code GET /v1/models}, {@code /v1/models/{id}}</td><td>OpenAI model list</td></tr>
 *   <tr><td>{@code POST /v1/embeddings}</td><td>OpenAI, from runtimes that compute embeddings</td></tr>
 *   <tr><td>{@code POST /v1/messages}, {@code /v1/messages/count_tokens}</td><td>Anthropic Messages, blocking or
 *   SSE; {@code /v1/models} answers Anthropic clients in Anthropic's shape</td></tr>
 *   <tr><td>{@code POST /api/chat}, {@code /api/generate}, {@code /api/embed}, {@code /api/embeddings},
 *   {@code /api/show}; {@code GET /api/tags}, {@code /api/ps}, {@code /api/version}</td><td>Ollama, NDJSON or
 *   blocking</td></tr>
 *   <tr><td>{@code GET /health}, {@code /metrics}</td><td>liveness (no token needed); Prometheus text</td></tr>
 * </table>
 *
 * <p>Browsers: CORS is off unless {@link Builder#corsOrigin} names the origins whose pages may call the node.
 *
 * <p>Safety: the server binds 127.0.0.1 unless told otherwise, and refuses to build for any other address without a
 * bearer token; with a token, every endpoint but {@code /health} needs {@code Authorization: Bearer <token>} or
 * {@code x-api-key: <token>}. Bodies over {@link Builder#maxBodyBytes} get a 413; at most
 * {@link Builder#maxConcurrentRequests} generations run at once, {@link Builder#queueCapacity} more wait, and the
 * rest get a 429 with {@code Retry-After}. A client that closes its connection while its answer is generated,
 * streaming or not, cancels that generation and frees its slot.
 *
 * <p>The server does not own the client: closing the server leaves the client open.
 */
public final class NodeServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeServer.class);

    private final Server jetty;
    private final ServerConnector connector;
    private final GenerationRunner runner;
    private final String host;
    private final boolean authenticated;
    private volatile boolean started;

    private NodeServer(Builder builder) {
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("hearth-server");
        // handlers block on generations: virtual threads keep a long answer from holding a platform thread
        threads.setVirtualThreadsExecutor(Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("hearth-server-request-", 0).factory()));
        this.jetty = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        this.connector = new ServerConnector(jetty, new HttpConnectionFactory(http));
        connector.setHost(builder.host);
        connector.setPort(builder.port);
        connector.setIdleTimeout(builder.idleTimeout.toMillis());
        jetty.addConnector(connector);
        ServerMetrics metrics = new ServerMetrics();
        this.runner = new GenerationRunner(builder.client, metrics);
        ServerContext context = new ServerContext(new ModelCatalog(builder.client), runner, builder.defaultOptions, metrics);
        jetty.setHandler(new NodeHandler(context, builder.bearerToken, builder.maxBodyBytes,
                new Admission(builder.maxConcurrentRequests, builder.queueCapacity), builder.corsOrigins));
        // no graceful wait on close: running generations are cancelled first, so nothing is left worth waiting for
        jetty.setStopTimeout(0);
        this.host = builder.host;
        this.authenticated = builder.bearerToken != null;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Binds and starts serving; returns this server.
     *
     * @throws ConfigurationException when the address cannot be bound (in use, not local)
     */
    public synchronized NodeServer start() {
        if (started) {
            throw new ConfigurationException("This NodeServer is already started");
        }
        try {
            jetty.start();
        } catch (Exception e) {
            try {
                jetty.stop();
            } catch (Exception stopFailure) {
                e.addSuppressed(stopFailure);
            }
            throw new ConfigurationException("Could not start the Hearth node server on " + host + ":"
                    + connector.getPort() + ": " + e.getMessage(), e);
        }
        started = true;
        LOG.info("Hearth node serving on {}{}", baseUri(), authenticated ? " (bearer token required)" : "");
        return this;
    }

    /** The port bound (the one chosen by the system when configured as 0); -1 before {@link #start()}. */
    public int port() {
        return connector.getLocalPort();
    }

    /** The address to reach the server at, e.g. {@code http://127.0.0.1:8080}. */
    public URI baseUri() {
        String literal = host.contains(":") ? "[" + host + "]" : host;
        return URI.create("http://" + literal + ":" + port());
    }

    /** Cancels running generations, stops accepting requests and closes the connections. Idempotent. */
    @Override
    public synchronized void close() {
        if (!jetty.isStopped()) {
            runner.cancelAll();
            try {
                jetty.stop();
            } catch (Exception e) {
                LOG.warn("Stopping the Hearth node server failed", e);
            }
        }
    }

    @Override
    public String toString() {
        return "NodeServer[" + host + ":" + port() + (authenticated ? ", token required" : "") + "]";
    }

    /** Configures a server; {@link #build()} checks everything and names the first bad value. */
    public static final class Builder {
        private InferenceClient client;
        private String host = "127.0.0.1";
        private int port = 8080;
        private String bearerToken;
        private long maxBodyBytes = 8L * 1024 * 1024;
        private int maxConcurrentRequests = 4;
        private int queueCapacity = 32;
        private Duration idleTimeout = Duration.ofMinutes(5);
        private GenerationOptions defaultOptions = GenerationOptions.defaults();
        private final Set<String> corsOrigins = new LinkedHashSet<>();

        private Builder() {
        }

        /** The client whose runtimes answer; required. The caller keeps ownership and closes it. */
        public Builder client(InferenceClient client) {
            this.client = Objects.requireNonNull(client, "client");
            return this;
        }

        /** Where to listen; defaults to 127.0.0.1:8080. Port 0 picks a free port (see {@link NodeServer#port()}). */
        public Builder bind(String host, int port) {
            if (host == null || host.isBlank()) {
                throw new ConfigurationException("host must be a name or an address, was " + (host == null ? "null" : "blank"));
            }
            if (port < 0 || port > 65535) {
                throw new ConfigurationException("port must be between 0 and 65535, was " + port);
            }
            this.host = host;
            this.port = port;
            return this;
        }

        /** Requires this token on every request but {@code /health}; mandatory when binding beyond loopback. */
        public Builder bearerToken(String token) {
            if (token == null || token.isBlank()) {
                throw new ConfigurationException("bearerToken must not be blank");
            }
            if (token.chars().anyMatch(c -> c <= ' ' || c >= 127)) {
                throw new ConfigurationException("bearerToken must be printable ASCII without spaces");
            }
            this.bearerToken = token;
            return this;
        }

        /** Largest request body accepted; larger ones get a 413. Defaults to 8 MiB. */
        public Builder maxBodyBytes(long maxBodyBytes) {
            if (maxBodyBytes < 1 || maxBodyBytes > Integer.MAX_VALUE - 16) {
                throw new ConfigurationException("maxBodyBytes must be between 1 and " + (Integer.MAX_VALUE - 16) + ", was " + maxBodyBytes);
            }
            this.maxBodyBytes = maxBodyBytes;
            return this;
        }

        /** Generations running at once; defaults to 4 (a local runtime still runs one at a time and queues the rest). */
        public Builder maxConcurrentRequests(int maxConcurrentRequests) {
            if (maxConcurrentRequests < 1) {
                throw new ConfigurationException("maxConcurrentRequests must be at least 1, was " + maxConcurrentRequests);
            }
            this.maxConcurrentRequests = maxConcurrentRequests;
            return this;
        }

        /** Generating requests that may wait for a slot; beyond them requests get a 429. Defaults to 32. */
        public Builder queueCapacity(int queueCapacity) {
            if (queueCapacity < 0) {
                throw new ConfigurationException("queueCapacity must be >= 0, was " + queueCapacity);
            }
            this.queueCapacity = queueCapacity;
            return this;
        }

        /** How long a connection may stay silent between requests before it is closed; defaults to 5 minutes. */
        public Builder idleTimeout(Duration idleTimeout) {
            if (idleTimeout == null || idleTimeout.isNegative() || idleTimeout.isZero()) {
                throw new ConfigurationException("idleTimeout must be positive, was " + idleTimeout);
            }
            this.idleTimeout = idleTimeout;
            return this;
        }

        /**
         * Lets web pages from {@code origin} (e.g. {@code http://localhost:5173}; {@code *} for any) call this node from
         * a browser: their preflight {@code OPTIONS} requests are answered and answers carry
         * {@code Access-Control-Allow-Origin}. Off by default; may be called for several origins. A token, when set,
         * is still required on the requests themselves.
         */
        public Builder corsOrigin(String origin) {
            if (origin == null || !(origin.equals("*") || origin.matches("https?://[^/\\s]+"))) {
                throw new ConfigurationException("corsOrigin must be '*' or an origin such as http://localhost:5173 "
                        + "(scheme, host and optional port, no path), was " + origin);
            }
            corsOrigins.add(origin);
            return this;
        }

        /** The sampling options requests start from before their own fields apply. */
        public Builder defaultOptions(GenerationOptions defaultOptions) {
            this.defaultOptions = Objects.requireNonNull(defaultOptions, "defaultOptions");
            return this;
        }

        /**
         * @throws ConfigurationException without a client, or when binding beyond loopback without a bearer token
         */
        public NodeServer build() {
            if (client == null) {
                throw new ConfigurationException("NodeServer needs a client: call .client(inferenceClient)");
            }
            if (bearerToken == null && !isLoopback(host)) {
                throw new ConfigurationException("Refusing to serve on " + host + " without a bearer token: anyone on the "
                        + "network could use this node. Set .bearerToken(...) (hearth serve --token or HEARTH_TOKEN), "
                        + "or bind 127.0.0.1.");
            }
            return new NodeServer(this);
        }

        private static boolean isLoopback(String host) {
            try {
                for (InetAddress address : InetAddress.getAllByName(host)) {
                    if (!address.isLoopbackAddress()) {
                        return false;
                    }
                }
                return true;
            } catch (UnknownHostException e) {
                throw new ConfigurationException("Cannot resolve the host to bind, '" + host + "': " + e.getMessage(), e);
            }
        }
    }
}
