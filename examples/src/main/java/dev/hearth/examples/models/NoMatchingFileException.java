package dev.hearth.examples.models;

import java.util.List;

/** A {@code owner/repo:QUANT} reference matched no GGUF file of the repository, or more than one. */
public final class NoMatchingFileException extends PullException {
    private static final long serialVersionUID = 1L;

    public NoMatchingFileException(String reference, String problem, List<String> ggufFiles) {
        super(reference + ": " + problem + (ggufFiles.isEmpty() ? "; the repository has no .gguf file"
                : "; its .gguf files are " + String.join(", ", ggufFiles)
                + " (name one with hf://owner/repo/FILE or pick a quant with owner/repo:QUANT)"));
    }
}
