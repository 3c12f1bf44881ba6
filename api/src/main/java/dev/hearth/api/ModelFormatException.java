package dev.hearth.api;

/**
 * A model file is truncated, corrupted or not in the expected format. {@link #field()} names the field being read
 * and {@link #offset()} the byte offset in the file where reading failed ({@code -1} when not tied to one offset).
 */
public class ModelFormatException extends ModelLoadException {
    private static final long serialVersionUID = 1L;

    private final String field;
    private final long offset;

    public ModelFormatException(String field, long offset, String problem) {
        super(describe(field, offset, problem));
        this.field = field;
        this.offset = offset;
    }

    public ModelFormatException(String field, long offset, String problem, Throwable cause) {
        super(describe(field, offset, problem), cause);
        this.field = field;
        this.offset = offset;
    }

    public String field() {
        return field;
    }

    public long offset() {
        return offset;
    }

    private static String describe(String field, long offset, String problem) {
        String where = offset >= 0 ? " at byte offset " + offset : "";
        return "Malformed model file: " + field + where + ": " + problem
                + ". The file is corrupted, truncated or not a model of this format; download it again.";
    }
}
