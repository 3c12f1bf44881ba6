package dev.hearth.cluster;

import java.io.Serializable;

/** A model file a node holds: its file name, sha256 (lower-case hex) and size. */
public record HeldModel(String fileName, String sha256, long bytes) implements Serializable {
}
