package dev.hearth.cluster;

import dev.hearth.local.stage.LayerRange;

/**
 * What one stage hop carried since its pipeline opened: block messages, bytes each way (activation and logit payloads),
 * positions sent, the wall time from sending a block to its answer (compute on the stage plus the network), how many
 * blocks took longer than the slow-block threshold, and the longest.
 */
public record HopStats(String target, LayerRange range, long blocks, long positions, long bytesSent, long bytesReceived,
                       long roundTripNanos, long slowBlocks, long maxBlockNanos) {
    /** Payload bytes sent per position: the activation size of one token crossing this hop. */
    public double bytesSentPerPosition() {
        return positions == 0 ? 0 : (double) bytesSent / positions;
    }
}
