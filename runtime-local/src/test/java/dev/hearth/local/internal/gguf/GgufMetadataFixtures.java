package dev.hearth.local.internal.gguf;

import java.util.LinkedHashMap;
import java.util.SequencedMap;

/**
 * Builds altered copies of real metadata for tests in other packages (the {@link GgufMetadata} constructor is
 * package-private so production code can only get metadata by parsing a file).
 */
public final class GgufMetadataFixtures {
    private GgufMetadataFixtures() {
    }

    /** A copy of the metadata with one key set to a new value (added at the end if it was absent). */
    public static GgufMetadata with(GgufMetadata base, String key, MetadataType type, Object value) {
        SequencedMap<String, MetadataEntry> entries = new LinkedHashMap<>(base.entries());
        long offset = base.entry(key).map(MetadataEntry::offset).orElse(-1L);
        entries.put(key, new MetadataEntry(key, type, value, offset));
        return new GgufMetadata(entries);
    }

    /** A copy of the metadata with an array-valued key replaced by the given primitive or String array. */
    public static GgufMetadata withArray(GgufMetadata base, String key, MetadataType elementType, Object elements) {
        return with(base, key, MetadataType.ARRAY, new MetadataArray(elementType, elements));
    }

    /** A copy of the metadata without one key. */
    public static GgufMetadata without(GgufMetadata base, String key) {
        SequencedMap<String, MetadataEntry> entries = new LinkedHashMap<>(base.entries());
        entries.remove(key);
        return new GgufMetadata(entries);
    }
}
