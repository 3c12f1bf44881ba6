package dev.hearth.api;

/** A model could not be opened. Subclasses say whether it is missing, malformed or unsupported. */
public class ModelLoadException extends HearthException {
    private static final long serialVersionUID = 1L;

    public ModelLoadException(String message) {
        super(message);
    }

    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
