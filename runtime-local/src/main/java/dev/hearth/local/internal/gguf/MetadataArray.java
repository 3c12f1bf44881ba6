package dev.hearth.local.internal.gguf;

import java.lang.reflect.Array;

/**
 * A GGUF metadata array. Elements are held in a primitive Java array matching the element type (so a 128k-entry
 * score table costs 512 KiB, not 128k boxed objects): {@code byte[]} for UINT8/INT8, {@code boolean[]} for BOOL, {@code short[]} for
 * (U)INT16, {@code int[]} for (U)INT32, {@code long[]} for (U)INT64, {@code float[]}, {@code double[]},
 * {@code String[]}, and {@code MetadataArray[]} for nested arrays. Unsigned values keep their bit pattern.
 */
public record MetadataArray(MetadataType elementType, Object elements) {

    public int length() {
        return Array.getLength(elements);
    }

    @Override
    public String toString() {
        return elementType + "[" + length() + "]";
    }
}
