package dev.hearth.local.internal.grammar;

/**
 * A JSON Schema uses something constrained decoding does not support (or is malformed there): {@link #keyword()} names
 * it and {@link #pointer()} is the JSON pointer (RFC 6901) of the schema object that holds it, e.g.
 * {@code /properties/age} for {@code minimum} under the {@code age} property.
 */
public final class UnsupportedSchemaException extends GrammarException {
    private static final long serialVersionUID = 1L;
    private final String keyword;
    private final String pointer;

    public UnsupportedSchemaException(String keyword, String pointer, String problem) {
        super("JSON Schema keyword '" + keyword + "' at '" + pointer + "': " + problem);
        this.keyword = keyword;
        this.pointer = pointer;
    }

    public String keyword() {
        return keyword;
    }

    public String pointer() {
        return pointer;
    }
}
