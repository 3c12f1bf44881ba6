/**
 * Prefix/KV-cache store: token blocks keyed by chained hashes, held off-heap and bounded by bytes.
 * Knows nothing of GGUF or any engine; {@code runtime-local} plugs into it.
 */
package dev.hearth.kvcache;
