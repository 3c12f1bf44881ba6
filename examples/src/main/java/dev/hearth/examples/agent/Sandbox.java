package dev.hearth.examples.agent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * The one folder the file tools may read. A path from the model is taken relative to the folder and refused when it
 * is absolute, contains a {@code ..} step, or leads out of the folder through a symbolic link (checked on the real
 * path, after links are followed); refusals are {@link SandboxException}s whose message says which rule was broken.
 * Files the {@code privateFiles} test matches (by default anything under a {@code private/} folder) are read as
 * {@link ToolResult#isPrivate() private} results.
 */
public final class Sandbox {
    private final Path root;
    private final Predicate<Path> privateFiles;

    private Sandbox(Path root, Predicate<Path> privateFiles) {
        this.root = root;
        this.privateFiles = privateFiles;
    }

    /** A sandbox over {@code folder}, with the files under its {@code private/} folder private. */
    public static Sandbox of(Path folder) {
        return of(folder, relative -> relative.getNameCount() > 1 && relative.getName(0).toString().equals("private"));
    }

    /** A sandbox over {@code folder}; {@code privateFiles} receives paths relative to it. */
    public static Sandbox of(Path folder, Predicate<Path> privateFiles) {
        Objects.requireNonNull(privateFiles, "privateFiles");
        try {
            return new Sandbox(folder.toRealPath(), privateFiles);
        } catch (IOException e) {
            throw new UncheckedIOException("the sandbox folder " + folder + " cannot be opened: " + e.getMessage(), e);
        }
    }

    public Path root() {
        return root;
    }

    /**
     * The real file {@code path} names inside the sandbox ({@code ""} or {@code "."} for the folder itself).
     *
     * @throws SandboxException when the path is refused or does not exist
     */
    public Path resolve(String path) {
        Objects.requireNonNull(path, "path");
        String given = path.strip();
        if (given.isEmpty() || given.equals(".")) {
            return root;
        }
        if (given.startsWith("/") || given.startsWith("\\") || given.startsWith("~") || given.matches("^[A-Za-z]:.*")) {
            throw new SandboxException("refused: '" + path + "' is an absolute path; give a path relative to the sandbox folder");
        }
        Path relative;
        try {
            relative = Path.of(given);
        } catch (InvalidPathException e) {
            throw new SandboxException("refused: '" + path + "' is not a valid path: " + e.getReason());
        }
        if (relative.isAbsolute()) {
            throw new SandboxException("refused: '" + path + "' is an absolute path; give a path relative to the sandbox folder");
        }
        for (Path part : relative) {
            if (part.toString().equals("..")) {
                throw new SandboxException("refused: '" + path + "' steps out of the sandbox with '..'");
            }
        }
        Path candidate = root.resolve(relative).normalize();
        if (!Files.exists(candidate, LinkOption.NOFOLLOW_LINKS)) {
            throw new SandboxException("no such file or folder in the sandbox: '" + path + "'");
        }
        return inside(candidate, path);
    }

    /** {@code candidate}'s real path, refused when a symbolic link leads it out of the sandbox. */
    Path inside(Path candidate, String shown) {
        Path real;
        try {
            real = candidate.toRealPath();
        } catch (IOException e) {
            // a link to nowhere: as refused as a link out, and says which
            throw new SandboxException("refused: '" + shown + "' is a link that leads nowhere");
        }
        if (!real.startsWith(root)) {
            throw new SandboxException("refused: '" + shown + "' is a link that leads out of the sandbox");
        }
        return real;
    }

    /** Whether the file is private; {@code real} is a real path inside the sandbox. */
    public boolean isPrivate(Path real) {
        return privateFiles.test(root.relativize(real));
    }

    /** How {@code real} is shown to the model: relative to the sandbox, with '/' separators. */
    public String display(Path real) {
        String shown = root.relativize(real).toString().replace('\\', '/');
        return shown.isEmpty() ? "." : shown;
    }
}
