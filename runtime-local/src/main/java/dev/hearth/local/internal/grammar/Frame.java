package dev.hearth.local.internal.grammar;

import java.util.HashMap;
import java.util.Map;

/**
 * One stack of the pushdown automaton, as a linked list of program positions: {@link #pc} is the position at the top
 * and {@link #next} the stack below it (return positions). Frames are interned by their {@link Automaton}, so two
 * equal stacks are the same object; that lets the automaton memoize, per stack, its expansion, its transition on each
 * byte and its token mask. Not thread-safe: its automaton guards it.
 */
final class Frame {
    /** The pc of the completed-grammar marker (the whole input matched). */
    static final int ACCEPT_PC = -1;
    /** The pc of the stand-in bottom used to classify tokens independently of the stack below a position. */
    static final int BOTTOM_PC = -2;
    /** The pc of the marker for "the top rule finished and control returned to the unknown stack below". */
    static final int ESCAPED_PC = -3;

    final int pc;
    final Frame next;
    final int depth;
    /** Frames pushed on top of this one, by pc. */
    private Map<Integer, Frame> above;
    /** Memoized expansion (for a frame whose pc is not a terminal, what it expands to). */
    Frame[] closure;
    /** Memoized transitions of a terminal-topped frame, by byte; null entries are not computed yet. */
    Frame[][] byByte;
    /** Memoized token mask for this stack (set by {@link TokenMasker}). */
    long[] mask;

    Frame(int pc, Frame next) {
        this.pc = pc;
        this.next = next;
        this.depth = next == null ? 1 : next.depth + 1;
    }

    Frame push(int topPc) {
        if (above == null) {
            above = new HashMap<>(4);
        }
        return above.computeIfAbsent(topPc, key -> new Frame(key, this));
    }

    boolean isMarker() {
        return pc < 0;
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("Frame[");
        for (Frame f = this; f != null; f = f.next) {
            out.append(f.pc).append(f.next != null ? " " : "");
        }
        return out.append(']').toString();
    }
}
