package dev.hearth.cluster;

import dev.hearth.api.RuntimeFailureException;

/** A remote stage could not serve its part of a request; the request fails, the conversation is unharmed. */
public class StageFailureException extends RuntimeFailureException {
    private static final long serialVersionUID = 1L;

    /** Why the stage failed. */
    public enum Reason {
        /** The node is gone or the connection broke (process killed, network cut). */
        UNREACHABLE,
        /** No answer within the hop timeout or the request's deadline. */
        TIMEOUT,
        /** The node refused the call: wrong cluster secret. */
        UNAUTHENTICATED,
        /** The stage answered with an error (model not held, over budget, busy, bad range). */
        STAGE_ERROR,
        /**
         * Hidden states could not cross in the pipeline's {@link WireFormat}: the stage's node is set to another one,
         * a reply came in another one, or an activation is beyond f16's range.
         */
        WIRE_FORMAT
    }

    private final Reason reason;
    private final String target;

    public StageFailureException(Reason reason, String target, String message, Throwable cause) {
        super("stage at " + target + ": " + message, cause);
        this.reason = reason;
        this.target = target;
    }

    public Reason reason() {
        return reason;
    }

    /** The stage's gRPC address. */
    public String target() {
        return target;
    }
}
