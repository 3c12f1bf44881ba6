package dev.hearth.examples.models;

import dev.hearth.api.ModelNotFoundException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The models in the local cache: files pulled from the hub under {@code huggingface/owner/repo/...}, named
 * {@code hf://owner/repo/file}, and files placed at the top (the default model), named by their file name.
 * Unfinished downloads ({@code .part}) are listed as such, since they hold disk too.
 */
public final class ModelCatalogue {
    static final String HUB_FOLDER = "huggingface";

    private final Path root;

    public ModelCatalogue(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    /** One model file, or one unfinished download of it. */
    public record Entry(String name, Path file, long size, Optional<String> sha256, boolean partial) {
    }

    /** Where a hub file is kept. */
    Path hubFile(String repository, String path) {
        return root.resolve(HUB_FOLDER).resolve(repository).resolve(path);
    }

    /** Every model file and partial download, by name. */
    public List<Entry> list() {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        List<Entry> entries = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                String fileName = file.getFileName().toString();
                if (fileName.endsWith(".sha256")) {
                    continue;
                }
                boolean partial = fileName.endsWith(".part");
                Path model = partial ? file.resolveSibling(fileName.substring(0, fileName.length() - ".part".length())) : file;
                entries.add(new Entry(nameOf(model), file, Files.size(file),
                        partial ? Optional.empty() : recordedSha256(model), partial));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list the model cache " + root, e);
        }
        entries.sort(Comparator.comparing(Entry::name).thenComparing(Entry::partial));
        return entries;
    }

    /** Bytes held by the cache: models, partial downloads and their hash files. */
    public long diskUsed() {
        if (!Files.isDirectory(root)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(root)) {
            long total = 0;
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                total += Files.size(file);
            }
            return total;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot measure the model cache " + root, e);
        }
    }

    /**
     * Deletes a model (its file, hash file and any partial download) named as {@link #list()} names it, with or
     * without {@code hf://}; returns the bytes freed.
     *
     * @throws ModelNotFoundException when nothing has that name
     */
    public long remove(String name) {
        String wanted = name.startsWith("hf://") || !name.contains("/") ? name : "hf://" + name;
        List<Entry> matching = list().stream().filter(entry -> entry.name().equals(wanted)).toList();
        if (matching.isEmpty()) {
            throw new ModelNotFoundException("No model named '" + name + "' in " + root + "; `hearth models` lists them");
        }
        long freed = 0;
        try {
            for (Entry entry : matching) {
                freed += entry.size();
                Files.deleteIfExists(entry.file());
                Path model = entry.partial() ? entry.file().resolveSibling(
                        entry.file().getFileName().toString().replaceFirst("\\.part$", "")) : entry.file();
                Path hash = ResumableDownload.hashFile(model);
                if (Files.exists(hash)) {
                    freed += Files.size(hash);
                    Files.delete(hash);
                }
                pruneEmptyFolders(entry.file().getParent());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot remove " + name + " from " + root, e);
        }
        return freed;
    }

    /** The sha256 recorded when the file was verified, if it was. */
    Optional<String> recordedSha256(Path model) {
        Path hash = ResumableDownload.hashFile(model);
        if (!Files.isRegularFile(hash)) {
            return Optional.empty();
        }
        try {
            String line = Files.readString(hash).strip();
            String sha = line.split("\\s+", 2)[0];
            return HubClient.isSha256(sha) ? Optional.of(sha) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private String nameOf(Path model) {
        Path relative = root.relativize(model);
        String slashed = relative.toString().replace('\\', '/');
        if (relative.getNameCount() > 3 && relative.getName(0).toString().equals(HUB_FOLDER)) {
            return "hf://" + slashed.substring(HUB_FOLDER.length() + 1);
        }
        return slashed;
    }

    private void pruneEmptyFolders(Path folder) throws IOException {
        Path current = folder;
        while (current != null && current.startsWith(root) && !current.equals(root)) {
            try (Stream<Path> children = Files.list(current)) {
                if (children.findAny().isPresent()) {
                    return;
                }
            }
            Files.delete(current);
            current = current.getParent();
        }
    }
}
