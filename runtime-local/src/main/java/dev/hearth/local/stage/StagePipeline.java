package dev.hearth.local.stage;

import dev.hearth.api.CacheControl;
import dev.hearth.api.CacheStats;

import java.util.List;
import java.util.Optional;

/**
 * A model's layers as a chain of stages, seen from the request loop: the loop that renders prompts, samples and
 * streams text ({@link GgufChat}) runs over this interface and does not know whether the stages live in this process
 * or on other machines. One session at a time; the caller serialises requests.
 */
public interface StagePipeline extends AutoCloseable {
    /** Positions of context every stage can hold. */
    int contextLength();

    /**
     * Starts a session for {@code promptIds}: every stage restores what it can of the prompt's prefix, and all are
     * aligned to the shortest. Returns the positions already computed (at most {@code promptIds.length - 1}).
     */
    int begin(int[] promptIds, CacheControl control);

    /**
     * Runs {@code tokens[from, to)} (any number, in blocks) at the next positions. Returns the logits after the last
     * token when {@code wantLogits}, else null; the array is valid until the next call.
     */
    float[] forward(int[] tokens, int from, int to, boolean wantLogits);

    /** Stores the session's computed positions of {@code tokens} in the stages' prefix caches. */
    void remember(int[] tokens, CacheControl control, int pinnedTokens);

    /** Writes the session to the file {@code control} names, if any. */
    void save(CacheControl control, int[] tokens);

    /** Ends the session (releases restored prefix blocks); the caches keep their positions for the next begin. */
    void end();

    Optional<CacheStats> cacheStats();

    @Override
    void close();

    /** Stages in this process, first to last, covering every layer of one model without gaps. */
    static StagePipeline local(List<ModelStage> stages) {
        return new LocalStages(stages);
    }
}
