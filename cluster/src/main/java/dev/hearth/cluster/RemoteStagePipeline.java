package dev.hearth.cluster;

import dev.hearth.api.CacheControl;
import dev.hearth.api.CacheStats;
import dev.hearth.api.InvalidRequestException;
import dev.hearth.cluster.proto.Begin;
import dev.hearth.cluster.proto.Block;
import dev.hearth.cluster.proto.End;
import dev.hearth.cluster.proto.Output;
import dev.hearth.cluster.proto.Remember;
import dev.hearth.cluster.proto.StageReply;
import dev.hearth.cluster.proto.StageRequest;
import dev.hearth.cluster.proto.StageServiceGrpc;
import dev.hearth.cluster.proto.Truncate;
import dev.hearth.local.stage.LayerRange;
import dev.hearth.local.stage.ModelLayout;
import dev.hearth.local.stage.ModelStage;
import dev.hearth.local.stage.StagePipeline;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A model's stages spread over the cluster: the first stage may run in this process, the others on nodes reached over
 * gRPC. Each request opens one stream per remote stage; blocks go stage to stage through this coordinator (a star, so
 * every hop is measured in one place), as raw float32 by default, so the logits are bit for bit those of one process;
 * {@link #wireFormat(WireFormat)} trades that for half the bytes per hop.
 */
public final class RemoteStagePipeline implements StagePipeline {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteStagePipeline.class);

    /**
     * Timeouts: the whole request's deadline (carried by every stream), the wait for one reply, and the round trip
     * past which a block is reported as slow (logged and counted, not fatal).
     */
    public record Timeouts(Duration request, Duration hop, Duration slowBlock) {
        public Timeouts(Duration request, Duration hop) {
            this(request, hop, Duration.ofSeconds(1));
        }

        public static Timeouts defaults() {
            return new Timeouts(Duration.ofMinutes(10), Duration.ofSeconds(60));
        }
    }

    private static final class Hop {
        final String target;
        final LayerRange range;
        final ManagedChannel channel;
        final StageServiceGrpc.StageServiceStub stub;
        long blocks;
        long positions;
        long bytesSent;
        long bytesReceived;
        long nanos;
        long slowBlocks;
        long maxBlockNanos;

        Hop(String target, LayerRange range, ManagedChannel channel, StageServiceGrpc.StageServiceStub stub) {
            this.target = target;
            this.range = range;
            this.channel = channel;
            this.stub = stub;
        }
    }

    private final Path model;
    private final String localNodeId;
    private final Metadata headers;
    private final int threads;
    private final int embeddingLength;
    private final int vocabularySize;
    private final Timeouts timeouts;
    private final AutoCloseable onClose;
    private Optional<Replanner> replanner = Optional.empty();
    private Optional<Replanner> joinReplanner = Optional.empty();
    private LongSupplier membershipVersion = () -> 0;
    private long plannedAtVersion;
    private Placement placement;
    private Optional<ModelStage> local;
    private List<Hop> hops;
    private List<StageCall> calls = List.of();
    // the session, kept so that a re-planned pipeline can recompute it: the prompt and every computed position's token
    private int[] sessionPrompt = new int[0];
    private CacheControl sessionControl = CacheControl.disabled();
    private int[] done = new int[0];
    private int doneLength;
    private int resumes;
    private float[] hidden = new float[0];
    private float[] logits = new float[0];
    private WireFormat wireFormat = WireFormat.F32;
    private LinkEmulation link = LinkEmulation.none();

    private RemoteStagePipeline(Path model, String localNodeId, Metadata headers, int threads, ModelLayout layout,
                                Timeouts timeouts, AutoCloseable onClose) {
        this.model = model;
        this.localNodeId = localNodeId;
        this.headers = headers;
        this.threads = threads;
        this.embeddingLength = layout.embeddingLength();
        this.vocabularySize = layout.vocabularySize();
        this.timeouts = timeouts;
        this.onClose = onClose;
    }

    /**
     * Opens the pipeline of {@code placement}: the first stage in this process when it is placed on {@code localNodeId},
     * the rest through the stage services of the nodes in {@code nodes}.
     *
     * @param onClose closed with the pipeline (the coordinator's node, say); may be null
     */
    public static RemoteStagePipeline open(Placement placement, Path model, Map<String, NodeCapabilities> nodes,
                                           String localNodeId, ClusterSecret secret, int threads, Timeouts timeouts,
                                           AutoCloseable onClose) {
        Metadata headers = new Metadata();
        headers.put(TokenAuthInterceptor.TOKEN, secret.grpcToken());
        RemoteStagePipeline pipeline = new RemoteStagePipeline(model, localNodeId, headers, threads,
                ModelLayout.read(model), timeouts, onClose);
        pipeline.connect(placement, nodes);
        return pipeline;
    }

    /**
     * Sends hidden states in {@code format} from the next request on (default {@link WireFormat#F32}, exact). Every
     * remote stage's node must be set to the same format, or the request fails with
     * {@link StageFailureException.Reason#WIRE_FORMAT}. Logits come back as float32 whatever the format.
     */
    public RemoteStagePipeline wireFormat(WireFormat format) {
        this.wireFormat = Objects.requireNonNull(format, "format");
        return this;
    }

    public WireFormat wireFormat() {
        return wireFormat;
    }

    /**
     * For benchmarks: every data plane message of the next requests waits as if it crossed {@code link} (half the
     * round trip plus its bytes over the rate, each way). Emulated in this process, not a network emulator.
     */
    public RemoteStagePipeline emulateLink(LinkEmulation link) {
        this.link = Objects.requireNonNull(link, "link");
        return this;
    }

    /**
     * Turns on resuming: when a stage becomes unreachable or times out, {@code replanner} places the model on the
     * nodes still live, the session is recomputed there from its tokens (the same float32 arithmetic, so the same
     * logits), and the request goes on. Without it a lost stage fails the request.
     */
    public RemoteStagePipeline resumeOnFailure(Replanner replanner) {
        this.replanner = Optional.of(replanner);
        return this;
    }

    /**
     * Turns on re-planning between requests: when {@code membershipVersion} has moved since the current plan was made
     * (a node joined, left or came back), the next {@link #begin} asks {@code replanner} for a plan over the current
     * members and moves to it if it differs. An empty answer (members not settled, or no plan fits) keeps the current
     * plan and asks again at the next request.
     */
    public RemoteStagePipeline replanOnMembershipChange(Replanner replanner, LongSupplier membershipVersion) {
        this.joinReplanner = Optional.of(replanner);
        this.membershipVersion = membershipVersion;
        this.plannedAtVersion = membershipVersion.getAsLong();
        return this;
    }

    private void replanIfMembershipChanged() {
        if (joinReplanner.isEmpty()) {
            return;
        }
        long version = membershipVersion.getAsLong();
        if (version == plannedAtVersion) {
            return;
        }
        Optional<Replanner.Replan> next = joinReplanner.get().replan(Set.of());
        if (next.isEmpty()) {
            return;
        }
        plannedAtVersion = version;
        if (!next.get().placement().stages().equals(placement.stages())) {
            LOG.info("Membership changed; moving to the plan:\n{}", next.get().placement().describe());
            disconnect();
            connect(next.get().placement(), next.get().nodes());
        }
    }

    /** How often a failed stage was replaced by re-planning. */
    public int resumes() {
        return resumes;
    }

    private void connect(Placement plan, Map<String, NodeCapabilities> nodes) {
        Optional<ModelStage> first = Optional.empty();
        List<Hop> remote = new ArrayList<>();
        try {
            for (StageAssignment stage : plan.stages()) {
                if (remote.isEmpty() && first.isEmpty() && stage.nodeId().equals(localNodeId)) {
                    first = Optional.of(ModelStage.open(model, stage.range(), plan.contextLength(), threads,
                            Optional.empty()));
                    continue;
                }
                NodeCapabilities node = nodes.get(stage.nodeId());
                if (node == null) {
                    throw new StageFailureException(StageFailureException.Reason.UNREACHABLE, stage.nodeId(),
                            "the node left the cluster", null);
                }
                ManagedChannel channel = NettyChannelBuilder.forAddress(node.host(), node.grpcPort()).usePlaintext()
                        .maxInboundMessageSize(64 << 20).build();
                remote.add(new Hop(node.target(), stage.range(), channel, StageServiceGrpc.newStub(channel)
                        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))));
            }
        } catch (RuntimeException e) {
            first.ifPresent(ModelStage::close);
            remote.forEach(h -> h.channel.shutdownNow());
            throw e;
        }
        this.placement = plan;
        this.local = first;
        this.hops = remote;
    }

    private void disconnect() {
        local.ifPresent(ModelStage::close);
        for (Hop hop : hops) {
            hop.channel.shutdownNow();
            try {
                hop.channel.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public Placement placement() {
        return placement;
    }

    /** Per remote hop, what it carried so far. */
    public List<HopStats> hopStats() {
        return hops.stream().map(h -> new HopStats(h.target, h.range, h.blocks, h.positions, h.bytesSent, h.bytesReceived,
                h.nanos, h.slowBlocks, h.maxBlockNanos)).toList();
    }

    @Override
    public int contextLength() {
        return placement.contextLength();
    }

    @Override
    public int begin(int[] promptIds, CacheControl control) {
        if (placement.stages().size() > 1 && (control.restoreFrom().isPresent() || control.saveTo().isPresent())) {
            throw new InvalidRequestException("session files hold a whole model's cache; this model is split into "
                    + placement.stages().size() + " stages");
        }
        end();
        replanIfMembershipChanged();
        sessionPrompt = promptIds.clone();
        sessionControl = control;
        int aligned = beginStages(promptIds, control);
        doneLength = 0;
        record(promptIds, 0, aligned);
        return aligned;
    }

    private int beginStages(int[] promptIds, CacheControl control) {
        List<StageCall> opened = new ArrayList<>();
        try {
            int common = local.map(stage -> stage.begin(promptIds, control)).orElse(Integer.MAX_VALUE);
            Begin.Builder begin = Begin.newBuilder().setModelSha256(placement.modelSha256())
                    .setContextLength(placement.contextLength()).setCacheEnabled(control.enabled());
            for (int id : promptIds) {
                begin.addPromptIds(id);
            }
            for (Hop hop : hops) {
                StageCall call = StageCall.open(link.active() ? hop.stub.withInterceptors(link.interceptor()) : hop.stub,
                        hop.target, timeouts.request());
                opened.add(call);
                StageReply reply = call.exchange(StageRequest.newBuilder().setBegin(begin.clone()
                        .setLayerFrom(hop.range.from()).setLayerTo(hop.range.to())).build(), timeouts.hop());
                common = Math.min(common, reply.getBegun().getRestored());
            }
            calls = opened;
            int aligned = common;
            local.ifPresent(stage -> stage.truncate(aligned));
            for (StageCall call : calls) {
                call.exchange(StageRequest.newBuilder().setTruncate(Truncate.newBuilder().setLength(aligned)).build(),
                        timeouts.hop());
            }
            return aligned;
        } catch (RuntimeException e) {
            opened.forEach(c -> c.cancel("begin failed"));
            calls = List.of();
            local.ifPresent(ModelStage::end);
            throw e;
        }
    }

    @Override
    public float[] forward(int[] tokens, int from, int to, boolean wantLogits) {
        Objects.checkFromToIndex(from, to, tokens.length);
        if (calls.size() != hops.size()) {
            throw new IllegalStateException("forward before begin");
        }
        float[] out = null;
        for (int start = from; start < to; start += ModelStage.MAX_BLOCK_TOKENS) {
            int end = Math.min(to, start + ModelStage.MAX_BLOCK_TOKENS);
            boolean blockLogits = wantLogits && end == to;
            out = blockWithResume(tokens, start, end - start, blockLogits);
            record(tokens, start, end);
        }
        return wantLogits ? out : null;
    }

    private float[] blockWithResume(int[] tokens, int start, int count, boolean wantLogits) {
        while (true) {
            try {
                return runBlock(tokens, start, count, wantLogits);
            } catch (StageFailureException e) {
                abort(e.getMessage());
                if (!resumable(e)) {
                    throw e;
                }
                resume(e);
            } catch (RuntimeException e) {
                abort(e.getMessage());
                throw e;
            }
        }
    }

    private boolean resumable(StageFailureException e) {
        return replanner.isPresent() && (e.reason() == StageFailureException.Reason.UNREACHABLE
                || e.reason() == StageFailureException.Reason.TIMEOUT) && resumes < 8;
    }

    /** Re-plans without the failed stage and recomputes the session's positions on the new stages. */
    private void resume(StageFailureException failure) {
        Optional<Replanner.Replan> next = replanner.orElseThrow().replan(Set.of(failure.target()));
        if (next.isEmpty()) {
            throw failure;
        }
        LOG.warn("Stage at {} failed ({}); resuming on:\n{}", failure.target(), failure.reason(),
                next.get().placement().describe());
        disconnect();
        connect(next.get().placement(), next.get().nodes());
        resumes++;
        int restored = Math.min(beginStages(sessionPrompt, sessionControl), doneLength);
        if (restored < doneLength) {
            for (int start = restored; start < doneLength; start += ModelStage.MAX_BLOCK_TOKENS) {
                int end = Math.min(doneLength, start + ModelStage.MAX_BLOCK_TOKENS);
                runBlock(done, start, end - start, false);
            }
        } else {
            local.ifPresent(stage -> stage.truncate(doneLength));
            for (StageCall call : calls) {
                call.exchange(StageRequest.newBuilder().setTruncate(Truncate.newBuilder().setLength(doneLength)).build(),
                        timeouts.hop());
            }
        }
    }

    /** Appends {@code tokens[from, to)} to the session's computed positions. */
    private void record(int[] tokens, int from, int to) {
        int count = to - from;
        if (doneLength + count > done.length) {
            done = Arrays.copyOf(done, Math.max(doneLength + count, done.length * 2 + 16));
        }
        System.arraycopy(tokens, from, done, doneLength, count);
        doneLength += count;
    }

    private float[] runBlock(int[] tokens, int start, int count, boolean wantLogits) {
        float[] out = null;
        if (local.isPresent()) {
            out = local.get().forwardTokens(tokens, start, start + count, wantLogits && hops.isEmpty());
        }
        for (int i = 0; i < hops.size(); i++) {
            Hop hop = hops.get(i);
            boolean last = i == hops.size() - 1;
            Block.Builder block = Block.newBuilder().setCount(count).setWantLogits(wantLogits && last)
                    .setWireFormat(wireFormat.proto());
            if (out == null) {
                for (int k = start; k < start + count; k++) {
                    block.addTokenIds(tokens[k]);
                }
            } else {
                try {
                    block.setHidden(wireFormat.encode(out, count * embeddingLength));
                } catch (ArithmeticException e) {
                    throw new StageFailureException(StageFailureException.Reason.WIRE_FORMAT, hop.target,
                            e.getMessage(), e);
                }
            }
            StageRequest request = StageRequest.newBuilder().setBlock(block).build();
            long began = System.nanoTime();
            StageReply reply = calls.get(i).exchange(request, timeouts.hop());
            long took = System.nanoTime() - began;
            hop.nanos += took;
            hop.maxBlockNanos = Math.max(hop.maxBlockNanos, took);
            if (took > timeouts.slowBlock().toNanos()) {
                if (hop.slowBlocks++ == 0) {
                    LOG.warn("Stage at {} (layers {}) is slow: {} ms for a block of {} positions (threshold {} ms)",
                            hop.target, hop.range, took / 1_000_000, count, timeouts.slowBlock().toMillis());
                }
            }
            hop.blocks++;
            hop.positions += count;
            hop.bytesSent += out == null ? (long) count * Integer.BYTES : block.getHidden().size();
            hop.bytesReceived += reply.getOutput().getData().size();
            out = last && !wantLogits ? null : receive(hop.target, reply, count);
        }
        return out;
    }

    private float[] receive(String target, StageReply reply, int count) {
        Output output = reply.getOutput();
        boolean isLogits = output.getLogits();
        WireFormat expected = isLogits ? WireFormat.F32 : wireFormat;
        int values = isLogits ? vocabularySize : count * embeddingLength;
        if (output.getWireFormat() != expected.proto() || output.getData().size() != values * expected.bytesPerValue()) {
            throw new StageFailureException(StageFailureException.Reason.WIRE_FORMAT, target, String.format(
                    "expected %s as %d %s values, got %d bytes in %s", isLogits ? "logits" : "hidden states", values,
                    expected.label(), output.getData().size(), output.getWireFormat()), null);
        }
        if (isLogits) {
            if (logits.length != vocabularySize) {
                logits = new float[vocabularySize];
            }
            WireFormat.F32.decode(output.getData(), logits, vocabularySize);
            return logits;
        }
        if (hidden.length < values) {
            hidden = new float[ModelStage.MAX_BLOCK_TOKENS * embeddingLength];
        }
        wireFormat.decode(output.getData(), hidden, values);
        return hidden;
    }

    @Override
    public void remember(int[] tokens, CacheControl control, int pinnedTokens) {
        local.ifPresent(stage -> stage.remember(tokens, control, pinnedTokens));
        if (calls.isEmpty()) {
            return;
        }
        Remember.Builder remember = Remember.newBuilder().setCacheEnabled(control.enabled()).setPinnedTokens(pinnedTokens);
        for (int token : tokens) {
            remember.addTokens(token);
        }
        StageRequest request = StageRequest.newBuilder().setRemember(remember).build();
        try {
            for (StageCall call : calls) {
                call.exchange(request, timeouts.hop());
            }
        } catch (RuntimeException e) {
            abort(e.getMessage());
            throw e;
        }
    }

    @Override
    public void save(CacheControl control, int[] tokens) {
        if (hops.isEmpty()) {
            local.ifPresent(stage -> stage.save(control, tokens));
        }
    }

    @Override
    public void end() {
        local.ifPresent(ModelStage::end);
        StageRequest end = StageRequest.newBuilder().setEnd(End.getDefaultInstance()).build();
        for (StageCall call : calls) {
            try {
                call.exchange(end, timeouts.hop());
                call.complete();
            } catch (StageFailureException e) {
                LOG.debug("Ending a stage session failed: {}", e.getMessage());
                call.cancel("end failed");
            }
        }
        if (!calls.isEmpty() && LOG.isDebugEnabled()) {
            hopStats().forEach(h -> LOG.debug("hop {} layers {}: {} blocks, {} bytes out, {} bytes in, {} ms",
                    h.target(), h.range(), h.blocks(), h.bytesSent(), h.bytesReceived(), h.roundTripNanos() / 1_000_000));
        }
        calls = List.of();
    }

    /** Cancels every stream after a failure, so the surviving stages end their sessions at once. */
    private void abort(String why) {
        calls.forEach(c -> c.cancel(why == null ? "failed" : why));
        calls = List.of();
    }

    @Override
    public Optional<CacheStats> cacheStats() {
        return local.flatMap(ModelStage::cacheStats);
    }

    @Override
    public void close() {
        try {
            end();
        } finally {
            disconnect();
            if (onClose != null) {
                try {
                    onClose.close();
                } catch (Exception e) {
                    LOG.warn("Closing the cluster node failed", e);
                }
            }
        }
    }

    @Override
    public String toString() {
        return "RemoteStagePipeline" + placement.stages().stream().map(s -> s.nodeId() + s.range()).toList();
    }
}
