package dev.hearth.local.internal.grammar;

import java.nio.charset.StandardCharsets;

/**
 * Where one generation stands in its grammar: feed it bytes (or whole tokens' bytes) and ask whether the text so far
 * is a prefix of a match ({@link #isDead()} false) and whether it is a complete match ({@link #isComplete()}). Not
 * thread-safe.
 */
public final class GrammarMatcher {
    private final Automaton automaton;
    private Frame[] state;

    public GrammarMatcher(Grammar grammar) {
        this(new Automaton(grammar));
    }

    GrammarMatcher(Automaton automaton) {
        this.automaton = automaton;
        this.state = automaton.start();
    }

    /**
     * Reads bytes if they all continue a valid prefix; otherwise returns false and leaves the matcher where it was.
     */
    public boolean accept(byte[] bytes) {
        Frame[] next = state;
        for (byte b : bytes) {
            next = automaton.advance(next, b & 0xFF);
            if (next.length == 0) {
                return false;
            }
        }
        state = next;
        return true;
    }

    /** Whether the text read so far is a complete match (the grammar may still allow more). */
    public boolean isComplete() {
        return Automaton.contains(state, automaton.accept);
    }

    /** Whether some more bytes are still allowed. */
    public boolean canContinue() {
        for (Frame frame : state) {
            if (!frame.isMarker()) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code text} as a whole is a complete match of {@code grammar}. */
    public static boolean matches(Grammar grammar, String text) {
        GrammarMatcher matcher = new GrammarMatcher(grammar);
        return matcher.accept(text.getBytes(StandardCharsets.UTF_8)) && matcher.isComplete();
    }

    /** Whether {@code text} is a prefix of some complete match of {@code grammar}. */
    public static boolean isPrefix(Grammar grammar, String text) {
        return new GrammarMatcher(grammar).accept(text.getBytes(StandardCharsets.UTF_8));
    }

    Automaton automaton() {
        return automaton;
    }

    Frame[] state() {
        return state;
    }

    void state(Frame[] state) {
        this.state = state;
    }
}
