package dev.hearth.examples.models;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What {@code hearth pull} is asked for on the Hugging Face hub: one file ({@code hf://owner/repo/path/file.gguf}) or
 * the GGUF file of a repository chosen by its quantisation ({@code owner/repo:Q4_K_M}; {@code owner/repo} alone when the
 * repository holds one GGUF file). A revision other than {@code main} follows the repository as {@code @rev}.
 */
public sealed interface ModelReference {
    /** {@code owner/repo}. */
    String repository();

    /** Branch, tag or commit. */
    String revision();

    /** A file named by its path inside the repository. */
    record HubFile(String repository, String revision, String path) implements ModelReference {
        public HubFile {
            requireRepository(repository);
            Objects.requireNonNull(revision, "revision");
            if (path.isBlank() || path.startsWith("/") || path.contains("\\")
                    || Pattern.compile("(^|/)\\.\\.?(/|$)").matcher(path).find()) {
                throw new IllegalArgumentException("'" + path + "' is not a file path inside a repository");
            }
        }

        @Override
        public String toString() {
            return "hf://" + repository + ("main".equals(revision) ? "" : "@" + revision) + "/" + path;
        }
    }

    /** The repository's GGUF file whose name carries {@code quant} (empty: the repository's only GGUF file). */
    record HubQuant(String repository, String revision, String quant) implements ModelReference {
        public HubQuant {
            requireRepository(repository);
            Objects.requireNonNull(revision, "revision");
            Objects.requireNonNull(quant, "quant");
        }

        /** True when {@code fileName} names this quant: the quant stands between separators, any case. */
        public boolean matches(String fileName) {
            String name = fileName.substring(fileName.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
            if (!name.endsWith(".gguf")) {
                return false;
            }
            if (quant.isEmpty()) {
                return true;
            }
            return Pattern.compile("(^|[^a-z0-9])" + Pattern.quote(quant.toLowerCase(Locale.ROOT)) + "([^a-z0-9_]|$)")
                    .matcher(name).find();
        }

        @Override
        public String toString() {
            return repository + ("main".equals(revision) ? "" : "@" + revision) + (quant.isEmpty() ? "" : ":" + quant);
        }
    }

    /**
     * Reads a reference: {@code hf://owner/repo/file.gguf}, {@code hf://owner/repo@rev/dir/file.gguf},
     * {@code owner/repo:QUANT}, {@code hf://owner/repo:QUANT}, {@code owner/repo}.
     *
     * @throws IllegalArgumentException naming what is wrong with the text
     */
    static ModelReference parse(String text) {
        String rest = text.strip();
        boolean explicit = rest.startsWith("hf://");
        if (explicit) {
            rest = rest.substring("hf://".length());
        }
        String[] parts = rest.split("/", 3);
        if (parts.length < 2 || parts[0].isBlank() || parts[1].isBlank()) {
            throw new IllegalArgumentException("'" + text + "' is not a model reference: use hf://owner/repo/file.gguf or owner/repo:QUANT");
        }
        String owner = parts[0];
        String repoPart = parts[1];
        if (parts.length == 3) {
            RepoAndRevision repo = RepoAndRevision.of(owner, repoPart, text);
            if (parts[2].contains(":")) {
                throw new IllegalArgumentException("'" + text + "' names a file and a quant: give one of them");
            }
            return new HubFile(repo.repository, repo.revision, parts[2]);
        }
        String quant = "";
        int colon = repoPart.indexOf(':');
        if (colon >= 0) {
            quant = repoPart.substring(colon + 1);
            repoPart = repoPart.substring(0, colon);
            if (!quant.matches("[A-Za-z0-9_.\\-]+")) {
                throw new IllegalArgumentException("'" + quant + "' in '" + text + "' is not a quant name such as Q4_K_M");
            }
        }
        RepoAndRevision repo = RepoAndRevision.of(owner, repoPart, text);
        return new HubQuant(repo.repository, repo.revision, quant);
    }

    private static void requireRepository(String repository) {
        if (!repository.matches("[A-Za-z0-9][A-Za-z0-9_.\\-]*/[A-Za-z0-9_.\\-]+") || repository.contains("..")) {
            throw new IllegalArgumentException("'" + repository + "' is not a repository name (owner/name)");
        }
    }

    /** {@code repo@rev} split apart. */
    record RepoAndRevision(String repository, String revision) {
        static RepoAndRevision of(String owner, String repoPart, String text) {
            int at = repoPart.indexOf('@');
            String revision = at >= 0 ? repoPart.substring(at + 1) : "main";
            String name = at >= 0 ? repoPart.substring(0, at) : repoPart;
            if (revision.isBlank() || !revision.matches("[A-Za-z0-9_.\\-]+")) {
                throw new IllegalArgumentException("'" + revision + "' in '" + text + "' is not a revision");
            }
            String repository = owner + "/" + name;
            requireRepository(repository);
            return new RepoAndRevision(repository, revision);
        }
    }
}
