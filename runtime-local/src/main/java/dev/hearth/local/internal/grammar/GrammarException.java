package dev.hearth.local.internal.grammar;

import dev.hearth.api.InvalidRequestException;

/**
 * A grammar or schema given with a request cannot be used for constrained decoding: a rule is undefined or
 * left-recursive, or the grammar is too large. Subclasses say where: {@link GbnfSyntaxException} (line and column)
 * and {@link UnsupportedSchemaException} (keyword and JSON pointer).
 */
public class GrammarException extends InvalidRequestException {
    private static final long serialVersionUID = 1L;

    public GrammarException(String message) {
        super(message);
    }
}
