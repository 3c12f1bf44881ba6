package dev.hearth.local.internal.model;

import dev.hearth.local.internal.tensor.WeightMatrix;
import dev.hearth.local.internal.threads.WorkerPool;

/**
 * One reusable {@link WorkerPool.RangeTask} per session for {@code output = matrix · input}: a capturing lambda per
 * product would allocate several objects per layer per token. The pool publishes the task through a volatile write
 * before workers read these fields, and a session runs one product at a time.
 */
final class MatVecTask implements WorkerPool.RangeTask {
    private WeightMatrix matrix;
    private float[] input;
    private float[] output;

    void run(WorkerPool pool, WeightMatrix matrix, float[] input, float[] output) {
        this.matrix = matrix;
        this.input = input;
        this.output = output;
        try {
            pool.forRange(matrix.rows(), this);
        } finally {
            this.matrix = null;
            this.input = null;
            this.output = null;
        }
    }

    @Override
    public void run(int start, int end) {
        matrix.matVec(input, output, start, end);
    }
}
