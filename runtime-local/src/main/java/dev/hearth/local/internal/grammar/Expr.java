package dev.hearth.local.internal.grammar;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A grammar expression as written, before it is flattened into rules of byte terminals by {@link GrammarBuilder}. Both
 * the GBNF parser and the JSON Schema compiler produce these.
 */
sealed interface Expr {

    /** One byte from a set. */
    record Bytes(ByteSet set) implements Expr {
    }

    /** One code point from ranges [from, to] (inclusive pairs), or from their complement when {@code negated}. */
    record CharClass(List<int[]> ranges, boolean negated) implements Expr {
        public CharClass {
            ranges = List.copyOf(ranges);
        }
    }

    record Seq(List<Expr> items) implements Expr {
        public Seq {
            items = List.copyOf(items);
        }
    }

    record Alt(List<Expr> options) implements Expr {
        public Alt {
            options = List.copyOf(options);
        }
    }

    /** A reference to a named rule. */
    record Ref(String name) implements Expr {
    }

    /** {@code item} between {@code min} and {@code max} times; {@code max} {@link #UNBOUNDED} has no upper limit. */
    record Repeat(Expr item, int min, int max) implements Expr {
        static final int UNBOUNDED = -1;
    }

    Expr EMPTY = new Seq(List.of());

    /** The UTF-8 bytes of a text, in order. */
    static Expr literal(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length == 1) {
            return new Bytes(ByteSet.of(bytes[0] & 0xFF));
        }
        Expr[] items = new Expr[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            items[i] = new Bytes(ByteSet.of(bytes[i] & 0xFF));
        }
        return new Seq(List.of(items));
    }

    static Expr seq(Expr... items) {
        return items.length == 1 ? items[0] : new Seq(List.of(items));
    }

    static Expr alt(Expr... options) {
        return options.length == 1 ? options[0] : new Alt(List.of(options));
    }

    static Expr optional(Expr item) {
        return new Repeat(item, 0, 1);
    }

    static Expr star(Expr item) {
        return new Repeat(item, 0, Repeat.UNBOUNDED);
    }
}
