package dev.hearth.local.internal.grammar;

/** A GBNF grammar does not parse; {@link #line()} and {@link #column()} (both from 1) point at the offending character. */
public final class GbnfSyntaxException extends GrammarException {
    private static final long serialVersionUID = 1L;
    private final int line;
    private final int column;

    public GbnfSyntaxException(int line, int column, String problem) {
        super("GBNF grammar, line " + line + ", column " + column + ": " + problem);
        this.line = line;
        this.column = column;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }
}
