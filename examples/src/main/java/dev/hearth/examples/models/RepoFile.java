package dev.hearth.examples.models;

import java.util.Optional;

/**
 * One file of a hub repository as its tree listing shows it: the path, the size, and the sha256 when the file is
 * stored in Git LFS (the LFS object id is the content's sha256; small files kept in Git carry only a Git blob id).
 */
public record RepoFile(String path, long size, Optional<String> sha256) {
}
