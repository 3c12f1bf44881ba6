package dev.hearth.remote.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * No byte leaves the machine without a configured remote runtime: a child JVM runs the GGUF engine, the ONNX decoder
 * and embeddings and the node server (see {@link EgressProbeMain}) under {@code strace}, and every connection and
 * datagram it makes must go to loopback, with no DNS query at all. ONNX Runtime 1.29.0 looked up
 * {@code mobile.events.data.microsoft.com} about 11 s after start until Hearth set {@code ORT_DISABLE_TELEMETRY}.
 * Skipped where strace is missing or cannot trace (then the namespace script in docs/RELIABILITY.md applies).
 */
class NoEgressTest {
    private static final long WAIT_SECONDS = Long.getLong("hearth.egressWaitSeconds", 15);
    /** An IPv4 or IPv6 socket address as strace prints it. */
    private static final Pattern ADDRESS = Pattern.compile(
            "sa_family=AF_INET6?, sin6?_port=htons\\((\\d+)\\), (?:sin_addr=inet_addr\\(\"([^\"]+)\"\\)|"
                    + "sin6_flowinfo=[^,]*, inet_pton\\(AF_INET6, \"([^\"]+)\")");

    private static boolean straceWorks() {
        try {
            Process probe = new ProcessBuilder("strace", "-f", "-qq", "-e", "trace=none", "true")
                    .redirectErrorStream(true).start();
            return probe.waitFor(20, TimeUnit.SECONDS) && probe.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Test
    void theLocalRuntimesAndTheServerTalkOnlyToLoopback(@TempDir Path directory) throws Exception {
        assumeTrue(straceWorks(), "strace is not available or may not trace here");
        Path trace = directory.resolve("trace.txt");
        Path output = directory.resolve("output.txt");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of("strace", "-f", "-qq", "-e", "trace=connect,sendto,sendmsg",
                "-o", trace.toString(), java, "--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-Dai.djl.offline=true", "-DOPT_OUT_TRACKING=true",
                "-cp", System.getProperty("java.class.path"), EgressProbeMain.class.getName(),
                System.getProperty("hearth.shared.models"), Long.toString(WAIT_SECONDS)));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().remove("ORT_DISABLE_TELEMETRY"); // Hearth must set it itself
        Process child = builder.start();
        if (!child.waitFor(WAIT_SECONDS + 150, TimeUnit.SECONDS)) {
            child.destroyForcibly();
            throw new AssertionError("the probe did not finish: " + Files.readString(output));
        }
        String printed = Files.readString(output);
        assertThat(child.exitValue()).as(printed).isZero();
        assertThat(printed).contains("server: 200", "done");

        List<String> outside = new ArrayList<>();
        int loopback = 0;
        for (String line : Files.readAllLines(trace)) {
            if (line.contains("htons(53)") || line.contains("mobile\\6events")) {
                outside.add(line); // a DNS query, wherever the resolver lives
                continue;
            }
            Matcher address = ADDRESS.matcher(line);
            if (address.find()) {
                String host = address.group(2) != null ? address.group(2) : address.group(3);
                if (host.equals("127.0.0.1") || host.equals("::1") || host.equals("::ffff:127.0.0.1")) {
                    loopback++;
                } else {
                    outside.add(line);
                }
            }
        }
        assertThat(loopback).as("the trace saw the loopback request, so it watches connections").isPositive();
        assertThat(outside).as("connections and datagrams beyond loopback").isEmpty();
    }
}
