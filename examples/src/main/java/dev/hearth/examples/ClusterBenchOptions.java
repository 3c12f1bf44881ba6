package dev.hearth.examples;

import dev.hearth.cluster.LinkEmulation;
import dev.hearth.cluster.WireFormat;
import picocli.CommandLine.Option;

/**
 * The options of a cluster benchmark beyond the model and the token counts, shared by {@code hearth cluster bench} and
 * {@code hearth bench --cluster N}: the activations' wire format and an emulated link.
 */
public final class ClusterBenchOptions {
    @Option(names = "--wire-format", paramLabel = "f32|bf16|f16", defaultValue = "f32",
            description = "how hidden states cross between stages: f32 is exact, bf16 and f16 halve the bytes per hop"
                    + " (default: ${DEFAULT-VALUE})")
    String wireFormat = "f32";

    @Option(names = "--link-delay", paramLabel = "RTT", defaultValue = "0",
            description = "emulated round-trip time per hop, e.g. 1ms (half each way; emulated in the coordinator,"
                    + " not tc netem) (default: ${DEFAULT-VALUE})")
    String linkDelay = "0";

    @Option(names = "--link-rate", paramLabel = "RATE", defaultValue = "0",
            description = "emulated link rate, e.g. 1gbit: each message also waits its bytes over it"
                    + " (default: ${DEFAULT-VALUE}, unlimited)")
    String linkRate = "0";

    public WireFormat wireFormat() {
        return WireFormat.parse(wireFormat);
    }

    public LinkEmulation link() {
        return new LinkEmulation(LinkEmulation.parseDelay(linkDelay), LinkEmulation.parseRate(linkRate));
    }
}
