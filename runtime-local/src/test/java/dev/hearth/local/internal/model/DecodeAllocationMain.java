package dev.hearth.local.internal.model;

import dev.hearth.local.internal.gguf.GgufFile;
import dev.hearth.local.internal.threads.WorkerPool;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;

/**
 * Run by {@link DecodeAllocationTest} in a JVM of its own: decodes rounds of greedy tokens on one model with a
 * two-thread pool and prints, per round, the bytes allocated per token by the calling thread and the pool's worker
 * together ({@code round N bytesPerToken B}), then {@code steady R} once {@code required} rounds in a row allocated
 * nothing, or {@code never-steady} after {@code maxRounds}. A JVM of its own, because which helper C2 refuses to
 * inline depends on what it compiled before; in the test JVM that would be whatever tests ran first.
 *
 * <p>Arguments: model path, tokens per round, maximum rounds, rounds in a row that must allocate nothing.
 */
public final class DecodeAllocationMain {
    private DecodeAllocationMain() {}

    public static void main(String[] args) {
        Path path = Path.of(args[0]);
        int tokens = Integer.parseInt(args[1]);
        int maxRounds = Integer.parseInt(args[2]);
        int required = Integer.parseInt(args[3]);
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (GgufFile file = GgufFile.open(path); WorkerPool pool = new WorkerPool(2, "alloc-test")) {
            int vocabulary = Math.toIntExact(file.tensor("token_embd.weight").orElseThrow().dim(1));
            ModelConfig config = ModelConfig.from(file.metadata(), vocabulary);
            TransformerModel model = new TransformerModel(file, config);
            KvCache cache = model.newKvCache(tokens);
            ForwardState state = model.newState(tokens);
            long[] ids = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t == Thread.currentThread() || t.getName().startsWith("alloc-test-"))
                    .mapToLong(Thread::threadId).toArray();
            if (ids.length != 2) {
                throw new IllegalStateException("expected the caller and one worker, found " + ids.length);
            }
            long[] before = new long[ids.length];
            long[] after = new long[ids.length];
            int quiet = 0;
            for (int round = 0; round < maxRounds; round++) {
                cache.truncate(0);
                read(threads, ids, before);
                int token = 1;
                for (int position = 0; position < tokens; position++) {
                    model.forward(token, position, cache, state, pool, true);
                    token = argmax(state.logits());
                }
                read(threads, ids, after);
                long allocated = 0;
                for (int i = 0; i < ids.length; i++) {
                    allocated += after[i] - before[i];
                }
                System.out.println("round " + round + " bytesPerToken " + allocated / tokens);
                quiet = allocated == 0 ? quiet + 1 : 0;
                if (quiet == required) {
                    System.out.println("steady " + round);
                    return;
                }
            }
            System.out.println("never-steady");
        }
    }

    /** Per-thread allocated bytes into {@code out}, without allocating (the array form would allocate a result). */
    private static void read(com.sun.management.ThreadMXBean threads, long[] ids, long[] out) {
        for (int i = 0; i < ids.length; i++) {
            out[i] = threads.getThreadAllocatedBytes(ids[i]);
        }
    }

    private static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }
}
