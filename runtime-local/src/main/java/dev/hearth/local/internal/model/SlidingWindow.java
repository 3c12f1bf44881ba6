package dev.hearth.local.internal.model;

import java.util.Arrays;

/**
 * Local attention: on a sliding layer, the token at position p attends only to keys at positions j with
 * {@code 0 <= p - j < size}; other layers attend to every earlier position.
 */
public final class SlidingWindow {
    /** No layer slides. */
    public static final SlidingWindow NONE = new SlidingWindow(0, new boolean[0]);

    private final int size;
    private final boolean[] slidingLayers;

    private SlidingWindow(int size, boolean[] slidingLayers) {
        this.size = size;
        this.slidingLayers = slidingLayers;
    }

    /**
     * llama.cpp's pattern rule: within every group of {@code pattern} consecutive layers all but the last slide
     * (pattern 2: even layers local, odd layers global; pattern 1: none slide).
     */
    public static SlidingWindow everyLayerButLastOf(int pattern, int size, int layerCount) {
        if (pattern < 1) {
            throw new IllegalArgumentException("sliding window pattern " + pattern + " must be >= 1");
        }
        boolean[] layers = new boolean[layerCount];
        for (int layer = 0; layer < layerCount; layer++) {
            layers[layer] = layer % pattern < pattern - 1;
        }
        return of(size, layers);
    }

    /** An explicit per-layer choice ({@code true} = sliding). */
    public static SlidingWindow of(int size, boolean[] slidingLayers) {
        if (size < 1) {
            throw new IllegalArgumentException("sliding window size " + size + " must be >= 1");
        }
        return new SlidingWindow(size, slidingLayers.clone());
    }

    /** Positions a sliding layer can see, including the current one; 0 when no layer slides. */
    public int size() {
        return size;
    }

    public boolean slides(int layer) {
        return layer < slidingLayers.length && slidingLayers[layer];
    }

    /** The first position the token at {@code position} attends to on {@code layer}. */
    public int firstVisible(int layer, int position) {
        return slides(layer) ? Math.max(0, position - size + 1) : 0;
    }

    @Override
    public String toString() {
        return size == 0 ? "none" : "size " + size + " on layers " + Arrays.toString(slidingLayers);
    }
}
