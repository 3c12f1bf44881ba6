package dev.hearth.local.internal.model;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SlidingWindowTest {

    @Test
    void aSlidingLayerSeesExactlyTheLastWindowPositions() {
        SlidingWindow window = SlidingWindow.everyLayerButLastOf(2, 4, 2);
        assertThat(window.firstVisible(0, 0)).isZero();
        assertThat(window.firstVisible(0, 3)).isZero();
        assertThat(window.firstVisible(0, 4)).isEqualTo(1); // sees 1, 2, 3, 4: four positions
        assertThat(window.firstVisible(0, 100)).isEqualTo(97);
        assertThat(window.firstVisible(1, 100)).as("a global layer").isZero();
    }

    @Test
    void patternOneMeansNoLayerSlides() {
        SlidingWindow window = SlidingWindow.everyLayerButLastOf(1, 4, 3);
        assertThat(window.slides(0) || window.slides(1) || window.slides(2)).isFalse();
        assertThat(SlidingWindow.NONE.slides(0)).isFalse();
    }

    @Test
    void invalidWindowsAreRejected() {
        assertThatThrownBy(() -> SlidingWindow.everyLayerButLastOf(0, 4, 2)).hasMessageContaining("pattern 0");
        assertThatThrownBy(() -> SlidingWindow.of(0, new boolean[] {true})).hasMessageContaining("size 0");
    }
}
