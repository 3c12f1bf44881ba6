package dev.hearth.local.internal.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.api.UnsupportedModelException;
import dev.hearth.local.internal.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** The reference itself, checked against values worked out by hand from the ggml block layouts. */
class ScalarReferenceTest {

    @Test
    void q8_0BlockIsScaleTimesSignedQuant() {
        MemorySegment block = MemorySegment.ofArray(new byte[34]);
        block.set(TestMatrices.LE_SHORT, 0, (short) 0x3800); // d = 0.5
        byte[] quants = {-128, -1, 0, 1, 2, 127};
        for (int j = 0; j < 32; j++) {
            block.set(ValueLayout.JAVA_BYTE, 2 + j, j < quants.length ? quants[j] : (byte) j);
        }
        float[] values = ScalarReference.dequantize(GgmlType.Q8_0, block, 32);
        assertThat(values).startsWith(-64f, -0.5f, 0f, 0.5f, 1f, 63.5f);
        assertThat(values[6]).isEqualTo(3f); // quant 6
        assertThat(values[31]).isEqualTo(15.5f); // quant 31
    }

    @Test
    void q4_0BlockPutsLowNibblesFirstAndHighNibblesSecondWithBiasEight() {
        MemorySegment block = MemorySegment.ofArray(new byte[18]);
        block.set(TestMatrices.LE_SHORT, 0, (short) 0x4000); // d = 2
        block.set(ValueLayout.JAVA_BYTE, 2, (byte) 0x0F); // value 0: 15-8=7, value 16: 0-8=-8
        block.set(ValueLayout.JAVA_BYTE, 3, (byte) 0x98); // value 1: 8-8=0, value 17: 9-8=1
        block.set(ValueLayout.JAVA_BYTE, 17, (byte) 0xF0); // value 15: -8, value 31: 7
        for (int j = 2; j < 15; j++) {
            block.set(ValueLayout.JAVA_BYTE, 2 + j, (byte) 0x88); // both nibbles 8: value 0
        }
        float[] values = ScalarReference.dequantize(GgmlType.Q4_0, block, 32);
        assertThat(values[0]).isEqualTo(14f);
        assertThat(values[16]).isEqualTo(-16f);
        assertThat(values[1]).isEqualTo(0f);
        assertThat(values[17]).isEqualTo(2f);
        assertThat(values[15]).isEqualTo(-16f);
        assertThat(values[31]).isEqualTo(14f);
        assertThat(values[5]).isEqualTo(0f);
        assertThat(values[21]).isEqualTo(0f);
    }

    @Test
    void f16ValuesAreIeeeHalves() {
        MemorySegment data = MemorySegment.ofArray(new byte[10]);
        short[] halves = {0x3C00, (short) 0xC000, 0x7BFF, 0x0001, 0x3555};
        for (int i = 0; i < halves.length; i++) {
            data.set(TestMatrices.LE_SHORT, i * 2L, halves[i]);
        }
        assertThat(ScalarReference.dequantize(GgmlType.F16, data, 5))
                .containsExactly(1f, -2f, 65504f, 0x1.0p-24f, 0.333251953125f);
    }

    @Test
    void bf16ValuesAreTheUpperHalfOfAFloat() {
        MemorySegment data = MemorySegment.ofArray(new byte[6]);
        data.set(TestMatrices.LE_SHORT, 0, (short) 0x3F80);
        data.set(TestMatrices.LE_SHORT, 2, (short) 0xC040);
        data.set(TestMatrices.LE_SHORT, 4, (short) 0x4049);
        assertThat(ScalarReference.dequantize(GgmlType.BF16, data, 3)).containsExactly(1f, -3f, 3.140625f);
    }

    @Test
    void f32ValuesAreLittleEndian() {
        // 1.5f = 0x3FC00000, stored least significant byte first.
        MemorySegment data = MemorySegment.ofArray(new byte[] {0, 0, (byte) 0xC0, 0x3F});
        assertThat(ScalarReference.dequantize(GgmlType.F32, data, 1)).containsExactly(1.5f);
    }

    @Test
    void rejectsUnsupportedTypesAndShortSegments() {
        MemorySegment data = MemorySegment.ofArray(new byte[210]);
        assertThatThrownBy(() -> ScalarReference.dequantize(GgmlType.Q6_K, data, 256))
                .isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("Q6_K");
        assertThatThrownBy(() -> ScalarReference.dequantize(GgmlType.Q8_0, data, 224))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("238")
                .hasMessageContaining("210");
        assertThatThrownBy(() -> ScalarReference.dequantize(GgmlType.Q8_0, data, 31))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
