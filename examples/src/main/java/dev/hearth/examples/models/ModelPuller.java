package dev.hearth.examples.models;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Puts a hub model into the local cache and returns its path: picks the file (by name, or by quant from the
 * repository's listing), reuses a copy already verified against the repository's sha256, and otherwise downloads it
 * with {@link ResumableDownload}. Offline (no {@link HubClient}) it answers only from the cache.
 */
public final class ModelPuller {
    private static final Logger LOG = LoggerFactory.getLogger(ModelPuller.class);

    private final ModelCatalogue catalogue;
    private final Optional<HubClient> hub;

    /** {@code hub} empty means offline: any need for the network fails with {@link OfflineException}. */
    public ModelPuller(ModelCatalogue catalogue, Optional<HubClient> hub) {
        this.catalogue = catalogue;
        this.hub = hub;
    }

    public Path pull(ModelReference reference, DownloadProgress progress) {
        if (hub.isEmpty()) {
            return fromCache(reference);
        }
        HubClient client = hub.get();
        List<RepoFile> files = client.listFiles(reference.repository(), reference.revision());
        RepoFile chosen = choose(reference, files);
        Path target = catalogue.hubFile(reference.repository(), chosen.path());
        if (Files.isRegularFile(target)) {
            Optional<String> recorded = catalogue.recordedSha256(target);
            boolean sameBytes = chosen.sha256().isPresent()
                    ? recorded.equals(chosen.sha256())
                    : recorded.isPresent() && sizeOf(target) == chosen.size();
            if (sameBytes) {
                LOG.info("{} is already in the cache", target);
                return target;
            }
        }
        new ResumableDownload(client).fetch(client.resolveUri(reference.repository(), reference.revision(), chosen.path()),
                target, chosen.sha256(), chosen.size(), progress);
        return target;
    }

    private static RepoFile choose(ModelReference reference, List<RepoFile> files) {
        List<String> ggufFiles = files.stream().map(RepoFile::path).filter(p -> p.toLowerCase().endsWith(".gguf")).toList();
        return switch (reference) {
            case ModelReference.HubFile file -> files.stream().filter(f -> f.path().equals(file.path())).findFirst()
                    .orElseThrow(() -> new NoMatchingFileException(reference.toString(), "the repository has no file " + file.path(), ggufFiles));
            case ModelReference.HubQuant quant -> {
                List<RepoFile> matching = files.stream().filter(f -> quant.matches(f.path())).toList();
                if (matching.size() == 1) {
                    yield matching.getFirst();
                }
                String problem = matching.isEmpty()
                        ? (quant.quant().isEmpty() ? "no .gguf file" : "no .gguf file for quant " + quant.quant())
                        : (quant.quant().isEmpty() ? "several .gguf files, name a quant" : "several files match " + quant.quant()
                                + " (split GGUF files are not supported)");
                throw new NoMatchingFileException(reference.toString(), problem, ggufFiles);
            }
        };
    }

    private Path fromCache(ModelReference reference) {
        return switch (reference) {
            case ModelReference.HubFile file -> {
                Path target = catalogue.hubFile(file.repository(), file.path());
                if (!Files.isRegularFile(target)) {
                    throw new OfflineException(reference.toString());
                }
                yield target;
            }
            case ModelReference.HubQuant quant -> {
                Path folder = catalogue.hubFile(quant.repository(), ".").normalize();
                List<Path> matching = List.of();
                if (Files.isDirectory(folder)) {
                    try (Stream<Path> walk = Files.walk(folder)) {
                        matching = walk.filter(Files::isRegularFile)
                                .filter(p -> quant.matches(folder.relativize(p).toString().replace('\\', '/'))).toList();
                    } catch (IOException e) {
                        throw new UncheckedIOException("Cannot search the cache folder " + folder, e);
                    }
                }
                if (matching.size() != 1) {
                    throw new OfflineException(reference + (matching.isEmpty() ? "" : " (several cached files match)"));
                }
                yield matching.getFirst();
            }
        };
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }
}
