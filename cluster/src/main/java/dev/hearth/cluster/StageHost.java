package dev.hearth.cluster;

import com.google.protobuf.ByteString;
import dev.hearth.api.CacheControl;
import dev.hearth.api.HearthException;
import dev.hearth.cluster.proto.Ack;
import dev.hearth.cluster.proto.Begin;
import dev.hearth.cluster.proto.Begun;
import dev.hearth.cluster.proto.Block;
import dev.hearth.cluster.proto.Output;
import dev.hearth.cluster.proto.StageError;
import dev.hearth.cluster.proto.StageReply;
import dev.hearth.cluster.proto.StageRequest;
import dev.hearth.cluster.proto.StageServiceGrpc;
import dev.hearth.local.stage.LayerRange;
import dev.hearth.local.stage.ModelLayout;
import dev.hearth.local.stage.ModelStage;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The gRPC stage service of a node: opens a {@link ModelStage} for the file and layers a coordinator asks for (the file
 * found by sha256 among those the node holds), keeps it open for later requests within the node's memory budget, and
 * serves one session per stream. A stage serves one session at a time; a stream that ends, fails or is cancelled ends
 * its session, so a coordinator that dies or gives up frees the stage.
 */
final class StageHost extends StageServiceGrpc.StageServiceImplBase implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StageHost.class);

    private record Key(String sha256, LayerRange range, int contextLength) {
    }

    private static final class Hosted {
        final ModelStage stage;
        final long bytes;
        final Semaphore lease = new Semaphore(1);

        Hosted(ModelStage stage, long bytes) {
            this.stage = stage;
            this.bytes = bytes;
        }
    }

    private final Map<String, Path> filesBySha;
    private final long memoryBudgetBytes;
    private final int threads;
    private final Duration busyWait;
    private final Map<Key, Hosted> stages = new LinkedHashMap<>();

    private final Duration injectedBlockDelay;
    private final WireFormat wireFormat;

    StageHost(Map<String, Path> filesBySha, long memoryBudgetBytes, int threads, Duration busyWait,
              Duration injectedBlockDelay, WireFormat wireFormat) {
        this.injectedBlockDelay = injectedBlockDelay;
        this.wireFormat = wireFormat;
        this.filesBySha = Map.copyOf(filesBySha);
        this.memoryBudgetBytes = memoryBudgetBytes;
        this.threads = threads;
        this.busyWait = busyWait;
    }

    @Override
    public StreamObserver<StageRequest> run(StreamObserver<StageReply> replies) {
        ServerCallStreamObserver<StageReply> call = (ServerCallStreamObserver<StageReply>) replies;
        Session session = new Session(call);
        call.setOnCancelHandler(session::cancelled);
        return session;
    }

    /** Thrown inside a session to answer with a typed error and end the stream. */
    private static final class StageFault extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final StageError.Code code;

        StageFault(StageError.Code code, String message) {
            super(message, null, false, false);
            this.code = code;
        }
    }

    private Hosted acquire(Begin begin) throws InterruptedException {
        Path file = filesBySha.get(begin.getModelSha256());
        if (file == null) {
            throw new StageFault(StageError.Code.MODEL_NOT_HELD, "this node holds no model file with sha256 "
                    + begin.getModelSha256());
        }
        Key key;
        try {
            key = new Key(begin.getModelSha256(), new LayerRange(begin.getLayerFrom(), begin.getLayerTo()),
                    begin.getContextLength());
        } catch (IllegalArgumentException e) {
            throw new StageFault(StageError.Code.BAD_RANGE, e.getMessage());
        }
        Hosted hosted;
        synchronized (stages) {
            hosted = stages.get(key);
            if (hosted == null) {
                hosted = open(key, file);
            }
        }
        if (!hosted.lease.tryAcquire(busyWait.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new StageFault(StageError.Code.BUSY, "stage " + key.range() + " serves another session");
        }
        return hosted;
    }

    /** Opens a stage, first closing idle ones when the budget would be exceeded. Called holding {@code stages}. */
    private Hosted open(Key key, Path file) {
        long bytes = ModelLayout.read(file).bytesFor(key.range(), key.contextLength());
        if (bytes > memoryBudgetBytes) {
            throw new StageFault(StageError.Code.OVER_BUDGET, String.format("layers %s at context %d need %,d bytes;"
                    + " this node's budget is %,d", key.range(), key.contextLength(), bytes, memoryBudgetBytes));
        }
        long used = stages.values().stream().mapToLong(h -> h.bytes).sum();
        for (Iterator<Hosted> it = stages.values().iterator(); it.hasNext() && used + bytes > memoryBudgetBytes; ) {
            Hosted idle = it.next();
            if (idle.lease.tryAcquire()) {
                it.remove();
                idle.stage.close();
                used -= idle.bytes;
            }
        }
        if (used + bytes > memoryBudgetBytes) {
            throw new StageFault(StageError.Code.OVER_BUDGET, String.format("layers %s need %,d bytes; %,d of this"
                    + " node's %,d are held by stages in use", key.range(), bytes, used, memoryBudgetBytes));
        }
        ModelStage stage;
        try {
            stage = ModelStage.open(file, key.range(), key.contextLength(), threads, Optional.empty());
        } catch (HearthException e) {
            throw new StageFault(StageError.Code.BAD_RANGE, e.getMessage());
        }
        Hosted hosted = new Hosted(stage, bytes);
        stages.put(key, hosted);
        return hosted;
    }

    @Override
    public void close() {
        synchronized (stages) {
            stages.values().forEach(h -> h.stage.close());
            stages.clear();
        }
    }

    /** One coordinator's session on one stage: the server half of a stream. */
    private final class Session implements StreamObserver<StageRequest> {
        private final ServerCallStreamObserver<StageReply> call;
        private Hosted hosted;
        private float[] hidden = new float[0];
        private boolean finished;

        Session(ServerCallStreamObserver<StageReply> call) {
            this.call = call;
        }

        @Override
        public synchronized void onNext(StageRequest request) {
            if (finished) {
                return;
            }
            try {
                StageReply reply = switch (request.getKindCase()) {
                    case BEGIN -> begin(request.getBegin());
                    case BLOCK -> block(request.getBlock());
                    case TRUNCATE -> {
                        stage().truncate(request.getTruncate().getLength());
                        yield ack();
                    }
                    case REMEMBER -> {
                        var remember = request.getRemember();
                        stage().remember(remember.getTokensList().stream().mapToInt(Integer::intValue).toArray(),
                                remember.getCacheEnabled() ? CacheControl.defaults() : CacheControl.disabled(),
                                remember.getPinnedTokens());
                        yield ack();
                    }
                    case END -> {
                        release();
                        yield ack();
                    }
                    case KIND_NOT_SET -> throw new StageFault(StageError.Code.PROTOCOL, "empty request");
                };
                call.onNext(reply);
            } catch (StageFault e) {
                fail(e.code, e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail(StageError.Code.INTERNAL, "interrupted");
            } catch (HearthException | IllegalArgumentException | IndexOutOfBoundsException e) {
                fail(StageError.Code.BAD_RANGE, e.getMessage());
            } catch (RuntimeException e) {
                LOG.error("Stage session failed", e);
                fail(StageError.Code.INTERNAL, String.valueOf(e));
            }
        }

        private StageReply begin(Begin begin) throws InterruptedException {
            if (hosted != null) {
                throw new StageFault(StageError.Code.PROTOCOL, "begin twice on one stream");
            }
            hosted = acquire(begin);
            ModelStage stage = hosted.stage;
            int restored = stage.begin(begin.getPromptIdsList().stream().mapToInt(Integer::intValue).toArray(),
                    begin.getCacheEnabled() ? CacheControl.defaults() : CacheControl.disabled());
            return StageReply.newBuilder().setBegun(Begun.newBuilder().setRestored(restored)
                    .setEmbeddingLength(stage.embeddingLength()).setVocabularySize(stage.vocabularySize())).build();
        }

        private StageReply block(Block block) throws InterruptedException {
            ModelStage stage = stage();
            if (!injectedBlockDelay.isZero()) {
                Thread.sleep(injectedBlockDelay);
            }
            int count = block.getCount();
            WireFormat format = format(block);
            float[] out;
            if (stage.embedsTokens()) {
                int[] ids = block.getTokenIdsList().stream().mapToInt(Integer::intValue).toArray();
                if (ids.length != count) {
                    throw new StageFault(StageError.Code.PROTOCOL, "a first stage needs " + count + " token ids, got " + ids.length);
                }
                out = stage.forwardTokens(ids, 0, count, block.getWantLogits());
            } else {
                int floats = count * stage.embeddingLength();
                if (block.getHidden().size() != floats * format.bytesPerValue()) {
                    throw new StageFault(StageError.Code.PROTOCOL, "expected " + floats * format.bytesPerValue()
                            + " hidden bytes (" + format.label() + ") for " + count + " positions, got "
                            + block.getHidden().size());
                }
                if (hidden.length < floats) {
                    hidden = new float[floats];
                }
                format.decode(block.getHidden(), hidden, floats);
                out = stage.forwardHidden(hidden, count, block.getWantLogits());
            }
            boolean logits = block.getWantLogits() && stage.computesLogits();
            // a last stage asked for no logits has nothing the coordinator needs: its hidden states go nowhere
            int length = logits ? stage.vocabularySize() : stage.computesLogits() ? 0 : count * stage.embeddingLength();
            // logits drive sampling: they stay float32 whatever the hidden states travel in
            WireFormat replyFormat = logits ? WireFormat.F32 : format;
            ByteString data;
            try {
                data = replyFormat.encode(out, length);
            } catch (ArithmeticException e) {
                throw new StageFault(StageError.Code.WIRE_FORMAT, "layers " + stage.range() + ": " + e.getMessage());
            }
            return StageReply.newBuilder().setOutput(Output.newBuilder().setData(data).setLogits(logits)
                    .setWireFormat(replyFormat.proto())).build();
        }

        /** The block's format, which must be the one this node was set to: no node silently gives up exactness. */
        private WireFormat format(Block block) {
            WireFormat format = WireFormat.fromProto(block.getWireFormat()).orElseThrow(() -> new StageFault(
                    StageError.Code.WIRE_FORMAT, "unknown wire format " + block.getWireFormatValue()
                    + "; this node knows f32, bf16 and f16"));
            if (format != wireFormat) {
                throw new StageFault(StageError.Code.WIRE_FORMAT, "this node is set to " + wireFormat.label()
                        + " activations and the block is in " + format.label()
                        + ": start every node of the cluster with the same --wire-format");
            }
            return format;
        }

        private ModelStage stage() {
            if (hosted == null) {
                throw new StageFault(StageError.Code.PROTOCOL, "no session: send begin first");
            }
            return hosted.stage;
        }

        private StageReply ack() {
            return StageReply.newBuilder().setAck(Ack.getDefaultInstance()).build();
        }

        private void fail(StageError.Code code, String message) {
            release();
            finished = true;
            if (!call.isCancelled()) {
                call.onNext(StageReply.newBuilder().setError(StageError.newBuilder().setCode(code)
                        .setMessage(message == null ? code.name() : message)).build());
                call.onCompleted();
            }
        }

        private void release() {
            if (hosted != null) {
                try {
                    hosted.stage.end();
                } finally {
                    hosted.lease.release();
                    hosted = null;
                }
            }
        }

        @Override
        public synchronized void onError(Throwable t) {
            LOG.debug("Stage stream ended by the coordinator: {}", t.toString());
            finished = true;
            release();
        }

        @Override
        public synchronized void onCompleted() {
            release();
            if (!finished) {
                finished = true;
                call.onCompleted();
            }
        }

        synchronized void cancelled() {
            if (hosted != null) {
                LOG.info("Stage stream cancelled by the coordinator; ending its session on layers {}", hosted.stage.range());
            }
            finished = true;
            release();
        }
    }
}
