package dev.hearth.cluster;

import dev.hearth.cluster.proto.StageError;
import dev.hearth.cluster.proto.StageReply;
import dev.hearth.cluster.proto.StageRequest;
import dev.hearth.cluster.proto.StageServiceGrpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The coordinator's half of one stream to one stage for one request: sends a message, waits for its one reply. The
 * stream carries the request's deadline, so a stage that outlives it is cancelled by gRPC; cancelling the stream (or the
 * coordinator dying) ends the stage's session.
 */
final class StageCall implements ClientResponseObserver<StageRequest, StageReply> {
    private final String target;
    private final BlockingQueue<Object> replies = new LinkedBlockingQueue<>();
    private ClientCallStreamObserver<StageRequest> requests;
    private boolean closed;

    private StageCall(String target) {
        this.target = target;
    }

    static StageCall open(StageServiceGrpc.StageServiceStub stub, String target, Duration deadline) {
        StageCall call = new StageCall(target);
        stub.withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS).run(call);
        return call;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<StageRequest> requestStream) {
        this.requests = requestStream;
    }

    /** Sends {@code request} and returns its reply, or throws a typed failure. */
    StageReply exchange(StageRequest request, Duration timeout) {
        if (closed) {
            throw new StageFailureException(StageFailureException.Reason.UNREACHABLE, target, "the stream is closed", null);
        }
        try {
            requests.onNext(request);
        } catch (RuntimeException e) {
            throw failure(e);
        }
        Object reply;
        try {
            reply = replies.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancel("interrupted");
            throw new StageFailureException(StageFailureException.Reason.TIMEOUT, target, "interrupted", e);
        }
        if (reply == null) {
            cancel("no reply within " + timeout);
            throw new StageFailureException(StageFailureException.Reason.TIMEOUT, target, "no reply within " + timeout, null);
        }
        if (reply instanceof Throwable t) {
            closed = true;
            throw failure(t);
        }
        StageReply typed = (StageReply) reply;
        if (typed.hasError()) {
            closed = true;
            StageFailureException.Reason reason = typed.getError().getCode() == StageError.Code.WIRE_FORMAT
                    ? StageFailureException.Reason.WIRE_FORMAT : StageFailureException.Reason.STAGE_ERROR;
            throw new StageFailureException(reason, target,
                    typed.getError().getCode() + ": " + typed.getError().getMessage(), null);
        }
        return typed;
    }

    /** Half-closes after a clean end. */
    void complete() {
        if (!closed) {
            closed = true;
            requests.onCompleted();
        }
    }

    /** Cancels the stream; the stage ends the session. */
    void cancel(String why) {
        if (!closed) {
            closed = true;
            requests.cancel(why, null);
        }
    }

    private StageFailureException failure(Throwable t) {
        Status status = t instanceof StatusRuntimeException s ? s.getStatus() : Status.fromThrowable(t);
        StageFailureException.Reason reason = switch (status.getCode()) {
            case DEADLINE_EXCEEDED -> StageFailureException.Reason.TIMEOUT;
            case UNAUTHENTICATED, PERMISSION_DENIED -> StageFailureException.Reason.UNAUTHENTICATED;
            default -> StageFailureException.Reason.UNREACHABLE;
        };
        return new StageFailureException(reason, target, status.getCode() + (status.getDescription() == null ? ""
                : " (" + status.getDescription() + ")"), t);
    }

    @Override
    public void onNext(StageReply value) {
        replies.add(value);
    }

    @Override
    public void onError(Throwable t) {
        replies.add(t);
    }

    @Override
    public void onCompleted() {
        replies.add(Status.UNAVAILABLE.withDescription("the stage closed the stream").asRuntimeException());
    }
}
