package dev.hearth.cluster;

import com.google.protobuf.MessageLite;
import dev.hearth.api.ConfigurationException;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A slower network, emulated inside the coordinator for benchmarks where {@code tc netem} is not available: every data
 * plane message waits half the round-trip time plus its size over the link rate before it is sent (coordinator to
 * stage) or handed on (stage to coordinator). It is not a network emulator: no packet loss, no jitter, no congestion,
 * and the wait is a sleep of the calling thread (on Linux it overshoots by tens of microseconds). A benchmark that
 * uses it says so in its output.
 *
 * @param roundTrip     the round-trip time; each direction waits half of it
 * @param bitsPerSecond the link rate; 0 for no rate limit
 */
public record LinkEmulation(Duration roundTrip, long bitsPerSecond) {
    private static final Pattern DELAY = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(us|ms|s)?");
    private static final Pattern RATE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(bit|kbit|mbit|gbit)?");

    public LinkEmulation {
        if (roundTrip == null || roundTrip.isNegative() || bitsPerSecond < 0) {
            throw new ConfigurationException("a link needs a round-trip time >= 0 and a rate >= 0 (0: unlimited)");
        }
    }

    /** No emulation: messages go at loopback speed. */
    public static LinkEmulation none() {
        return new LinkEmulation(Duration.ZERO, 0);
    }

    public boolean active() {
        return !roundTrip.isZero() || bitsPerSecond > 0;
    }

    /** The wait of one message of {@code bytes} in one direction. */
    public long delayNanos(long bytes) {
        long transfer = bitsPerSecond == 0 ? 0 : Math.round(bytes * 8 * 1e9 / bitsPerSecond);
        return roundTrip.toNanos() / 2 + transfer;
    }

    /** Parses a round-trip time: {@code 0}, {@code 500us}, {@code 1ms}, {@code 1.5ms}, {@code 2s} (no unit: ms). */
    public static Duration parseDelay(String text) {
        Matcher m = DELAY.matcher(text == null ? "" : text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new ConfigurationException("a link delay looks like 0, 500us, 1ms or 1.5ms; was '" + text + "'");
        }
        double value = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "ms" : m.group(2);
        double nanos = value * switch (unit) {
            case "us" -> 1e3;
            case "ms" -> 1e6;
            default -> 1e9;
        };
        return Duration.ofNanos(Math.round(nanos));
    }

    /** Parses a link rate in bits per second: {@code 0} (unlimited), {@code 100mbit}, {@code 1gbit}, {@code 2.5gbit}. */
    public static long parseRate(String text) {
        Matcher m = RATE.matcher(text == null ? "" : text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new ConfigurationException("a link rate looks like 0, 100mbit or 1gbit; was '" + text + "'");
        }
        double value = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "bit" : m.group(2);
        double bits = value * switch (unit) {
            case "kbit" -> 1e3;
            case "mbit" -> 1e6;
            case "gbit" -> 1e9;
            default -> 1;
        };
        return Math.round(bits);
    }

    /** Like {@code tc}: {@code RTT 1 ms, 1 Gbit/s}. */
    public String describe() {
        String rate = bitsPerSecond == 0 ? "unlimited rate" : bitsPerSecond % 1_000_000_000 == 0
                ? bitsPerSecond / 1_000_000_000 + " Gbit/s" : String.format("%.1f Mbit/s", bitsPerSecond / 1e6);
        return String.format("RTT %s ms (half each way), %s", roundTrip.toNanos() / 1e6, rate);
    }

    /** A client interceptor that delays every message of a call in both directions. */
    ClientInterceptor interceptor() {
        return new ClientInterceptor() {
            @Override
            public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
                return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
                    @Override
                    public void start(Listener<R> listener, Metadata headers) {
                        super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                            @Override
                            public void onMessage(R message) {
                                pause(message);
                                super.onMessage(message);
                            }
                        }, headers);
                    }

                    @Override
                    public void sendMessage(Q message) {
                        pause(message);
                        super.sendMessage(message);
                    }
                };
            }
        };
    }

    private void pause(Object message) {
        long bytes = message instanceof MessageLite m ? m.getSerializedSize() : 0;
        long until = System.nanoTime() + delayNanos(bytes);
        // parkNanos may return early (spurious wake-up, interrupt): wait out the rest
        for (long left; (left = until - System.nanoTime()) > 0; ) {
            LockSupport.parkNanos(left);
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
        }
    }
}
