package dev.hearth.local.internal.gguf;

import java.util.Optional;

/** The value types of GGUF metadata, with their on-disk ids (GGUF v2/v3). */
public enum MetadataType {
    UINT8(0, 1),
    INT8(1, 1),
    UINT16(2, 2),
    INT16(3, 2),
    UINT32(4, 4),
    INT32(5, 4),
    FLOAT32(6, 4),
    BOOL(7, 1),
    STRING(8, 8),
    ARRAY(9, 12),
    UINT64(10, 8),
    INT64(11, 8),
    FLOAT64(12, 8);

    private static final MetadataType[] BY_ID = values();

    private final int id;
    private final int minimumBytes;

    MetadataType(int id, int minimumBytes) {
        this.id = id;
        this.minimumBytes = minimumBytes;
    }

    public int id() {
        return id;
    }

    /**
     * The fewest bytes one value of this type can occupy on disk (a string's length prefix, an array's type and count).
     * Used to reject element counts a file cannot possibly hold before allocating anything.
     */
    int minimumBytes() {
        return minimumBytes;
    }

    boolean isInteger() {
        return switch (this) {
            case UINT8, INT8, UINT16, INT16, UINT32, INT32, UINT64, INT64 -> true;
            default -> false;
        };
    }

    static Optional<MetadataType> byId(long id) {
        // ids are dense 0..12 and declared in id order
        return id >= 0 && id < BY_ID.length ? Optional.of(BY_ID[(int) id]) : Optional.empty();
    }
}
