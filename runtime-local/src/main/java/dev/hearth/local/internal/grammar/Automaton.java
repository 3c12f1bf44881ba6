package dev.hearth.local.internal.grammar;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs a {@link Grammar} as a pushdown automaton over bytes. A state is a set of stacks ({@link Frame}s, interned)
 * whose tops are all terminals, plus possibly the accept marker; reading a byte keeps the stacks whose top terminal
 * holds it, moves them past it and expands rule references until every top is a terminal again (llama.cpp's
 * algorithm, with the same tail-call rule: a reference at the end of an alternative pushes no return position).
 * Expansions and per-byte transitions are memoized on the frames, so a byte costs an array lookup once seen.
 *
 * <p>Not thread-safe: one generation at a time uses an automaton (the mask cache lives on it too).
 */
final class Automaton {
    static final Frame[] DEAD = new Frame[0];

    final Grammar grammar;
    final Frame accept = new Frame(Frame.ACCEPT_PC, null);
    final Frame escaped = new Frame(Frame.ESCAPED_PC, null);
    final Frame bottom = new Frame(Frame.BOTTOM_PC, null);
    private final Map<Integer, Frame> roots = new HashMap<>();
    private final Frame[] start;

    Automaton(Grammar grammar) {
        this.grammar = grammar;
        FrameCollector out = new FrameCollector();
        for (int alternative : grammar.alternativeStarts(grammar.root())) {
            expand(root(alternative), out);
        }
        this.start = out.toArray();
    }

    /** The stacks before any byte is read. */
    Frame[] start() {
        return start;
    }

    Frame root(int pc) {
        return roots.computeIfAbsent(pc, key -> new Frame(key, null));
    }

    Frame push(Frame below, int pc) {
        if (below == null) {
            return root(pc);
        }
        return below.push(pc);
    }

    /** A position's stack over the stand-in bottom: what happens above it, whatever lies below. */
    Frame overBottom(int pc) {
        return bottom.push(pc);
    }

    /** The state after reading one byte from {@code state}; {@link #DEAD} when no stack accepts it. */
    Frame[] advance(Frame[] state, int unsignedByte) {
        if (state.length == 1) {
            return advance(state[0], unsignedByte);
        }
        FrameCollector out = null;
        Frame[] only = DEAD;
        for (Frame frame : state) {
            Frame[] next = advance(frame, unsignedByte);
            if (next.length == 0) {
                continue;
            }
            if (only == DEAD && out == null) {
                only = next;
                continue;
            }
            if (out == null) {
                out = new FrameCollector();
                out.addAll(only);
            }
            out.addAll(next);
        }
        return out == null ? only : out.toArray();
    }

    /** One stack's successors on a byte (memoized). */
    Frame[] advance(Frame frame, int unsignedByte) {
        if (frame.isMarker()) {
            return DEAD;
        }
        Frame[][] table = frame.byByte;
        if (table == null) {
            table = frame.byByte = new Frame[256][];
        }
        Frame[] next = table[unsignedByte];
        if (next == null) {
            int terminal = grammar.symbolAt(frame.pc);
            if (grammar.terminalAccepts(terminal, unsignedByte)) {
                next = closure(push(frame.next, frame.pc + 1));
            } else {
                next = DEAD;
            }
            table[unsignedByte] = next;
        }
        return next;
    }

    /** The stacks a (not yet expanded) frame stands for, every top a terminal or a marker (memoized). */
    Frame[] closure(Frame frame) {
        if (frame.closure == null) {
            FrameCollector out = new FrameCollector();
            expand(frame, out);
            frame.closure = out.toArray();
        }
        return frame.closure;
    }

    private void expand(Frame frame, FrameCollector out) {
        int symbol = grammar.symbolAt(frame.pc);
        if (symbol >= 0) {
            out.add(frame);
        } else if (symbol == Grammar.END) {
            Frame below = frame.next;
            if (below == null) {
                out.add(accept);
            } else if (below.pc == Frame.BOTTOM_PC) {
                out.add(escaped);
            } else {
                out.addAll(closure(below));
            }
        } else {
            int rule = Grammar.ruleOf(symbol);
            // a reference that ends its alternative is a tail call: it returns straight to the frame below
            Frame returnTo = grammar.symbolAt(frame.pc + 1) == Grammar.END ? frame.next : push(frame.next, frame.pc + 1);
            for (int alternative : grammar.alternativeStarts(rule)) {
                Frame callee = returnTo == null ? root(alternative) : returnTo.push(alternative);
                out.addAll(closure(callee));
            }
        }
    }

    static boolean contains(Frame[] state, Frame marker) {
        for (Frame frame : state) {
            if (frame == marker) {
                return true;
            }
        }
        return false;
    }

    /**
     * Collects frames without duplicates (by identity): a linear scan while small, a hash set beyond that. Collectors
     * nest (an expansion computes other closures), so no mark is kept on the frames themselves.
     */
    static final class FrameCollector {
        private Frame[] items = new Frame[4];
        private int size;
        private java.util.Set<Frame> seen;

        void add(Frame frame) {
            if (seen != null) {
                if (!seen.add(frame)) {
                    return;
                }
            } else {
                for (int i = 0; i < size; i++) {
                    if (items[i] == frame) {
                        return;
                    }
                }
                if (size == 16) {
                    seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
                    seen.addAll(Arrays.asList(items).subList(0, size));
                    seen.add(frame);
                }
            }
            if (size == items.length) {
                items = Arrays.copyOf(items, size * 2);
            }
            items[size++] = frame;
        }

        void addAll(Frame[] frames) {
            for (Frame frame : frames) {
                add(frame);
            }
        }

        Frame[] toArray() {
            return size == 0 ? DEAD : Arrays.copyOf(items, size);
        }
    }
}
