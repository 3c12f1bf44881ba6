package dev.hearth.local.internal.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KQuantScalesTest {
    @Test
    void branchFreeScalesAndMinsMatchThePerSubBlockDecodingForAnyPackedBytes() {
        Random random = new Random(42);
        MemorySegment packed = MemorySegment.ofArray(new byte[KQuantScales.PACKED_BYTES]);
        for (int trial = 0; trial < 10_000; trial++) {
            for (int i = 0; i < KQuantScales.PACKED_BYTES; i++) {
                // all-ones and all-zeros bytes first, then random ones
                int value = trial == 0 ? 0xFF : trial == 1 ? 0x00 : random.nextInt(256);
                packed.set(ValueLayout.JAVA_BYTE, i, (byte) value);
            }
            KQuantScales.Packed reference = KQuantScales.Packed.read(packed, 0);
            long scales = KQuantScales.sixBitScales(reference.first8(), reference.last4());
            long mins = KQuantScales.sixBitMins(reference.first8(), reference.last4());
            for (int subBlock = 0; subBlock < 8; subBlock++) {
                assertThat((int) (scales >>> 8 * subBlock) & 0xFF).as("scale %d, trial %d", subBlock, trial)
                        .isEqualTo(reference.scale(subBlock));
                assertThat((int) (mins >>> 8 * subBlock) & 0xFF).as("min %d, trial %d", subBlock, trial)
                        .isEqualTo(reference.min(subBlock));
            }
        }
    }

    @Test
    void packedScalesAndMinsRoundTripThroughTheBranchFreeDecoding() {
        int[] scales = {0, 63, 1, 32, 63, 0, 17, 48};
        int[] mins = {63, 0, 31, 1, 0, 63, 42, 5};
        MemorySegment packed = MemorySegment.ofArray(new byte[KQuantScales.PACKED_BYTES]);
        KQuantScales.pack(scales, mins, packed, 0);
        KQuantScales.Packed read = KQuantScales.Packed.read(packed, 0);
        long decodedScales = KQuantScales.sixBitScales(read.first8(), read.last4());
        long decodedMins = KQuantScales.sixBitMins(read.first8(), read.last4());
        for (int subBlock = 0; subBlock < 8; subBlock++) {
            assertThat((int) (decodedScales >>> 8 * subBlock) & 0xFF).isEqualTo(scales[subBlock]);
            assertThat((int) (decodedMins >>> 8 * subBlock) & 0xFF).isEqualTo(mins[subBlock]);
        }
    }
}
