package dev.hearth.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.hearth.api.ConfigurationException;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * A machine's membership in a cluster: an embedded Hazelcast member (discovery, membership, failure detection and the
 * cluster state) and a gRPC server that hosts stages of the models the node holds.
 *
 * <p>Failure detection: members send heartbeats every second and one silent for {@value #MAX_NO_HEARTBEAT_SECONDS}
 * seconds is removed, so a node that dies or is cut off leaves the member list within about five seconds (a node that
 * shuts down cleanly leaves at once). Security with Hazelcast's open-source edition, which has no member
 * authentication or TLS: the cluster name is derived from the secret, so a node with another secret asks to join
 * another cluster and is refused by Hazelcast's join check; the advertised capabilities are signed, and the stage
 * service refuses calls without the token. The derived name crosses the network in clear, so this keeps out
 * misconfigured nodes and anyone without the secret from the data plane, not an eavesdropper from the member list.
 */
public final class ClusterNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);
    static final String NODES_MAP = "hearth.nodes";
    static final String PLANS_MAP = "hearth.plans";
    static final int HEARTBEAT_SECONDS = 1;
    static final int MAX_NO_HEARTBEAT_SECONDS = 4;

    private final NodeSettings settings;
    private final Map<String, Path> filesBySha;
    private final StageHost host;
    private final Server server;
    private final HazelcastInstance hazelcast;
    private final NodeCapabilities capabilities;
    private final List<Consumer<String>> leaveListeners = new CopyOnWriteArrayList<>();
    private final AtomicLong membershipVersion = new AtomicLong();

    private ClusterNode(NodeSettings settings, Map<String, Path> filesBySha, List<HeldModel> held) {
        this.settings = settings;
        this.filesBySha = filesBySha;
        String bind = settings.effectiveBindHost();
        if (!settings.secret().present()) {
            LOG.warn("No cluster secret: binding 127.0.0.1 only, so only processes on this machine can join cluster '{}'",
                    settings.clusterName());
        }
        this.host = new StageHost(filesBySha, settings.memoryBudgetBytes(), settings.threads(), Duration.ofSeconds(30),
                settings.injectedBlockDelay(), settings.wireFormat());
        try {
            this.server = NettyServerBuilder.forAddress(new InetSocketAddress(bind, settings.grpcPort()))
                    .maxInboundMessageSize(64 << 20)
                    .addService(ServerInterceptors.intercept(host, new TokenAuthInterceptor(settings.secret())))
                    .build()
                    .start();
        } catch (IOException e) {
            host.close();
            throw new UncheckedIOException("cannot start the stage service on " + bind + ":" + settings.grpcPort(), e);
        }
        try {
            this.hazelcast = Hazelcast.newHazelcastInstance(hazelcastConfig(settings, bind));
        } catch (IllegalStateException e) {
            server.shutdownNow();
            host.close();
            // Hazelcast logs the reason and throws only "Node failed to start!"; the usual one is a join mismatch
            throw new ConfigurationException("could not join cluster '" + settings.clusterName() + "' (" + e.getMessage()
                    + "). If the log above says 'Incompatible joiners', some nodes were started with --seed and some"
                    + " without: give every node the same --seed list, or none to find each other by multicast", e);
        } catch (RuntimeException e) {
            server.shutdownNow();
            host.close();
            throw e;
        }
        String nodeId = hazelcast.getCluster().getLocalMember().getUuid().toString();
        String advertised = bind.equals("0.0.0.0") ? hazelcast.getCluster().getLocalMember().getAddress().getHost() : bind;
        this.capabilities = new NodeCapabilities(nodeId, advertised, server.getPort(), settings.memoryBudgetBytes(),
                settings.threads(), held, "").signedWith(settings.secret());
        hazelcast.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
                LOG.info("Node joined: {}", event.getMember());
                membershipVersion.incrementAndGet();
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                String gone = event.getMember().getUuid().toString();
                LOG.info("Node left: {}", event.getMember());
                membershipVersion.incrementAndGet();
                leaveListeners.forEach(listener -> listener.accept(gone));
                nodes().removeAsync(gone);
            }
        });
        nodes().put(nodeId, capabilities);
        LOG.info("Node {} joined cluster '{}' with {} member(s); stage service on {}, budget {} bytes, models {}",
                nodeId, settings.clusterName(), hazelcast.getCluster().getMembers().size(), capabilities.target(),
                settings.memoryBudgetBytes(), held.stream().map(HeldModel::fileName).toList());
    }

    /** Starts a node: hashes its model files, starts the stage service, joins the cluster and advertises itself. */
    public static ClusterNode start(NodeSettings settings) {
        Map<String, Path> bySha = new HashMap<>();
        List<HeldModel> held = new ArrayList<>();
        for (Path model : settings.models()) {
            HeldModel described = ModelFiles.describe(model);
            bySha.put(described.sha256(), model);
            held.add(described);
        }
        return new ClusterNode(settings, bySha, held);
    }

    private static Config hazelcastConfig(NodeSettings settings, String bind) {
        Config config = new Config();
        config.setClusterName(settings.secret().hazelcastClusterName(settings.clusterName()));
        config.setInstanceName("hearth-" + settings.clusterName() + "-" + ProcessHandle.current().pid() + "-"
                + System.nanoTime());
        config.setProperty("hazelcast.logging.type", "slf4j");
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.heartbeat.interval.seconds", String.valueOf(HEARTBEAT_SECONDS));
        config.setProperty("hazelcast.max.no.heartbeat.seconds", String.valueOf(MAX_NO_HEARTBEAT_SECONDS));
        // the default waits 5 s for other members before forming a cluster; seeds or multicast answer much sooner
        config.setProperty("hazelcast.wait.seconds.before.join", "1");
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        NetworkConfig network = config.getNetworkConfig();
        network.setPort(settings.hazelcastPort()).setPortAutoIncrement(true).setPortCount(20);
        if (!bind.equals("0.0.0.0")) {
            network.getInterfaces().setEnabled(true).addInterface(bind);
            config.setProperty("hazelcast.socket.bind.any", "false");
            config.setProperty("hazelcast.local.localAddress", bind);
        }
        JoinConfig join = network.getJoin();
        join.getAutoDetectionConfig().setEnabled(false);
        if (settings.seeds().isEmpty()) {
            join.getMulticastConfig().setEnabled(true);
            if (!settings.secret().present()) {
                join.getMulticastConfig().setLoopbackModeEnabled(true);
            }
        } else {
            join.getMulticastConfig().setEnabled(false);
            join.getTcpIpConfig().setEnabled(true).setMembers(settings.seeds()).setConnectionTimeoutSeconds(2);
        }
        return config;
    }

    IMap<String, NodeCapabilities> nodes() {
        return hazelcast.getMap(NODES_MAP);
    }

    public String nodeId() {
        return capabilities.nodeId();
    }

    public NodeCapabilities capabilities() {
        return capabilities;
    }

    public NodeSettings settings() {
        return settings;
    }

    /** Ids of the current Hazelcast members. */
    public Set<String> members() {
        return hazelcast.getCluster().getMembers().stream().map(Member::getUuid).map(Object::toString)
                .collect(Collectors.toSet());
    }

    /**
     * The capabilities of the live members whose signature checks out; a member that has not published yet, or whose
     * entry does not verify against this node's secret, is left out (and the latter logged).
     */
    public List<NodeCapabilities> liveNodes() {
        Set<String> members = members();
        List<NodeCapabilities> live = new ArrayList<>();
        for (NodeCapabilities node : nodes().values()) {
            if (!members.contains(node.nodeId())) {
                continue;
            }
            if (!settings.secret().verify(node.signedText(), node.signature())) {
                LOG.warn("Ignoring node {} at {}: its capabilities are not signed with this cluster's secret",
                        node.nodeId(), node.target());
                continue;
            }
            live.add(node);
        }
        return live;
    }

    /** Waits until at least {@code count} verified nodes are live; returns whether they are. */
    public boolean awaitNodes(int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (liveNodes().size() < count) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** A counter that moves whenever a member joins or leaves. */
    public long membershipVersion() {
        return membershipVersion.get();
    }

    /** Whether every member has published capabilities that verify (a new member publishes right after joining). */
    public boolean settled() {
        return liveNodes().size() == members().size();
    }

    /** Called with a member's id when Hazelcast removes it from the cluster. */
    public void onNodeLeft(Consumer<String> listener) {
        leaveListeners.add(listener);
    }

    /** Publishes a plan in the cluster state, keyed by the model's sha256. */
    public void publish(Placement placement) {
        hazelcast.<String, Placement>getMap(PLANS_MAP).put(placement.modelSha256(), placement);
    }

    /** The plan last published for the model with {@code sha256}. */
    public Optional<Placement> publishedPlan(String sha256) {
        return Optional.ofNullable(hazelcast.<String, Placement>getMap(PLANS_MAP).get(sha256));
    }

    /** The path of a model this node holds, by sha256. */
    public Optional<Path> modelFile(String sha256) {
        return Optional.ofNullable(filesBySha.get(sha256));
    }

    @Override
    public void close() {
        try {
            nodes().remove(nodeId());
        } catch (RuntimeException e) {
            LOG.debug("Could not withdraw this node's entry", e);
        }
        hazelcast.shutdown();
        server.shutdownNow();
        host.close();
    }
}
