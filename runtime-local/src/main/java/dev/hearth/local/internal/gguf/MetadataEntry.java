package dev.hearth.local.internal.gguf;

/**
 * One metadata key/value pair. {@code value} is a {@code Long} for every integer type (unsigned 64-bit values keep
 * their bit pattern), {@code Float}, {@code Double}, {@code Boolean}, {@code String} or {@link MetadataArray}.
 * {@code offset} is where the value starts in the file, for error messages.
 */
public record MetadataEntry(String key, MetadataType type, Object value, long offset) {
}
