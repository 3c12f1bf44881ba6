package dev.hearth.cluster;

import dev.hearth.api.ConfigurationException;
import dev.hearth.api.spi.RuntimeSpec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** How to join a cluster and which model to run across it; setters reject bad values at once. */
public final class ClusterSpec implements RuntimeSpec {
    public static final String PROVIDER = "cluster";

    private final String name;
    private Path model;
    private ClusterSecret secret = ClusterSecret.none();
    private final List<String> seeds = new ArrayList<>();
    private int hazelcastPort = NodeSettings.DEFAULT_HAZELCAST_PORT;
    private String bindHost;
    private long memoryBudgetBytes = DataSizes.halfOfPhysicalMemory();
    private int threads = Runtime.getRuntime().availableProcessors();
    private int contextLength = 2048;
    private int maxStages = Integer.MAX_VALUE;
    private int minNodes = 1;
    private Duration joinTimeout = Duration.ofSeconds(30);
    private RemoteStagePipeline.Timeouts timeouts = RemoteStagePipeline.Timeouts.defaults();
    private boolean resumeOnFailure;
    private WireFormat wireFormat = WireFormat.F32;

    ClusterSpec(String name) {
        if (name == null || name.isBlank()) {
            throw new ConfigurationException("a cluster needs a name");
        }
        this.name = name;
    }

    @Override
    public String provider() {
        return PROVIDER;
    }

    /** The GGUF file to run; every node that should host layers holds a copy (same sha256). */
    public ClusterSpec model(Path model) {
        this.model = Objects.requireNonNull(model, "model");
        return this;
    }

    /** The cluster secret (at least 16 characters); without one every node binds 127.0.0.1 only. */
    public ClusterSpec secret(String secret) {
        this.secret = ClusterSecret.of(secret);
        return this;
    }

    public ClusterSpec secret(ClusterSecret secret) {
        this.secret = Objects.requireNonNull(secret, "secret");
        return this;
    }

    /** A Hazelcast member to join over TCP ({@code host:port}); without seeds nodes find each other by multicast. */
    public ClusterSpec seed(String hostAndPort) {
        seeds.add(Objects.requireNonNull(hostAndPort, "hostAndPort"));
        return this;
    }

    /** First Hazelcast port this node tries (default 5701; the next 19 too). */
    public ClusterSpec hazelcastPort(int port) {
        if (port < 1 || port > 65535) {
            throw new ConfigurationException("hazelcastPort must be a port number, was " + port);
        }
        this.hazelcastPort = port;
        return this;
    }

    /** The interface to bind when a secret is set (default: all). */
    public ClusterSpec bindHost(String host) {
        this.bindHost = Objects.requireNonNull(host, "host");
        return this;
    }

    /** Bytes of weights and KV cache this node lends to stages (default: half the physical memory; 0: it hosts none). */
    public ClusterSpec memoryBudget(long bytes) {
        if (bytes < 0) {
            throw new ConfigurationException("memoryBudget must not be negative, was " + bytes);
        }
        this.memoryBudgetBytes = bytes;
        return this;
    }

    public ClusterSpec threads(int threads) {
        if (threads < 1 || threads > 1024) {
            throw new ConfigurationException("threads must be between 1 and 1024, was " + threads);
        }
        this.threads = threads;
        return this;
    }

    /** Tokens of context every stage holds (default 2048); the placement sizes each stage's KV cache by it. */
    public ClusterSpec contextLength(int contextLength) {
        if (contextLength < 1) {
            throw new ConfigurationException("contextLength must be at least 1, was " + contextLength);
        }
        this.contextLength = contextLength;
        return this;
    }

    /** At most this many stages (this node first, then the nodes with the largest budgets). */
    public ClusterSpec maxStages(int maxStages) {
        if (maxStages < 1) {
            throw new ConfigurationException("maxStages must be at least 1, was " + maxStages);
        }
        this.maxStages = maxStages;
        return this;
    }

    /** Waits for this many nodes (this one included) to be live before planning, at most {@code timeout}. */
    public ClusterSpec awaitNodes(int count, Duration timeout) {
        if (count < 1) {
            throw new ConfigurationException("awaitNodes needs at least 1 node, was " + count);
        }
        this.minNodes = count;
        this.joinTimeout = Objects.requireNonNull(timeout, "timeout");
        return this;
    }

    /** The deadline of a whole request on every stage, and the longest wait for one stage's reply. */
    public ClusterSpec timeouts(Duration request, Duration hop) {
        this.timeouts = new RemoteStagePipeline.Timeouts(Objects.requireNonNull(request), Objects.requireNonNull(hop));
        return this;
    }

    /**
     * When a stage's node dies mid-request, re-plan onto the nodes still live and recompute the request there (same
     * tokens); off by default, when a lost stage fails the request with a {@link StageFailureException}.
     */
    public ClusterSpec resumeOnFailure(boolean resume) {
        this.resumeOnFailure = resume;
        return this;
    }

    /**
     * How hidden states cross between stages (default {@link WireFormat#F32}: the logits are bit-identical to one
     * process). {@link WireFormat#BF16} or {@link WireFormat#F16} halve the bytes per hop and move the logits slightly;
     * every node of the cluster must be started with the same format. Logits always come back as float32.
     */
    public ClusterSpec wireFormat(WireFormat format) {
        this.wireFormat = Objects.requireNonNull(format, "format");
        return this;
    }

    public WireFormat wireFormat() {
        return wireFormat;
    }

    public boolean resumeOnFailure() {
        return resumeOnFailure;
    }

    public String name() {
        return name;
    }

    public Optional<Path> model() {
        return Optional.ofNullable(model);
    }

    public int threads() {
        return threads;
    }

    public int contextLength() {
        return contextLength;
    }

    public int maxStages() {
        return maxStages;
    }

    public int minNodes() {
        return minNodes;
    }

    public Duration joinTimeout() {
        return joinTimeout;
    }

    public RemoteStagePipeline.Timeouts timeouts() {
        return timeouts;
    }

    public ClusterSecret secret() {
        return secret;
    }

    /** The settings of this process's own node. */
    public NodeSettings nodeSettings() {
        if (model == null) {
            throw new ConfigurationException("the cluster runtime needs a model: Cluster.join(name).model(path)");
        }
        return new NodeSettings(name, secret, seeds, hazelcastPort, 0, Optional.ofNullable(bindHost), memoryBudgetBytes,
                threads, List.of(model), Duration.ZERO, wireFormat);
    }
}
