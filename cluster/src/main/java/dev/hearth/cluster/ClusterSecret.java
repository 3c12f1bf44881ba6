package dev.hearth.cluster;

import dev.hearth.api.ConfigurationException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The shared secret of a cluster, or none. Every credential that crosses the network is derived from it with
 * HMAC-SHA256 under a distinct label, so the secret itself is never sent: the Hazelcast cluster name (a node with another
 * secret asks to join a differently named cluster and is refused), the bearer token of gRPC calls, and the signature on
 * each node's advertised capabilities (a member that learned the cluster name still cannot make a coordinator send it
 * activations or the token, because it cannot sign its own address).
 */
public final class ClusterSecret {
    private static final int MIN_LENGTH = 16;
    private final Optional<byte[]> key;

    private ClusterSecret(Optional<byte[]> key) {
        this.key = key;
    }

    /** No secret: nodes bind the loopback interface only. */
    public static ClusterSecret none() {
        return new ClusterSecret(Optional.empty());
    }

    /** @throws ConfigurationException when the secret is shorter than 16 characters */
    public static ClusterSecret of(String secret) {
        if (secret == null || secret.length() < MIN_LENGTH) {
            throw new ConfigurationException("a cluster secret needs at least " + MIN_LENGTH + " characters");
        }
        return new ClusterSecret(Optional.of(secret.getBytes(StandardCharsets.UTF_8)));
    }

    /** A secret from the environment variable, or none when it is unset or empty. */
    public static ClusterSecret fromEnvironment(String variable) {
        String value = System.getenv(variable);
        return value == null || value.isEmpty() ? none() : of(value);
    }

    public boolean present() {
        return key.isPresent();
    }

    /** The Hazelcast cluster name: the user's name, suffixed by a keyed digest of it when there is a secret. */
    public String hazelcastClusterName(String name) {
        return key.isEmpty() ? name : name + "-" + derive("hazelcast-cluster:" + name).substring(0, 24);
    }

    /** The bearer token a coordinator sends on every gRPC call; empty without a secret. */
    public String grpcToken() {
        return key.isEmpty() ? "" : derive("grpc-token");
    }

    /** A signature of {@code text}; empty without a secret. */
    public String sign(String text) {
        return key.isEmpty() ? "" : derive("capabilities:" + text);
    }

    /** Whether {@code signature} signs {@code text} (always true without a secret); compared in constant time. */
    public boolean verify(String text, String signature) {
        return constantTimeEquals(sign(text), signature);
    }

    /** Whether {@code presented} is this cluster's gRPC token; compared in constant time. */
    public boolean acceptsToken(String presented) {
        return constantTimeEquals(grpcToken(), presented == null ? "" : presented);
    }

    static boolean constantTimeEquals(String expected, String presented) {
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
    }

    private String derive(String label) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.orElseThrow(), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(label.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    @Override
    public String toString() {
        return key.isEmpty() ? "ClusterSecret[none]" : "ClusterSecret[set]";
    }
}
