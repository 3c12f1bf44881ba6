package dev.hearth.api;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * How one request uses the runtime's prefix cache (runtimes without one ignore it). By default a request reuses the
 * longest cached prefix of its prompt and adds what it computes.
 *
 * <pre>{@code
 * // an agent: keep the system prompt and tool definitions (the first message) cached for every later turn
 * ChatRequest request = ChatRequest.builder().system(instructions).user(question).tools(tools)
 *         .cache(CacheControl.defaults().pinFirstMessages(1))
 *         .build();
 * }</pre>
 *
 * @param enabled       false computes the whole prompt and neither reads nor writes the cache
 * @param pinnedMessages the prompt prefix made of the tools and this many first messages is pinned: never evicted
 *                      while pins fit in half the cache's memory (the oldest pin is released first); 0 pins nothing
 * @param restoreFrom   a session file (written by {@code saveTo} of an earlier call on the same model) whose keys
 *                      and values seed this call as far as its tokens agree with the prompt
 * @param saveTo        after the call, the whole session (prompt and answer tokens with their keys and values) is
 *                      written to this file
 */
public record CacheControl(boolean enabled, int pinnedMessages, Optional<Path> restoreFrom, Optional<Path> saveTo) {
    private static final CacheControl DEFAULTS = new CacheControl(true, 0, Optional.empty(), Optional.empty());
    private static final CacheControl DISABLED = new CacheControl(false, 0, Optional.empty(), Optional.empty());

    public CacheControl {
        Objects.requireNonNull(restoreFrom, "restoreFrom");
        Objects.requireNonNull(saveTo, "saveTo");
        if (pinnedMessages < 0) {
            throw new InvalidRequestException("pinnedMessages must be >= 0, was " + pinnedMessages);
        }
        if (!enabled && (pinnedMessages > 0 || restoreFrom.isPresent() || saveTo.isPresent())) {
            throw new InvalidRequestException("A request with the cache disabled cannot pin, restore or save a session");
        }
    }

    /** Reuse and fill the cache; pin nothing. */
    public static CacheControl defaults() {
        return DEFAULTS;
    }

    /** Compute the whole prompt; the cache is neither read nor written. */
    public static CacheControl disabled() {
        return DISABLED;
    }

    /** Also pin the prompt prefix made of the tools and the first {@code count} messages. */
    public CacheControl pinFirstMessages(int count) {
        return new CacheControl(enabled, count, restoreFrom, saveTo);
    }

    /** Seed the call with a session saved earlier by {@link #saveSessionTo}. */
    public CacheControl restoreSessionFrom(Path file) {
        return new CacheControl(enabled, pinnedMessages, Optional.of(file), saveTo);
    }

    /** Write the whole session to {@code file} once the answer is complete. */
    public CacheControl saveSessionTo(Path file) {
        return new CacheControl(enabled, pinnedMessages, restoreFrom, Optional.of(file));
    }
}
