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
            case "f4x3" -> fma4x3(w, tileStride, x, tokenOffsets, pairs, acc);
            case "f4x4" -> fma4x4(w, tileStride, x, tokenOffsets, pairs, acc);
            case "f6x4" -> fma6x4(w, tileStride, x, tokenOffsets, pairs, acc);
            case "f5x4" -> fma5x4(w, tileStride, x, tokenOffsets, pairs, acc);
            case "f8x3" -> fma8x3(w, tileStride, x, tokenOffsets, pairs, acc);
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

    // Pure-FMA shapes ("f4x3" …): weights already scaled (w = d·q), acc = fma(w, x, acc) per 16 values. Not the
    // production arithmetic (it rounds differently from the row kernels); measured to show what bit-identity costs.

    static void fma4x3(float[] w, int tileStride, float[] x, int[] tokenOffsets, int blocks, float[] acc) {
        final int L = FLOAT_LANES;
        FloatVector a00 = FloatVector.fromArray(FLOAT, acc, 0 * L);
        FloatVector a01 = FloatVector.fromArray(FLOAT, acc, 1 * L);
        FloatVector a02 = FloatVector.fromArray(FLOAT, acc, 2 * L);
        FloatVector a10 = FloatVector.fromArray(FLOAT, acc, 3 * L);
        FloatVector a11 = FloatVector.fromArray(FLOAT, acc, 4 * L);
        FloatVector a12 = FloatVector.fromArray(FLOAT, acc, 5 * L);
        FloatVector a20 = FloatVector.fromArray(FLOAT, acc, 6 * L);
        FloatVector a21 = FloatVector.fromArray(FLOAT, acc, 7 * L);
        FloatVector a22 = FloatVector.fromArray(FLOAT, acc, 8 * L);
        FloatVector a30 = FloatVector.fromArray(FLOAT, acc, 9 * L);
        FloatVector a31 = FloatVector.fromArray(FLOAT, acc, 10 * L);
        FloatVector a32 = FloatVector.fromArray(FLOAT, acc, 11 * L);
        int t0 = tokenOffsets[0];
        int t1 = tokenOffsets[1];
        int t2 = tokenOffsets[2];
        for (int c = 0; c < blocks * BLOCK_VALUES; c += L) {
            FloatVector x0 = FloatVector.fromArray(FLOAT, x, t0 + c);
            FloatVector x1 = FloatVector.fromArray(FLOAT, x, t1 + c);
            FloatVector x2 = FloatVector.fromArray(FLOAT, x, t2 + c);
            FloatVector wr = FloatVector.fromArray(FLOAT, w, 0 * tileStride + c);
            a00 = wr.fma(x0, a00);
            a01 = wr.fma(x1, a01);
            a02 = wr.fma(x2, a02);
            wr = FloatVector.fromArray(FLOAT, w, 1 * tileStride + c);
            a10 = wr.fma(x0, a10);
            a11 = wr.fma(x1, a11);
            a12 = wr.fma(x2, a12);
            wr = FloatVector.fromArray(FLOAT, w, 2 * tileStride + c);
            a20 = wr.fma(x0, a20);
            a21 = wr.fma(x1, a21);
            a22 = wr.fma(x2, a22);
            wr = FloatVector.fromArray(FLOAT, w, 3 * tileStride + c);
            a30 = wr.fma(x0, a30);
            a31 = wr.fma(x1, a31);
            a32 = wr.fma(x2, a32);
        }
        a00.intoArray(acc, 0 * L);
        a01.intoArray(acc, 1 * L);
        a02.intoArray(acc, 2 * L);
        a10.intoArray(acc, 3 * L);
        a11.intoArray(acc, 4 * L);
        a12.intoArray(acc, 5 * L);
        a20.intoArray(acc, 6 * L);
        a21.intoArray(acc, 7 * L);
        a22.intoArray(acc, 8 * L);
        a30.intoArray(acc, 9 * L);
        a31.intoArray(acc, 10 * L);
        a32.intoArray(acc, 11 * L);
    }

    static void fma4x4(float[] w, int tileStride, float[] x, int[] tokenOffsets, int blocks, float[] acc) {
        final int L = FLOAT_LANES;
        FloatVector a00 = FloatVector.fromArray(FLOAT, acc, 0 * L);
        FloatVector a01 = FloatVector.fromArray(FLOAT, acc, 1 * L);
        FloatVector a02 = FloatVector.fromArray(FLOAT, acc, 2 * L);
        FloatVector a03 = FloatVector.fromArray(FLOAT, acc, 3 * L);
        FloatVector a10 = FloatVector.fromArray(FLOAT, acc, 4 * L);
        FloatVector a11 = FloatVector.fromArray(FLOAT, acc, 5 * L);
        FloatVector a12 = FloatVector.fromArray(FLOAT, acc, 6 * L);
        FloatVector a13 = FloatVector.fromArray(FLOAT, acc, 7 * L);
        FloatVector a20 = FloatVector.fromArray(FLOAT, acc, 8 * L);
        FloatVector a21 = FloatVector.fromArray(FLOAT, acc, 9 * L);
        FloatVector a22 = FloatVector.fromArray(FLOAT, acc, 10 * L);
        FloatVector a23 = FloatVector.fromArray(FLOAT, acc, 11 * L);
        FloatVector a30 = FloatVector.fromArray(FLOAT, acc, 12 * L);
        FloatVector a31 = FloatVector.fromArray(FLOAT, acc, 13 * L);
        FloatVector a32 = FloatVector.fromArray(FLOAT, acc, 14 * L);
        FloatVector a33 = FloatVector.fromArray(FLOAT, acc, 15 * L);
        int t0 = tokenOffsets[0];
        int t1 = tokenOffsets[1];
        int t2 = tokenOffsets[2];
        int t3 = tokenOffsets[3];
        for (int c = 0; c < blocks * BLOCK_VALUES; c += L) {
            FloatVector x0 = FloatVector.fromArray(FLOAT, x, t0 + c);
            FloatVector x1 = FloatVector.fromArray(FLOAT, x, t1 + c);
            FloatVector x2 = FloatVector.fromArray(FLOAT, x, t2 + c);
            FloatVector x3 = FloatVector.fromArray(FLOAT, x, t3 + c);
            FloatVector wr = FloatVector.fromArray(FLOAT, w, 0 * tileStride + c);
            a00 = wr.fma(x0, a00);
            a01 = wr.fma(x1, a01);
            a02 = wr.fma(x2, a02);
            a03 = wr.fma(x3, a03);
            wr = FloatVector.fromArray(FLOAT, w, 1 * tileStride + c);
            a10 = wr.fma(x0, a10);
            a11 = wr.fma(x1, a11);
            a12 = wr.fma(x2, a12);
            a13 = wr.fma(x3, a13);
            wr = FloatVector.fromArray(FLOAT, w, 2 * tileStride + c);
            a20 = wr.fma(x0, a20);
            a21 = wr.fma(x1, a21);
            a22 = wr.fma(x2, a22);
            a23 = wr.fma(x3, a23);
            wr = FloatVector.fromArray(FLOAT, w, 3 * tileStride + c);
            a30 = wr.fma(x0, a30);
            a31 = wr.fma(x1, a31);
            a32 = wr.fma(x2, a32);
            a33 = wr.fma(x3, a33);
        }
        a00.intoArray(acc, 0 * L);
        a01.intoArray(acc, 1 * L);
        a02.intoArray(acc, 2 * L);
        a03.intoArray(acc, 3 * L);
        a10.intoArray(acc, 4 * L);
        a11.intoArray(acc, 5 * L);
        a12.intoArray(acc, 6 * L);
        a13.intoArray(acc, 7 * L);
        a20.intoArray(acc, 8 * L);
        a21.intoArray(acc, 9 * L);
        a22.intoArray(acc, 10 * L);
        a23.intoArray(acc, 11 * L);
        a30.intoArray(acc, 12 * L);
        a31.intoArray(acc, 13 * L);
        a32.intoArray(acc, 14 * L);
        a33.intoArray(acc, 15 * L);
    }

    static void fma6x4(float[] w, int tileStride, float[] x, int[] tokenOffsets, int blocks, float[] acc) {
        final int L = FLOAT_LANES;
        FloatVector a00 = FloatVector.fromArray(FLOAT, acc, 0 * L);
        FloatVector a01 = FloatVector.fromArray(FLOAT, acc, 1 * L);
        FloatVector a02 = FloatVector.fromArray(FLOAT, acc, 2 * L);
        FloatVector a03 = FloatVector.fromArray(FLOAT, acc, 3 * L);
        FloatVector a10 = FloatVector.fromArray(FLOAT, acc, 4 * L);
        FloatVector a11 = FloatVector.fromArray(FLOAT, acc, 5 * L);
        FloatVector a12 = FloatVector.fromArray(FLOAT, acc, 6 * L);
        FloatVector a13 = FloatVector.fromArray(FLOAT, acc, 7 * L);
        FloatVector a20 = FloatVector.fromArray(FLOAT, acc, 8 * L);
        FloatVector a21 = FloatVector.fromArray(FLOAT, acc, 9 * L);
        FloatVector a22 = FloatVector.fromArray(FLOAT, acc, 10 * L);
        FloatVector a23 = FloatVector.fromArray(FLOAT, acc, 11 * L);
        FloatVector a30 = FloatVector.fromArray(FLOAT, acc, 12 * L);
        FloatVector a31 = FloatVector.fromArray(FLOAT, acc, 13 * L);
        FloatVector a32 = FloatVector.fromArray(FLOAT, acc, 14 * L);
        FloatVector a33 = FloatVector.fromArray(FLOAT, acc, 15 * L);
        FloatVector a40 = FloatVector.fromArray(FLOAT, acc, 16 * L);
        FloatVector a41 = FloatVector.fromArray(FLOAT, acc, 17 * L);
        FloatVector a42 = FloatVector.fromArray(FLOAT, acc, 18 * L);
        FloatVector a43 = FloatVector.fromArray(FLOAT, acc, 19 * L);
        FloatVector a50 = FloatVector.fromArray(FLOAT, acc, 20 * L);
        FloatVector a51 = FloatVector.fromArray(FLOAT, acc, 21 * L);
        FloatVector a52 = FloatVector.fromArray(FLOAT, acc, 22 * L);
        FloatVector a53 = FloatVector.fromArray(FLOAT, acc, 23 * L);
        int t0 = tokenOffsets[0];
        int t1 = tokenOffsets[1];
        int t2 = tokenOffsets[2];
        int t3 = tokenOffsets[3];
        for (int c = 0; c < blocks * BLOCK_VALUES; c += L) {
            FloatVector x0 = FloatVector.fromArray(FLOAT, x, t0 + c);
            FloatVector x1 = FloatVector.fromArray(FLOAT, x, t1 + c);
            FloatVector x2 = FloatVector.fromArray(FLOAT, x, t2 + c);
            FloatVector x3 = FloatVector.fromArray(FLOAT, x, t3 + c);
            FloatVector wr = FloatVector.fromArray(FLOAT, w, 0 * tileStride + c);
            a00 = wr.fma(x0, a00);
            a01 = wr.fma(x1, a01);
            a02 = wr.fma(x2, a02);
            a03 = wr.fma(x3, a03);
            wr = FloatVector.fromArray(FLOAT, w, 1 * tileStride + c);
            a10 = wr.fma(x0, a10);
            a11 = wr.fma(x1, a11);
            a12 = wr.fma(x2, a12);
            a13 = wr.fma(x3, a13);
            wr = FloatVector.fromArray(FLOAT, w, 2 * tileStride + c);
            a20 = wr.fma(x0, a20);
            a21 = wr.fma(x1, a21);
            a22 = wr.fma(x2, a22);
            a23 = wr.fma(x3, a23);
            wr = FloatVector.fromArray(FLOAT, w, 3 * tileStride + c);
            a30 = wr.fma(x0, a30);
            a31 = wr.fma(x1, a31);
            a32 = wr.fma(x2, a32);
            a33 = wr.fma(x3, a33);
            wr = FloatVector.fromArray(FLOAT, w, 4 * tileStride + c);
            a40 = wr.fma(x0, a40);
            a41 = wr.fma(x1, a41);
            a42 = wr.fma(x2, a42);
            a43 = wr.fma(x3, a43);
            wr = FloatVector.fromArray(FLOAT, w, 5 * tileStride + c);
            a50 = wr.fma(x0, a50);
            a51 = wr.fma(x1, a51);
            a52 = wr.fma(x2, a52);
            a53 = wr.fma(x3, a53);
        }
        a00.intoArray(acc, 0 * L);
        a01.intoArray(acc, 1 * L);
        a02.intoArray(acc, 2 * L);
        a03.intoArray(acc, 3 * L);
        a10.intoArray(acc, 4 * L);
        a11.intoArray(acc, 5 * L);
        a12.intoArray(acc, 6 * L);
        a13.intoArray(acc, 7 * L);
        a20.intoArray(acc, 8 * L);
        a21.intoArray(acc, 9 * L);
        a22.intoArray(acc, 10 * L);
        a23.intoArray(acc, 11 * L);
        a30.intoArray(acc, 12 * L);
        a31.intoArray(acc, 13 * L);
        a32.intoArray(acc, 14 * L);
        a33.intoArray(acc, 15 * L);
        a40.intoArray(acc, 16 * L);
        a41.intoArray(acc, 17 * L);
        a42.intoArray(acc, 18 * L);
        a43.intoArray(acc, 19 * L);
        a50.intoArray(acc, 20 * L);
        a51.intoArray(acc, 21 * L);
        a52.intoArray(acc, 22 * L);
        a53.intoArray(acc, 23 * L);
    }

    static void fma5x4(float[] w, int tileStride, float[] x, int[] tokenOffsets, int blocks, float[] acc) {
        final int L = FLOAT_LANES;
        FloatVector a00 = FloatVector.fromArray(FLOAT, acc, 0 * L);
        FloatVector a01 = FloatVector.fromArray(FLOAT, acc, 1 * L);
        FloatVector a02 = FloatVector.fromArray(FLOAT, acc, 2 * L);
        FloatVector a03 = FloatVector.fromArray(FLOAT, acc, 3 * L);
        FloatVector a10 = FloatVector.fromArray(FLOAT, acc, 4 * L);
        FloatVector a11 = FloatVector.fromArray(FLOAT, acc, 5 * L);
        FloatVector a12 = FloatVector.fromArray(FLOAT, acc, 6 * L);
        FloatVector a13 = FloatVector.fromArray(FLOAT, acc, 7 * L);
        FloatVector a20 = FloatVector.fromArray(FLOAT, acc, 8 * L);
        FloatVector a21 = FloatVector.fromArray(FLOAT, acc, 9 * L);
        FloatVector a22 = FloatVector.fromArray(FLOAT, acc, 10 * L);
        FloatVector a23 = FloatVector.fromArray(FLOAT, acc, 11 * L);
        FloatVector a30 = FloatVector.fromArray(FLOAT, acc, 12 * L);
        FloatVector a31 = FloatVector.fromArray(FLOAT, acc, 13 * L);
        FloatVector a32 = FloatVector.fromArray(FLOAT, acc, 14 * L);
        FloatVector a33 = FloatVector.fromArray(FLOAT, acc, 15 * L);
        FloatVector a40 = FloatVector.fromArray(FLOAT, acc, 16 * L);
        FloatVector a41 = FloatVector.fromArray(FLOAT, acc, 17 * L);
        FloatVector a42 = FloatVector.fromArray(FLOAT, acc, 18 * L);
        FloatVector a43 = FloatVector.fromArray(FLOAT, acc, 19 * L);
        int t0 = tokenOffsets[0];
        int t1 = tokenOffsets[1];
        int t2 = tokenOffsets[2];
        int t3 = tokenOffsets[3];
        for (int c = 0; c < blocks * BLOCK_VALUES; c += L) {
            FloatVector x0 = FloatVector.fromArray(FLOAT, x, t0 + c);
            FloatVector x1 = FloatVector.fromArray(FLOAT, x, t1 + c);
            FloatVector x2 = FloatVector.fromArray(FLOAT, x, t2 + c);
            FloatVector x3 = FloatVector.fromArray(FLOAT, x, t3 + c);
            FloatVector wr = FloatVector.fromArray(FLOAT, w, 0 * tileStride + c);
            a00 = wr.fma(x0, a00);
            a01 = wr.fma(x1, a01);
            a02 = wr.fma(x2, a02);
            a03 = wr.fma(x3, a03);
            wr = FloatVector.fromArray(FLOAT, w, 1 * tileStride + c);
            a10 = wr.fma(x0, a10);
            a11 = wr.fma(x1, a11);
            a12 = wr.fma(x2, a12);
            a13 = wr.fma(x3, a13);
            wr = FloatVector.fromArray(FLOAT, w, 2 * tileStride + c);
            a20 = wr.fma(x0, a20);
            a21 = wr.fma(x1, a21);
            a22 = wr.fma(x2, a22);
            a23 = wr.fma(x3, a23);
            wr = FloatVector.fromArray(FLOAT, w, 3 * tileStride + c);
            a30 = wr.fma(x0, a30);
            a31 = wr.fma(x1, a31);
            a32 = wr.fma(x2, a32);
            a33 = wr.fma(x3, a33);
            wr = FloatVector.fromArray(FLOAT, w, 4 * tileStride + c);
            a40 = wr.fma(x0, a40);
            a41 = wr.fma(x1, a41);
            a42 = wr.fma(x2, a42);
            a43 = wr.fma(x3, a43);
        }
        a00.intoArray(acc, 0 * L);
        a01.intoArray(acc, 1 * L);
        a02.intoArray(acc, 2 * L);
        a03.intoArray(acc, 3 * L);
        a10.intoArray(acc, 4 * L);
        a11.intoArray(acc, 5 * L);
        a12.intoArray(acc, 6 * L);
        a13.intoArray(acc, 7 * L);
        a20.intoArray(acc, 8 * L);
        a21.intoArray(acc, 9 * L);
        a22.intoArray(acc, 10 * L);
        a23.intoArray(acc, 11 * L);
        a30.intoArray(acc, 12 * L);
        a31.intoArray(acc, 13 * L);
        a32.intoArray(acc, 14 * L);
        a33.intoArray(acc, 15 * L);
        a40.intoArray(acc, 16 * L);
        a41.intoArray(acc, 17 * L);
        a42.intoArray(acc, 18 * L);
        a43.intoArray(acc, 19 * L);
    }

    static void fma8x3(float[] w, int tileStride, float[] x, int[] tokenOffsets, int blocks, float[] acc) {
        final int L = FLOAT_LANES;
        FloatVector a00 = FloatVector.fromArray(FLOAT, acc, 0 * L);
        FloatVector a01 = FloatVector.fromArray(FLOAT, acc, 1 * L);
        FloatVector a02 = FloatVector.fromArray(FLOAT, acc, 2 * L);
        FloatVector a10 = FloatVector.fromArray(FLOAT, acc, 3 * L);
        FloatVector a11 = FloatVector.fromArray(FLOAT, acc, 4 * L);
        FloatVector a12 = FloatVector.fromArray(FLOAT, acc, 5 * L);
        FloatVector a20 = FloatVector.fromArray(FLOAT, acc, 6 * L);
        FloatVector a21 = FloatVector.fromArray(FLOAT, acc, 7 * L);
        FloatVector a22 = FloatVector.fromArray(FLOAT, acc, 8 * L);
        FloatVector a30 = FloatVector.fromArray(FLOAT, acc, 9 * L);
        FloatVector a31 = FloatVector.fromArray(FLOAT, acc, 10 * L);
        FloatVector a32 = FloatVector.fromArray(FLOAT, acc, 11 * L);
        FloatVector a40 = FloatVector.fromArray(FLOAT, acc, 12 * L);
        FloatVector a41 = FloatVector.fromArray(FLOAT, acc, 13 * L);
        FloatVector a42 = FloatVector.fromArray(FLOAT, acc, 14 * L);
        FloatVector a50 = FloatVector.fromArray(FLOAT, acc, 15 * L);
        FloatVector a51 = FloatVector.fromArray(FLOAT, acc, 16 * L);
        FloatVector a52 = FloatVector.fromArray(FLOAT, acc, 17 * L);
        FloatVector a60 = FloatVector.fromArray(FLOAT, acc, 18 * L);
        FloatVector a61 = FloatVector.fromArray(FLOAT, acc, 19 * L);
        FloatVector a62 = FloatVector.fromArray(FLOAT, acc, 20 * L);
        FloatVector a70 = FloatVector.fromArray(FLOAT, acc, 21 * L);
        FloatVector a71 = FloatVector.fromArray(FLOAT, acc, 22 * L);
        FloatVector a72 = FloatVector.fromArray(FLOAT, acc, 23 * L);
        int t0 = tokenOffsets[0];
        int t1 = tokenOffsets[1];
        int t2 = tokenOffsets[2];
        for (int c = 0; c < blocks * BLOCK_VALUES; c += L) {
            FloatVector x0 = FloatVector.fromArray(FLOAT, x, t0 + c);
            FloatVector x1 = FloatVector.fromArray(FLOAT, x, t1 + c);
            FloatVector x2 = FloatVector.fromArray(FLOAT, x, t2 + c);
            FloatVector wr = FloatVector.fromArray(FLOAT, w, 0 * tileStride + c);
            a00 = wr.fma(x0, a00);
            a01 = wr.fma(x1, a01);
            a02 = wr.fma(x2, a02);
            wr = FloatVector.fromArray(FLOAT, w, 1 * tileStride + c);
            a10 = wr.fma(x0, a10);
            a11 = wr.fma(x1, a11);
            a12 = wr.fma(x2, a12);
            wr = FloatVector.fromArray(FLOAT, w, 2 * tileStride + c);
            a20 = wr.fma(x0, a20);
            a21 = wr.fma(x1, a21);
            a22 = wr.fma(x2, a22);
            wr = FloatVector.fromArray(FLOAT, w, 3 * tileStride + c);
            a30 = wr.fma(x0, a30);
            a31 = wr.fma(x1, a31);
            a32 = wr.fma(x2, a32);
            wr = FloatVector.fromArray(FLOAT, w, 4 * tileStride + c);
            a40 = wr.fma(x0, a40);
            a41 = wr.fma(x1, a41);
            a42 = wr.fma(x2, a42);
            wr = FloatVector.fromArray(FLOAT, w, 5 * tileStride + c);
            a50 = wr.fma(x0, a50);
            a51 = wr.fma(x1, a51);
            a52 = wr.fma(x2, a52);
            wr = FloatVector.fromArray(FLOAT, w, 6 * tileStride + c);
            a60 = wr.fma(x0, a60);
            a61 = wr.fma(x1, a61);
            a62 = wr.fma(x2, a62);
            wr = FloatVector.fromArray(FLOAT, w, 7 * tileStride + c);
            a70 = wr.fma(x0, a70);
            a71 = wr.fma(x1, a71);
            a72 = wr.fma(x2, a72);
        }
        a00.intoArray(acc, 0 * L);
        a01.intoArray(acc, 1 * L);
        a02.intoArray(acc, 2 * L);
        a10.intoArray(acc, 3 * L);
        a11.intoArray(acc, 4 * L);
        a12.intoArray(acc, 5 * L);
        a20.intoArray(acc, 6 * L);
        a21.intoArray(acc, 7 * L);
        a22.intoArray(acc, 8 * L);
        a30.intoArray(acc, 9 * L);
        a31.intoArray(acc, 10 * L);
        a32.intoArray(acc, 11 * L);
        a40.intoArray(acc, 12 * L);
        a41.intoArray(acc, 13 * L);
        a42.intoArray(acc, 14 * L);
        a50.intoArray(acc, 15 * L);
        a51.intoArray(acc, 16 * L);
        a52.intoArray(acc, 17 * L);
        a60.intoArray(acc, 18 * L);
        a61.intoArray(acc, 19 * L);
        a62.intoArray(acc, 20 * L);
        a70.intoArray(acc, 21 * L);
        a71.intoArray(acc, 22 * L);
        a72.intoArray(acc, 23 * L);
    }

}
