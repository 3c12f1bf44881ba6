package dev.hearth.local.internal.tensor;

import dev.hearth.local.internal.gguf.GgmlType;
import java.lang.foreign.MemorySegment;

/** Encodes one block of floats in one block format; {@link Quantizer} walks a row through it block by block. */
sealed interface BlockQuantizer permits Q8_0Quantizer, LegacyQuantizer, Q4_KQuantizer, Q6_KQuantizer {

    GgmlType type();

    /**
     * Encodes {@code values[from .. from + type().blockSize())}, all finite, as one block at byte {@code at} of
     * {@code out}.
     */
    void quantizeBlock(float[] values, int from, MemorySegment out, long at);
}
