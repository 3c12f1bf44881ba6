package dev.hearth.api;

/** A well-formed model uses something this runtime cannot run (an architecture, a tensor type, a tokenizer). */
public class UnsupportedModelException extends ModelLoadException {
    private static final long serialVersionUID = 1L;

    public UnsupportedModelException(String message) {
        super(message);
    }
}
