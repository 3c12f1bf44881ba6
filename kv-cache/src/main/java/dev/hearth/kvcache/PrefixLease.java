package dev.hearth.kvcache;

import java.util.List;

/**
 * The cached prefix a lookup found, pinned in memory until closed. Close it once its keys and values are copied and
 * the session's new blocks are stored.
 */
public final class PrefixLease implements AutoCloseable {
    private final PrefixStore store;
    private final List<Block> chain;
    private final int tokens;
    private boolean closed;

    PrefixLease(PrefixStore store, List<Block> chain, int blockSize) {
        this.store = store;
        this.chain = List.copyOf(chain);
        this.tokens = chain.size() * blockSize;
    }

    /** How many leading prompt tokens are cached (a multiple of the block size, possibly 0). */
    public int tokens() {
        return tokens;
    }

    /** Copies the cached keys and values into positions {@code [0, tokens())} of {@code target}. */
    public void copyInto(KvArrays target) {
        if (closed) {
            throw new IllegalStateException("this lease is closed");
        }
        store.copyOut(chain, target);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            store.release(chain);
        }
    }
}
