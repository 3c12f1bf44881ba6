package dev.hearth.api;

/** The model path does not exist, is not a regular file, or cannot be read. */
public class ModelNotFoundException extends ModelLoadException {
    private static final long serialVersionUID = 1L;

    public ModelNotFoundException(String message) {
        super(message);
    }

    public ModelNotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}
