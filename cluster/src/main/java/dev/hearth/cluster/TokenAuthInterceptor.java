package dev.hearth.cluster;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.SocketAddress;

/** Refuses (and logs) every gRPC call that does not carry the cluster's token; compared in constant time. */
final class TokenAuthInterceptor implements ServerInterceptor {
    private static final Logger LOG = LoggerFactory.getLogger(TokenAuthInterceptor.class);
    static final Metadata.Key<String> TOKEN = Metadata.Key.of("hearth-cluster-token", Metadata.ASCII_STRING_MARSHALLER);

    private final ClusterSecret secret;

    TokenAuthInterceptor(ClusterSecret secret) {
        this.secret = secret;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        if (!secret.acceptsToken(headers.get(TOKEN))) {
            SocketAddress remote = call.getAttributes().get(io.grpc.Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
            LOG.warn("Refused a stage call from {}: wrong or missing cluster token", remote);
            call.close(Status.UNAUTHENTICATED.withDescription("wrong or missing cluster token"), new Metadata());
            return new ServerCall.Listener<>() {
            };
        }
        return next.startCall(call, headers);
    }
}
