package dev.hearth.local.internal.tensor;

import static dev.hearth.local.internal.tensor.KernelSpecies.FLOAT;
import static dev.hearth.local.internal.tensor.KernelSpecies.FLOAT_LANES;
import static dev.hearth.local.internal.tensor.PanelGemm.BLOCK_VALUES;

import jdk.incubator.vector.FloatVector;

/**
 * Shapes of {@link PanelGemm}'s micro-kernel (rows × tokens), generated from one template, for
 * {@link MicroKernelRateMain} to choose between by measurement. Same arithmetic as the production kernel.
 */
final class MicroKernelVariants {
    private MicroKernelVariants() {}

    static void run(String shape, float[] w, int tileAt, int tileStride, float[] scales, int scaleAt, int scaleStride,
                    float[] x, int[] tokenOffsets, int xColumn, int pairs, float[] acc, int accAt) {
        switch (shape) {
            case "4x4" -> microKernel4x4(w, tileAt, tileStride, scales, scaleAt, scaleStride, x, tokenOffsets, xColumn, pairs, acc, accAt, false);
            case "4x3" -> microKernel4x3(w, tileAt, tileStride, scales, scaleAt, scaleStride, x, tokenOffsets, xColumn, pairs, acc, accAt, false);
            case "3x4" -> microKernel3x4(w, tileAt, tileStride, scales, scaleAt, scaleStride, x, tokenOffsets, xColumn, pairs, acc, accAt, false);
            case "4x2" -> microKernel4x2(w, tileAt, tileStride, scales, scaleAt, scaleStride, x, tokenOffsets, xColumn, pairs, acc, accAt, false);
            case "2x4" -> microKernel2x4(w, tileAt, tileStride, scales, scaleAt, scaleStride, x, tokenOffsets, xColumn, pairs, acc, accAt, false);
            case "3x3" -> microKernel3x3(w, tileAt, tileStride, scales, scaleAt, scaleStride, x, tokenOffsets, xColumn, pairs, acc, accAt, false);
            case "2x3" -> microKernel2x3(w, tileAt, tileStride, scales, scaleAt, scaleStride, x, tokenOffsets, xColumn, pairs, acc, accAt, false);
            case "3x2" -> microKernel3x2(w, tileAt, tileStride, scales, scaleAt, scaleStride, x, tokenOffsets, xColumn, pairs, acc, accAt, false);
            case "2x2" -> microKernel2x2(w, tileAt, tileStride, scales, scaleAt, scaleStride, x, tokenOffsets, xColumn, pairs, acc, accAt, false);
            default -> throw new IllegalArgumentException(shape);
        }
    }

    static void microKernel4x4(float[] w, int tileAt, int tileStride, float[] scales, int scaleAt,
                                    int scaleStride, float[] x, int[] tokenOffsets, int xColumn, int pairs,
                                    float[] acc, int accAt, boolean fresh) {
        if (pairs <= 0) {
            return;
        }
        final int L = FLOAT_LANES;
        FloatVector zero = FloatVector.zero(FLOAT);
        FloatVector a00 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 0 * L);
        FloatVector a01 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 1 * L);
        FloatVector a02 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 2 * L);
        FloatVector a03 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 3 * L);
        FloatVector a10 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 4 * L);
        FloatVector a11 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 5 * L);
        FloatVector a12 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 6 * L);
        FloatVector a13 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 7 * L);
        FloatVector a20 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 8 * L);
        FloatVector a21 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 9 * L);
        FloatVector a22 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 10 * L);
        FloatVector a23 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 11 * L);
        FloatVector a30 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 12 * L);
        FloatVector a31 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 13 * L);
        FloatVector a32 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 14 * L);
        FloatVector a33 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 15 * L);
        int t0 = tokenOffsets[0] + xColumn;
        int t1 = tokenOffsets[1] + xColumn;
        int t2 = tokenOffsets[2] + xColumn;
        int t3 = tokenOffsets[3] + xColumn;
        int w0 = tileAt + 0 * tileStride;
        int s0 = scaleAt + 0 * scaleStride;
        int w1 = tileAt + 1 * tileStride;
        int s1 = scaleAt + 1 * scaleStride;
        int w2 = tileAt + 2 * tileStride;
        int s2 = scaleAt + 2 * scaleStride;
        int w3 = tileAt + 3 * tileStride;
        int s3 = scaleAt + 3 * scaleStride;
        for (int pair = 0; pair < pairs; pair++) {
            int c = pair * 2 * BLOCK_VALUES;
            int s = pair * 2;
            FloatVector x0l = FloatVector.fromArray(FLOAT, x, t0 + c);
            FloatVector x0h = FloatVector.fromArray(FLOAT, x, t0 + c + L);
            FloatVector x1l = FloatVector.fromArray(FLOAT, x, t1 + c);
            FloatVector x1h = FloatVector.fromArray(FLOAT, x, t1 + c + L);
            FloatVector x2l = FloatVector.fromArray(FLOAT, x, t2 + c);
            FloatVector x2h = FloatVector.fromArray(FLOAT, x, t2 + c + L);
            FloatVector x3l = FloatVector.fromArray(FLOAT, x, t3 + c);
            FloatVector x3h = FloatVector.fromArray(FLOAT, x, t3 + c + L);
            // row 0
            FloatVector wl = FloatVector.fromArray(FLOAT, w, w0 + c);
            FloatVector wh = FloatVector.fromArray(FLOAT, w, w0 + c + L);
            FloatVector d = FloatVector.broadcast(FLOAT, scales[s0 + s]);
            a00 = wh.fma(x0h, wl.mul(x0l)).fma(d, a00);
            a01 = wh.fma(x1h, wl.mul(x1l)).fma(d, a01);
            a02 = wh.fma(x2h, wl.mul(x2l)).fma(d, a02);
            a03 = wh.fma(x3h, wl.mul(x3l)).fma(d, a03);
            // row 1
            wl = FloatVector.fromArray(FLOAT, w, w1 + c);
            wh = FloatVector.fromArray(FLOAT, w, w1 + c + L);
            d = FloatVector.broadcast(FLOAT, scales[s1 + s]);
            a10 = wh.fma(x0h, wl.mul(x0l)).fma(d, a10);
            a11 = wh.fma(x1h, wl.mul(x1l)).fma(d, a11);
            a12 = wh.fma(x2h, wl.mul(x2l)).fma(d, a12);
            a13 = wh.fma(x3h, wl.mul(x3l)).fma(d, a13);
            // row 2
            wl = FloatVector.fromArray(FLOAT, w, w2 + c);
            wh = FloatVector.fromArray(FLOAT, w, w2 + c + L);
            d = FloatVector.broadcast(FLOAT, scales[s2 + s]);
            a20 = wh.fma(x0h, wl.mul(x0l)).fma(d, a20);
            a21 = wh.fma(x1h, wl.mul(x1l)).fma(d, a21);
            a22 = wh.fma(x2h, wl.mul(x2l)).fma(d, a22);
            a23 = wh.fma(x3h, wl.mul(x3l)).fma(d, a23);
            // row 3
            wl = FloatVector.fromArray(FLOAT, w, w3 + c);
            wh = FloatVector.fromArray(FLOAT, w, w3 + c + L);
            d = FloatVector.broadcast(FLOAT, scales[s3 + s]);
            a30 = wh.fma(x0h, wl.mul(x0l)).fma(d, a30);
            a31 = wh.fma(x1h, wl.mul(x1l)).fma(d, a31);
            a32 = wh.fma(x2h, wl.mul(x2l)).fma(d, a32);
            a33 = wh.fma(x3h, wl.mul(x3l)).fma(d, a33);
        }
        a00.intoArray(acc, accAt + 0 * L);
        a01.intoArray(acc, accAt + 1 * L);
        a02.intoArray(acc, accAt + 2 * L);
        a03.intoArray(acc, accAt + 3 * L);
        a10.intoArray(acc, accAt + 4 * L);
        a11.intoArray(acc, accAt + 5 * L);
        a12.intoArray(acc, accAt + 6 * L);
        a13.intoArray(acc, accAt + 7 * L);
        a20.intoArray(acc, accAt + 8 * L);
        a21.intoArray(acc, accAt + 9 * L);
        a22.intoArray(acc, accAt + 10 * L);
        a23.intoArray(acc, accAt + 11 * L);
        a30.intoArray(acc, accAt + 12 * L);
        a31.intoArray(acc, accAt + 13 * L);
        a32.intoArray(acc, accAt + 14 * L);
        a33.intoArray(acc, accAt + 15 * L);
    }

    static void microKernel4x3(float[] w, int tileAt, int tileStride, float[] scales, int scaleAt,
                                    int scaleStride, float[] x, int[] tokenOffsets, int xColumn, int pairs,
                                    float[] acc, int accAt, boolean fresh) {
        if (pairs <= 0) {
            return;
        }
        final int L = FLOAT_LANES;
        FloatVector zero = FloatVector.zero(FLOAT);
        FloatVector a00 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 0 * L);
        FloatVector a01 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 1 * L);
        FloatVector a02 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 2 * L);
        FloatVector a10 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 3 * L);
        FloatVector a11 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 4 * L);
        FloatVector a12 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 5 * L);
        FloatVector a20 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 6 * L);
        FloatVector a21 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 7 * L);
        FloatVector a22 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 8 * L);
        FloatVector a30 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 9 * L);
        FloatVector a31 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 10 * L);
        FloatVector a32 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 11 * L);
        int t0 = tokenOffsets[0] + xColumn;
        int t1 = tokenOffsets[1] + xColumn;
        int t2 = tokenOffsets[2] + xColumn;
        int w0 = tileAt + 0 * tileStride;
        int s0 = scaleAt + 0 * scaleStride;
        int w1 = tileAt + 1 * tileStride;
        int s1 = scaleAt + 1 * scaleStride;
        int w2 = tileAt + 2 * tileStride;
        int s2 = scaleAt + 2 * scaleStride;
        int w3 = tileAt + 3 * tileStride;
        int s3 = scaleAt + 3 * scaleStride;
        for (int pair = 0; pair < pairs; pair++) {
            int c = pair * 2 * BLOCK_VALUES;
            int s = pair * 2;
            FloatVector x0l = FloatVector.fromArray(FLOAT, x, t0 + c);
            FloatVector x0h = FloatVector.fromArray(FLOAT, x, t0 + c + L);
            FloatVector x1l = FloatVector.fromArray(FLOAT, x, t1 + c);
            FloatVector x1h = FloatVector.fromArray(FLOAT, x, t1 + c + L);
            FloatVector x2l = FloatVector.fromArray(FLOAT, x, t2 + c);
            FloatVector x2h = FloatVector.fromArray(FLOAT, x, t2 + c + L);
            // row 0
            FloatVector wl = FloatVector.fromArray(FLOAT, w, w0 + c);
            FloatVector wh = FloatVector.fromArray(FLOAT, w, w0 + c + L);
            FloatVector d = FloatVector.broadcast(FLOAT, scales[s0 + s]);
            a00 = wh.fma(x0h, wl.mul(x0l)).fma(d, a00);
            a01 = wh.fma(x1h, wl.mul(x1l)).fma(d, a01);
            a02 = wh.fma(x2h, wl.mul(x2l)).fma(d, a02);
            // row 1
            wl = FloatVector.fromArray(FLOAT, w, w1 + c);
            wh = FloatVector.fromArray(FLOAT, w, w1 + c + L);
            d = FloatVector.broadcast(FLOAT, scales[s1 + s]);
            a10 = wh.fma(x0h, wl.mul(x0l)).fma(d, a10);
            a11 = wh.fma(x1h, wl.mul(x1l)).fma(d, a11);
            a12 = wh.fma(x2h, wl.mul(x2l)).fma(d, a12);
            // row 2
            wl = FloatVector.fromArray(FLOAT, w, w2 + c);
            wh = FloatVector.fromArray(FLOAT, w, w2 + c + L);
            d = FloatVector.broadcast(FLOAT, scales[s2 + s]);
            a20 = wh.fma(x0h, wl.mul(x0l)).fma(d, a20);
            a21 = wh.fma(x1h, wl.mul(x1l)).fma(d, a21);
            a22 = wh.fma(x2h, wl.mul(x2l)).fma(d, a22);
            // row 3
            wl = FloatVector.fromArray(FLOAT, w, w3 + c);
            wh = FloatVector.fromArray(FLOAT, w, w3 + c + L);
            d = FloatVector.broadcast(FLOAT, scales[s3 + s]);
            a30 = wh.fma(x0h, wl.mul(x0l)).fma(d, a30);
            a31 = wh.fma(x1h, wl.mul(x1l)).fma(d, a31);
            a32 = wh.fma(x2h, wl.mul(x2l)).fma(d, a32);
        }
        a00.intoArray(acc, accAt + 0 * L);
        a01.intoArray(acc, accAt + 1 * L);
        a02.intoArray(acc, accAt + 2 * L);
        a10.intoArray(acc, accAt + 3 * L);
        a11.intoArray(acc, accAt + 4 * L);
        a12.intoArray(acc, accAt + 5 * L);
        a20.intoArray(acc, accAt + 6 * L);
        a21.intoArray(acc, accAt + 7 * L);
        a22.intoArray(acc, accAt + 8 * L);
        a30.intoArray(acc, accAt + 9 * L);
        a31.intoArray(acc, accAt + 10 * L);
        a32.intoArray(acc, accAt + 11 * L);
    }

    static void microKernel3x4(float[] w, int tileAt, int tileStride, float[] scales, int scaleAt,
                                    int scaleStride, float[] x, int[] tokenOffsets, int xColumn, int pairs,
                                    float[] acc, int accAt, boolean fresh) {
        if (pairs <= 0) {
            return;
        }
        final int L = FLOAT_LANES;
        FloatVector zero = FloatVector.zero(FLOAT);
        FloatVector a00 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 0 * L);
        FloatVector a01 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 1 * L);
        FloatVector a02 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 2 * L);
        FloatVector a03 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 3 * L);
        FloatVector a10 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 4 * L);
        FloatVector a11 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 5 * L);
        FloatVector a12 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 6 * L);
        FloatVector a13 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 7 * L);
        FloatVector a20 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 8 * L);
        FloatVector a21 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 9 * L);
        FloatVector a22 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 10 * L);
        FloatVector a23 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 11 * L);
        int t0 = tokenOffsets[0] + xColumn;
        int t1 = tokenOffsets[1] + xColumn;
        int t2 = tokenOffsets[2] + xColumn;
        int t3 = tokenOffsets[3] + xColumn;
        int w0 = tileAt + 0 * tileStride;
        int s0 = scaleAt + 0 * scaleStride;
        int w1 = tileAt + 1 * tileStride;
        int s1 = scaleAt + 1 * scaleStride;
        int w2 = tileAt + 2 * tileStride;
        int s2 = scaleAt + 2 * scaleStride;
        for (int pair = 0; pair < pairs; pair++) {
            int c = pair * 2 * BLOCK_VALUES;
            int s = pair * 2;
            FloatVector x0l = FloatVector.fromArray(FLOAT, x, t0 + c);
            FloatVector x0h = FloatVector.fromArray(FLOAT, x, t0 + c + L);
            FloatVector x1l = FloatVector.fromArray(FLOAT, x, t1 + c);
            FloatVector x1h = FloatVector.fromArray(FLOAT, x, t1 + c + L);
            FloatVector x2l = FloatVector.fromArray(FLOAT, x, t2 + c);
            FloatVector x2h = FloatVector.fromArray(FLOAT, x, t2 + c + L);
            FloatVector x3l = FloatVector.fromArray(FLOAT, x, t3 + c);
            FloatVector x3h = FloatVector.fromArray(FLOAT, x, t3 + c + L);
            // row 0
            FloatVector wl = FloatVector.fromArray(FLOAT, w, w0 + c);
            FloatVector wh = FloatVector.fromArray(FLOAT, w, w0 + c + L);
            FloatVector d = FloatVector.broadcast(FLOAT, scales[s0 + s]);
            a00 = wh.fma(x0h, wl.mul(x0l)).fma(d, a00);
            a01 = wh.fma(x1h, wl.mul(x1l)).fma(d, a01);
            a02 = wh.fma(x2h, wl.mul(x2l)).fma(d, a02);
            a03 = wh.fma(x3h, wl.mul(x3l)).fma(d, a03);
            // row 1
            wl = FloatVector.fromArray(FLOAT, w, w1 + c);
            wh = FloatVector.fromArray(FLOAT, w, w1 + c + L);
            d = FloatVector.broadcast(FLOAT, scales[s1 + s]);
            a10 = wh.fma(x0h, wl.mul(x0l)).fma(d, a10);
            a11 = wh.fma(x1h, wl.mul(x1l)).fma(d, a11);
            a12 = wh.fma(x2h, wl.mul(x2l)).fma(d, a12);
            a13 = wh.fma(x3h, wl.mul(x3l)).fma(d, a13);
            // row 2
            wl = FloatVector.fromArray(FLOAT, w, w2 + c);
            wh = FloatVector.fromArray(FLOAT, w, w2 + c + L);
            d = FloatVector.broadcast(FLOAT, scales[s2 + s]);
            a20 = wh.fma(x0h, wl.mul(x0l)).fma(d, a20);
            a21 = wh.fma(x1h, wl.mul(x1l)).fma(d, a21);
            a22 = wh.fma(x2h, wl.mul(x2l)).fma(d, a22);
            a23 = wh.fma(x3h, wl.mul(x3l)).fma(d, a23);
        }
        a00.intoArray(acc, accAt + 0 * L);
        a01.intoArray(acc, accAt + 1 * L);
        a02.intoArray(acc, accAt + 2 * L);
        a03.intoArray(acc, accAt + 3 * L);
        a10.intoArray(acc, accAt + 4 * L);
        a11.intoArray(acc, accAt + 5 * L);
        a12.intoArray(acc, accAt + 6 * L);
        a13.intoArray(acc, accAt + 7 * L);
        a20.intoArray(acc, accAt + 8 * L);
        a21.intoArray(acc, accAt + 9 * L);
        a22.intoArray(acc, accAt + 10 * L);
        a23.intoArray(acc, accAt + 11 * L);
    }

    static void microKernel4x2(float[] w, int tileAt, int tileStride, float[] scales, int scaleAt,
                                    int scaleStride, float[] x, int[] tokenOffsets, int xColumn, int pairs,
                                    float[] acc, int accAt, boolean fresh) {
        if (pairs <= 0) {
            return;
        }
        final int L = FLOAT_LANES;
        FloatVector zero = FloatVector.zero(FLOAT);
        FloatVector a00 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 0 * L);
        FloatVector a01 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 1 * L);
        FloatVector a10 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 2 * L);
        FloatVector a11 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 3 * L);
        FloatVector a20 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 4 * L);
        FloatVector a21 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 5 * L);
        FloatVector a30 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 6 * L);
        FloatVector a31 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 7 * L);
        int t0 = tokenOffsets[0] + xColumn;
        int t1 = tokenOffsets[1] + xColumn;
        int w0 = tileAt + 0 * tileStride;
        int s0 = scaleAt + 0 * scaleStride;
        int w1 = tileAt + 1 * tileStride;
        int s1 = scaleAt + 1 * scaleStride;
        int w2 = tileAt + 2 * tileStride;
        int s2 = scaleAt + 2 * scaleStride;
        int w3 = tileAt + 3 * tileStride;
        int s3 = scaleAt + 3 * scaleStride;
        for (int pair = 0; pair < pairs; pair++) {
            int c = pair * 2 * BLOCK_VALUES;
            int s = pair * 2;
            FloatVector x0l = FloatVector.fromArray(FLOAT, x, t0 + c);
            FloatVector x0h = FloatVector.fromArray(FLOAT, x, t0 + c + L);
            FloatVector x1l = FloatVector.fromArray(FLOAT, x, t1 + c);
            FloatVector x1h = FloatVector.fromArray(FLOAT, x, t1 + c + L);
            // row 0
            FloatVector wl = FloatVector.fromArray(FLOAT, w, w0 + c);
            FloatVector wh = FloatVector.fromArray(FLOAT, w, w0 + c + L);
            FloatVector d = FloatVector.broadcast(FLOAT, scales[s0 + s]);
            a00 = wh.fma(x0h, wl.mul(x0l)).fma(d, a00);
            a01 = wh.fma(x1h, wl.mul(x1l)).fma(d, a01);
            // row 1
            wl = FloatVector.fromArray(FLOAT, w, w1 + c);
            wh = FloatVector.fromArray(FLOAT, w, w1 + c + L);
            d = FloatVector.broadcast(FLOAT, scales[s1 + s]);
            a10 = wh.fma(x0h, wl.mul(x0l)).fma(d, a10);
            a11 = wh.fma(x1h, wl.mul(x1l)).fma(d, a11);
            // row 2
            wl = FloatVector.fromArray(FLOAT, w, w2 + c);
            wh = FloatVector.fromArray(FLOAT, w, w2 + c + L);
            d = FloatVector.broadcast(FLOAT, scales[s2 + s]);
            a20 = wh.fma(x0h, wl.mul(x0l)).fma(d, a20);
            a21 = wh.fma(x1h, wl.mul(x1l)).fma(d, a21);
            // row 3
            wl = FloatVector.fromArray(FLOAT, w, w3 + c);
            wh = FloatVector.fromArray(FLOAT, w, w3 + c + L);
            d = FloatVector.broadcast(FLOAT, scales[s3 + s]);
            a30 = wh.fma(x0h, wl.mul(x0l)).fma(d, a30);
            a31 = wh.fma(x1h, wl.mul(x1l)).fma(d, a31);
        }
        a00.intoArray(acc, accAt + 0 * L);
        a01.intoArray(acc, accAt + 1 * L);
        a10.intoArray(acc, accAt + 2 * L);
        a11.intoArray(acc, accAt + 3 * L);
        a20.intoArray(acc, accAt + 4 * L);
        a21.intoArray(acc, accAt + 5 * L);
        a30.intoArray(acc, accAt + 6 * L);
        a31.intoArray(acc, accAt + 7 * L);
    }

    static void microKernel2x4(float[] w, int tileAt, int tileStride, float[] scales, int scaleAt,
                                    int scaleStride, float[] x, int[] tokenOffsets, int xColumn, int pairs,
                                    float[] acc, int accAt, boolean fresh) {
        if (pairs <= 0) {
            return;
        }
        final int L = FLOAT_LANES;
        FloatVector zero = FloatVector.zero(FLOAT);
        FloatVector a00 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 0 * L);
        FloatVector a01 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 1 * L);
        FloatVector a02 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 2 * L);
        FloatVector a03 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 3 * L);
        FloatVector a10 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 4 * L);
        FloatVector a11 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 5 * L);
        FloatVector a12 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 6 * L);
        FloatVector a13 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 7 * L);
        int t0 = tokenOffsets[0] + xColumn;
        int t1 = tokenOffsets[1] + xColumn;
        int t2 = tokenOffsets[2] + xColumn;
        int t3 = tokenOffsets[3] + xColumn;
        int w0 = tileAt + 0 * tileStride;
        int s0 = scaleAt + 0 * scaleStride;
        int w1 = tileAt + 1 * tileStride;
        int s1 = scaleAt + 1 * scaleStride;
        for (int pair = 0; pair < pairs; pair++) {
            int c = pair * 2 * BLOCK_VALUES;
            int s = pair * 2;
            FloatVector x0l = FloatVector.fromArray(FLOAT, x, t0 + c);
            FloatVector x0h = FloatVector.fromArray(FLOAT, x, t0 + c + L);
            FloatVector x1l = FloatVector.fromArray(FLOAT, x, t1 + c);
            FloatVector x1h = FloatVector.fromArray(FLOAT, x, t1 + c + L);
            FloatVector x2l = FloatVector.fromArray(FLOAT, x, t2 + c);
            FloatVector x2h = FloatVector.fromArray(FLOAT, x, t2 + c + L);
            FloatVector x3l = FloatVector.fromArray(FLOAT, x, t3 + c);
            FloatVector x3h = FloatVector.fromArray(FLOAT, x, t3 + c + L);
            // row 0
            FloatVector wl = FloatVector.fromArray(FLOAT, w, w0 + c);
            FloatVector wh = FloatVector.fromArray(FLOAT, w, w0 + c + L);
            FloatVector d = FloatVector.broadcast(FLOAT, scales[s0 + s]);
            a00 = wh.fma(x0h, wl.mul(x0l)).fma(d, a00);
            a01 = wh.fma(x1h, wl.mul(x1l)).fma(d, a01);
            a02 = wh.fma(x2h, wl.mul(x2l)).fma(d, a02);
            a03 = wh.fma(x3h, wl.mul(x3l)).fma(d, a03);
            // row 1
            wl = FloatVector.fromArray(FLOAT, w, w1 + c);
            wh = FloatVector.fromArray(FLOAT, w, w1 + c + L);
            d = FloatVector.broadcast(FLOAT, scales[s1 + s]);
            a10 = wh.fma(x0h, wl.mul(x0l)).fma(d, a10);
            a11 = wh.fma(x1h, wl.mul(x1l)).fma(d, a11);
            a12 = wh.fma(x2h, wl.mul(x2l)).fma(d, a12);
            a13 = wh.fma(x3h, wl.mul(x3l)).fma(d, a13);
        }
        a00.intoArray(acc, accAt + 0 * L);
        a01.intoArray(acc, accAt + 1 * L);
        a02.intoArray(acc, accAt + 2 * L);
        a03.intoArray(acc, accAt + 3 * L);
        a10.intoArray(acc, accAt + 4 * L);
        a11.intoArray(acc, accAt + 5 * L);
        a12.intoArray(acc, accAt + 6 * L);
        a13.intoArray(acc, accAt + 7 * L);
    }

    static void microKernel3x3(float[] w, int tileAt, int tileStride, float[] scales, int scaleAt,
                                    int scaleStride, float[] x, int[] tokenOffsets, int xColumn, int pairs,
                                    float[] acc, int accAt, boolean fresh) {
        if (pairs <= 0) {
            return;
        }
        final int L = FLOAT_LANES;
        FloatVector zero = FloatVector.zero(FLOAT);
        FloatVector a00 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 0 * L);
        FloatVector a01 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 1 * L);
        FloatVector a02 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 2 * L);
        FloatVector a10 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 3 * L);
        FloatVector a11 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 4 * L);
        FloatVector a12 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 5 * L);
        FloatVector a20 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 6 * L);
        FloatVector a21 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 7 * L);
        FloatVector a22 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 8 * L);
        int t0 = tokenOffsets[0] + xColumn;
        int t1 = tokenOffsets[1] + xColumn;
        int t2 = tokenOffsets[2] + xColumn;
        int w0 = tileAt + 0 * tileStride;
        int s0 = scaleAt + 0 * scaleStride;
        int w1 = tileAt + 1 * tileStride;
        int s1 = scaleAt + 1 * scaleStride;
        int w2 = tileAt + 2 * tileStride;
        int s2 = scaleAt + 2 * scaleStride;
        for (int pair = 0; pair < pairs; pair++) {
            int c = pair * 2 * BLOCK_VALUES;
            int s = pair * 2;
            FloatVector x0l = FloatVector.fromArray(FLOAT, x, t0 + c);
            FloatVector x0h = FloatVector.fromArray(FLOAT, x, t0 + c + L);
            FloatVector x1l = FloatVector.fromArray(FLOAT, x, t1 + c);
            FloatVector x1h = FloatVector.fromArray(FLOAT, x, t1 + c + L);
            FloatVector x2l = FloatVector.fromArray(FLOAT, x, t2 + c);
            FloatVector x2h = FloatVector.fromArray(FLOAT, x, t2 + c + L);
            // row 0
            FloatVector wl = FloatVector.fromArray(FLOAT, w, w0 + c);
            FloatVector wh = FloatVector.fromArray(FLOAT, w, w0 + c + L);
            FloatVector d = FloatVector.broadcast(FLOAT, scales[s0 + s]);
            a00 = wh.fma(x0h, wl.mul(x0l)).fma(d, a00);
            a01 = wh.fma(x1h, wl.mul(x1l)).fma(d, a01);
            a02 = wh.fma(x2h, wl.mul(x2l)).fma(d, a02);
            // row 1
            wl = FloatVector.fromArray(FLOAT, w, w1 + c);
            wh = FloatVector.fromArray(FLOAT, w, w1 + c + L);
            d = FloatVector.broadcast(FLOAT, scales[s1 + s]);
            a10 = wh.fma(x0h, wl.mul(x0l)).fma(d, a10);
            a11 = wh.fma(x1h, wl.mul(x1l)).fma(d, a11);
            a12 = wh.fma(x2h, wl.mul(x2l)).fma(d, a12);
            // row 2
            wl = FloatVector.fromArray(FLOAT, w, w2 + c);
            wh = FloatVector.fromArray(FLOAT, w, w2 + c + L);
            d = FloatVector.broadcast(FLOAT, scales[s2 + s]);
            a20 = wh.fma(x0h, wl.mul(x0l)).fma(d, a20);
            a21 = wh.fma(x1h, wl.mul(x1l)).fma(d, a21);
            a22 = wh.fma(x2h, wl.mul(x2l)).fma(d, a22);
        }
        a00.intoArray(acc, accAt + 0 * L);
        a01.intoArray(acc, accAt + 1 * L);
        a02.intoArray(acc, accAt + 2 * L);
        a10.intoArray(acc, accAt + 3 * L);
        a11.intoArray(acc, accAt + 4 * L);
        a12.intoArray(acc, accAt + 5 * L);
        a20.intoArray(acc, accAt + 6 * L);
        a21.intoArray(acc, accAt + 7 * L);
        a22.intoArray(acc, accAt + 8 * L);
    }

    static void microKernel2x3(float[] w, int tileAt, int tileStride, float[] scales, int scaleAt,
                                    int scaleStride, float[] x, int[] tokenOffsets, int xColumn, int pairs,
                                    float[] acc, int accAt, boolean fresh) {
        if (pairs <= 0) {
            return;
        }
        final int L = FLOAT_LANES;
        FloatVector zero = FloatVector.zero(FLOAT);
        FloatVector a00 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 0 * L);
        FloatVector a01 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 1 * L);
        FloatVector a02 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 2 * L);
        FloatVector a10 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 3 * L);
        FloatVector a11 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 4 * L);
        FloatVector a12 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 5 * L);
        int t0 = tokenOffsets[0] + xColumn;
        int t1 = tokenOffsets[1] + xColumn;
        int t2 = tokenOffsets[2] + xColumn;
        int w0 = tileAt + 0 * tileStride;
        int s0 = scaleAt + 0 * scaleStride;
        int w1 = tileAt + 1 * tileStride;
        int s1 = scaleAt + 1 * scaleStride;
        for (int pair = 0; pair < pairs; pair++) {
            int c = pair * 2 * BLOCK_VALUES;
            int s = pair * 2;
            FloatVector x0l = FloatVector.fromArray(FLOAT, x, t0 + c);
            FloatVector x0h = FloatVector.fromArray(FLOAT, x, t0 + c + L);
            FloatVector x1l = FloatVector.fromArray(FLOAT, x, t1 + c);
            FloatVector x1h = FloatVector.fromArray(FLOAT, x, t1 + c + L);
            FloatVector x2l = FloatVector.fromArray(FLOAT, x, t2 + c);
            FloatVector x2h = FloatVector.fromArray(FLOAT, x, t2 + c + L);
            // row 0
            FloatVector wl = FloatVector.fromArray(FLOAT, w, w0 + c);
            FloatVector wh = FloatVector.fromArray(FLOAT, w, w0 + c + L);
            FloatVector d = FloatVector.broadcast(FLOAT, scales[s0 + s]);
            a00 = wh.fma(x0h, wl.mul(x0l)).fma(d, a00);
            a01 = wh.fma(x1h, wl.mul(x1l)).fma(d, a01);
            a02 = wh.fma(x2h, wl.mul(x2l)).fma(d, a02);
            // row 1
            wl = FloatVector.fromArray(FLOAT, w, w1 + c);
            wh = FloatVector.fromArray(FLOAT, w, w1 + c + L);
            d = FloatVector.broadcast(FLOAT, scales[s1 + s]);
            a10 = wh.fma(x0h, wl.mul(x0l)).fma(d, a10);
            a11 = wh.fma(x1h, wl.mul(x1l)).fma(d, a11);
            a12 = wh.fma(x2h, wl.mul(x2l)).fma(d, a12);
        }
        a00.intoArray(acc, accAt + 0 * L);
        a01.intoArray(acc, accAt + 1 * L);
        a02.intoArray(acc, accAt + 2 * L);
        a10.intoArray(acc, accAt + 3 * L);
        a11.intoArray(acc, accAt + 4 * L);
        a12.intoArray(acc, accAt + 5 * L);
    }

    static void microKernel3x2(float[] w, int tileAt, int tileStride, float[] scales, int scaleAt,
                                    int scaleStride, float[] x, int[] tokenOffsets, int xColumn, int pairs,
                                    float[] acc, int accAt, boolean fresh) {
        if (pairs <= 0) {
            return;
        }
        final int L = FLOAT_LANES;
        FloatVector zero = FloatVector.zero(FLOAT);
        FloatVector a00 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 0 * L);
        FloatVector a01 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 1 * L);
        FloatVector a10 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 2 * L);
        FloatVector a11 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 3 * L);
        FloatVector a20 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 4 * L);
        FloatVector a21 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 5 * L);
        int t0 = tokenOffsets[0] + xColumn;
        int t1 = tokenOffsets[1] + xColumn;
        int w0 = tileAt + 0 * tileStride;
        int s0 = scaleAt + 0 * scaleStride;
        int w1 = tileAt + 1 * tileStride;
        int s1 = scaleAt + 1 * scaleStride;
        int w2 = tileAt + 2 * tileStride;
        int s2 = scaleAt + 2 * scaleStride;
        for (int pair = 0; pair < pairs; pair++) {
            int c = pair * 2 * BLOCK_VALUES;
            int s = pair * 2;
            FloatVector x0l = FloatVector.fromArray(FLOAT, x, t0 + c);
            FloatVector x0h = FloatVector.fromArray(FLOAT, x, t0 + c + L);
            FloatVector x1l = FloatVector.fromArray(FLOAT, x, t1 + c);
            FloatVector x1h = FloatVector.fromArray(FLOAT, x, t1 + c + L);
            // row 0
            FloatVector wl = FloatVector.fromArray(FLOAT, w, w0 + c);
            FloatVector wh = FloatVector.fromArray(FLOAT, w, w0 + c + L);
            FloatVector d = FloatVector.broadcast(FLOAT, scales[s0 + s]);
            a00 = wh.fma(x0h, wl.mul(x0l)).fma(d, a00);
            a01 = wh.fma(x1h, wl.mul(x1l)).fma(d, a01);
            // row 1
            wl = FloatVector.fromArray(FLOAT, w, w1 + c);
            wh = FloatVector.fromArray(FLOAT, w, w1 + c + L);
            d = FloatVector.broadcast(FLOAT, scales[s1 + s]);
            a10 = wh.fma(x0h, wl.mul(x0l)).fma(d, a10);
            a11 = wh.fma(x1h, wl.mul(x1l)).fma(d, a11);
            // row 2
            wl = FloatVector.fromArray(FLOAT, w, w2 + c);
            wh = FloatVector.fromArray(FLOAT, w, w2 + c + L);
            d = FloatVector.broadcast(FLOAT, scales[s2 + s]);
            a20 = wh.fma(x0h, wl.mul(x0l)).fma(d, a20);
            a21 = wh.fma(x1h, wl.mul(x1l)).fma(d, a21);
        }
        a00.intoArray(acc, accAt + 0 * L);
        a01.intoArray(acc, accAt + 1 * L);
        a10.intoArray(acc, accAt + 2 * L);
        a11.intoArray(acc, accAt + 3 * L);
        a20.intoArray(acc, accAt + 4 * L);
        a21.intoArray(acc, accAt + 5 * L);
    }

    static void microKernel2x2(float[] w, int tileAt, int tileStride, float[] scales, int scaleAt,
                                    int scaleStride, float[] x, int[] tokenOffsets, int xColumn, int pairs,
                                    float[] acc, int accAt, boolean fresh) {
        if (pairs <= 0) {
            return;
        }
        final int L = FLOAT_LANES;
        FloatVector zero = FloatVector.zero(FLOAT);
        FloatVector a00 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 0 * L);
        FloatVector a01 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 1 * L);
        FloatVector a10 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 2 * L);
        FloatVector a11 = fresh ? zero : FloatVector.fromArray(FLOAT, acc, accAt + 3 * L);
        int t0 = tokenOffsets[0] + xColumn;
        int t1 = tokenOffsets[1] + xColumn;
        int w0 = tileAt + 0 * tileStride;
        int s0 = scaleAt + 0 * scaleStride;
        int w1 = tileAt + 1 * tileStride;
        int s1 = scaleAt + 1 * scaleStride;
        for (int pair = 0; pair < pairs; pair++) {
            int c = pair * 2 * BLOCK_VALUES;
            int s = pair * 2;
            FloatVector x0l = FloatVector.fromArray(FLOAT, x, t0 + c);
            FloatVector x0h = FloatVector.fromArray(FLOAT, x, t0 + c + L);
            FloatVector x1l = FloatVector.fromArray(FLOAT, x, t1 + c);
            FloatVector x1h = FloatVector.fromArray(FLOAT, x, t1 + c + L);
            // row 0
            FloatVector wl = FloatVector.fromArray(FLOAT, w, w0 + c);
            FloatVector wh = FloatVector.fromArray(FLOAT, w, w0 + c + L);
            FloatVector d = FloatVector.broadcast(FLOAT, scales[s0 + s]);
            a00 = wh.fma(x0h, wl.mul(x0l)).fma(d, a00);
            a01 = wh.fma(x1h, wl.mul(x1l)).fma(d, a01);
            // row 1
            wl = FloatVector.fromArray(FLOAT, w, w1 + c);
            wh = FloatVector.fromArray(FLOAT, w, w1 + c + L);
            d = FloatVector.broadcast(FLOAT, scales[s1 + s]);
            a10 = wh.fma(x0h, wl.mul(x0l)).fma(d, a10);
            a11 = wh.fma(x1h, wl.mul(x1l)).fma(d, a11);
        }
        a00.intoArray(acc, accAt + 0 * L);
        a01.intoArray(acc, accAt + 1 * L);
        a10.intoArray(acc, accAt + 2 * L);
        a11.intoArray(acc, accAt + 3 * L);
    }
}
