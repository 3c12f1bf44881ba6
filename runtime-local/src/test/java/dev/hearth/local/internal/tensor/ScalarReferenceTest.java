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
        assertThatThrownBy(() -> ScalarReference.dequantize(GgmlType.IQ2_XXS, data, 256))
                .isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("IQ2_XXS");
        assertThatThrownBy(() -> ScalarReference.dequantize(GgmlType.Q8_0, data, 224))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("238")
                .hasMessageContaining("210");
        assertThatThrownBy(() -> ScalarReference.dequantize(GgmlType.Q8_0, data, 31))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void q4_1BlockIsScaleTimesNibblePlusMin() {
        MemorySegment block = MemorySegment.ofArray(new byte[20]);
        block.set(TestMatrices.LE_SHORT, 0, (short) 0x3800); // d = 0.5
        block.set(TestMatrices.LE_SHORT, 2, (short) 0xBC00); // m = -1
        block.set(ValueLayout.JAVA_BYTE, 4, (byte) 0x3A); // value 0: 10, value 16: 3
        block.set(ValueLayout.JAVA_BYTE, 19, (byte) 0xF0); // value 15: 0, value 31: 15
        float[] values = ScalarReference.dequantize(GgmlType.Q4_1, block, 32);
        assertThat(values[0]).isEqualTo(4f);
        assertThat(values[16]).isEqualTo(0.5f);
        assertThat(values[15]).isEqualTo(-1f);
        assertThat(values[31]).isEqualTo(6.5f);
        assertThat(values[7]).isEqualTo(-1f);
    }

    @Test
    void q5_0BlockTakesTheFifthBitFromTheLittleEndianWordAndBias16() {
        MemorySegment block = MemorySegment.ofArray(new byte[22]);
        block.set(TestMatrices.LE_SHORT, 0, (short) 0x4000); // d = 2
        block.set(ValueLayout.JAVA_BYTE, 2, (byte) 0x01); // bit 0: fifth bit of value 0
        block.set(ValueLayout.JAVA_BYTE, 4, (byte) 0x02); // bit 17: fifth bit of value 17
        block.set(ValueLayout.JAVA_BYTE, 6, (byte) 0x21); // value 0: 1|16 → 1; value 16: 2 → -14
        block.set(ValueLayout.JAVA_BYTE, 7, (byte) 0xF0); // value 1: 0 → -16; value 17: 15|16 → 15
        float[] values = ScalarReference.dequantize(GgmlType.Q5_0, block, 32);
        assertThat(values[0]).isEqualTo(2f);
        assertThat(values[16]).isEqualTo(-28f);
        assertThat(values[1]).isEqualTo(-32f);
        assertThat(values[17]).isEqualTo(30f);
    }

    @Test
    void q5_1BlockAddsTheFifthBitAndTheMin() {
        MemorySegment block = MemorySegment.ofArray(new byte[24]);
        block.set(TestMatrices.LE_SHORT, 0, (short) 0x3400); // d = 0.25
        block.set(TestMatrices.LE_SHORT, 2, (short) 0x3C00); // m = 1
        block.set(ValueLayout.JAVA_BYTE, 7, (byte) 0x80); // bit 31: fifth bit of value 31
        block.set(ValueLayout.JAVA_BYTE, 23, (byte) 0xF3); // value 15: 3; value 31: 15|16 = 31
        float[] values = ScalarReference.dequantize(GgmlType.Q5_1, block, 32);
        assertThat(values[15]).isEqualTo(1.75f);
        assertThat(values[31]).isEqualTo(8.75f);
        assertThat(values[0]).isEqualTo(1f);
    }

    @Test
    void q2_KSuperBlockUsesNibbleScalesAndMinsPerSixteenValues() {
        MemorySegment block = MemorySegment.ofArray(new byte[84]);
        block.set(ValueLayout.JAVA_BYTE, 0, (byte) 0x21); // sub-block 0: scale 1, min 2
        block.set(ValueLayout.JAVA_BYTE, 1, (byte) 0x13); // sub-block 1: scale 3, min 1
        block.set(ValueLayout.JAVA_BYTE, 2, (byte) 0x05); // sub-block 2: scale 5, min 0
        block.set(ValueLayout.JAVA_BYTE, 6, (byte) 0x32); // sub-block 6: scale 2, min 3
        block.set(ValueLayout.JAVA_BYTE, 15, (byte) 0xF7); // sub-block 15: scale 7, min 15
        block.set(ValueLayout.JAVA_BYTE, 16, (byte) 0xE4); // byte 0 of half 0: q 0, 1, 2, 3 for values 0, 32, 64, 96
        block.set(ValueLayout.JAVA_BYTE, 32, (byte) 0x03); // byte 16 of half 0: value 16 has q 3
        block.set(ValueLayout.JAVA_BYTE, 79, (byte) 0xC0); // byte 31 of half 1: value 255 has q 3
        block.set(TestMatrices.LE_SHORT, 80, (short) 0x3C00); // d = 1
        block.set(TestMatrices.LE_SHORT, 82, (short) 0x3800); // dmin = 0.5
        float[] values = ScalarReference.dequantize(GgmlType.Q2_K, block, 256);
        assertThat(values[0]).isEqualTo(-1f); // 1·1·0 − 0.5·2
        assertThat(values[16]).isEqualTo(8.5f); // 1·3·3 − 0.5·1
        assertThat(values[32]).isEqualTo(5f); // 1·5·1 − 0
        assertThat(values[64]).isEqualTo(0f); // sub-block 4: scale 0, min 0
        assertThat(values[96]).isEqualTo(4.5f); // 1·2·3 − 0.5·3
        assertThat(values[255]).isEqualTo(13.5f); // 1·7·3 − 0.5·15
    }

    @Test
    void q3_KSuperBlockUsesSixBitScalesAndSubtractsFourWhereTheHighBitIsClear() {
        MemorySegment block = MemorySegment.ofArray(new byte[110]);
        block.set(ValueLayout.JAVA_BYTE, 0, (byte) 0x01); // hmask[0] bit 0: value 0 high bit set
        block.set(ValueLayout.JAVA_BYTE, 16, (byte) 0x40); // hmask[16] bit 6 (half 1, group 2): value 208
        block.set(ValueLayout.JAVA_BYTE, 32, (byte) 0x03); // value 0: low bits 3
        block.set(ValueLayout.JAVA_BYTE, 80, (byte) 0x20); // half 1 byte 16, bits 4..5: value 208 low bits 2
        block.set(ValueLayout.JAVA_BYTE, 96, (byte) 0x0A); // scale 0 low nibble 10
        block.set(ValueLayout.JAVA_BYTE, 101, (byte) 0x70); // scale 13 low nibble 7
        block.set(ValueLayout.JAVA_BYTE, 104, (byte) 0x02); // scale 0 high bits 2: 10 + 32 − 32 = 10
        block.set(ValueLayout.JAVA_BYTE, 105, (byte) 0xC0); // scale 13 high bits 3: 7 + 48 − 32 = 23
        block.set(TestMatrices.LE_SHORT, 108, (short) 0x3800); // d = 0.5
        float[] values = ScalarReference.dequantize(GgmlType.Q3_K, block, 256);
        assertThat(values[0]).isEqualTo(15f); // 0.5·10·3
        assertThat(values[1]).isEqualTo(-20f); // 0.5·10·(0 − 4)
        assertThat(values[16]).isEqualTo(64f); // scale 1 is 0 − 32; 0.5·(−32)·(0 − 4)
        assertThat(values[208]).isEqualTo(23f); // 0.5·23·2
    }

    @Test
    void q4_KSuperBlockUnpacksSixBitScalesAndMins() {
        MemorySegment block = MemorySegment.ofArray(new byte[144]);
        writeQ4KStyleScales(block);
        block.set(ValueLayout.JAVA_BYTE, 16, (byte) 0x5F); // value 0: 15; value 32: 5
        block.set(ValueLayout.JAVA_BYTE, 80, (byte) 0x70); // chunk 2 byte 0: value 128: 0; value 160: 7
        float[] values = ScalarReference.dequantize(GgmlType.Q4_K, block, 256);
        assertThat(values[0]).isEqualTo(44f); // 1·3·15 − 0.5·2
        assertThat(values[32]).isEqualTo(0f); // sub-block 1: scale 0, min 0
        assertThat(values[160]).isEqualTo(102f); // 1·17·7 − 0.5·34
    }

    @Test
    void q5_KSuperBlockAddsTheFifthBitOfItsSubBlock() {
        MemorySegment block = MemorySegment.ofArray(new byte[176]);
        writeQ4KStyleScales(block);
        block.set(ValueLayout.JAVA_BYTE, 16, (byte) 0x21); // qh[0]: bit 0 (value 0) and bit 5 (value 160)
        block.set(ValueLayout.JAVA_BYTE, 48, (byte) 0x5F); // value 0: 15; value 32: 5
        block.set(ValueLayout.JAVA_BYTE, 112, (byte) 0x70); // value 160: 7
        float[] values = ScalarReference.dequantize(GgmlType.Q5_K, block, 256);
        assertThat(values[0]).isEqualTo(92f); // 1·3·31 − 0.5·2
        assertThat(values[32]).isEqualTo(0f);
        assertThat(values[160]).isEqualTo(374f); // 1·17·23 − 0.5·34
    }

    /** d = 1, dmin = 0.5; sub-block 0: scale 3, min 2; sub-block 5: scale 17, min 34 (both using the top bits). */
    private static void writeQ4KStyleScales(MemorySegment block) {
        block.set(TestMatrices.LE_SHORT, 0, (short) 0x3C00);
        block.set(TestMatrices.LE_SHORT, 2, (short) 0x3800);
        block.set(ValueLayout.JAVA_BYTE, 4, (byte) 0x03); // scale 0
        block.set(ValueLayout.JAVA_BYTE, 5, (byte) 0x40); // top bits: scale 5 gets 1 << 4; scale 1 is 0
        block.set(ValueLayout.JAVA_BYTE, 8, (byte) 0x02); // min 0
        block.set(ValueLayout.JAVA_BYTE, 9, (byte) 0x80); // top bits: min 5 gets 2 << 4; min 1 is 0
        block.set(ValueLayout.JAVA_BYTE, 13, (byte) 0x21); // sub-block 5: scale low nibble 1, min low nibble 2
    }

    @Test
    void q6_KSuperBlockCombinesNibblesWithTwoUpperBitsAndSignedScales() {
        MemorySegment block = MemorySegment.ofArray(new byte[210]);
        block.set(ValueLayout.JAVA_BYTE, 0, (byte) 0x3F); // value 0 low nibble 15; value 64 low nibble 3
        block.set(ValueLayout.JAVA_BYTE, 32, (byte) 0x10); // value 32 low nibble 0; value 96 low nibble 1
        block.set(ValueLayout.JAVA_BYTE, 127, (byte) 0xF0); // value 255 low nibble 15
        block.set(ValueLayout.JAVA_BYTE, 128, (byte) 0x87); // upper bits: value 0: 3, 32: 1, 64: 0, 96: 2
        block.set(ValueLayout.JAVA_BYTE, 191, (byte) 0xC0); // upper bits of value 255: 3
        block.set(ValueLayout.JAVA_BYTE, 192, (byte) 2);
        block.set(ValueLayout.JAVA_BYTE, 194, (byte) -128);
        block.set(ValueLayout.JAVA_BYTE, 196, (byte) -3);
        block.set(ValueLayout.JAVA_BYTE, 198, (byte) 127);
        block.set(ValueLayout.JAVA_BYTE, 207, (byte) 1);
        block.set(TestMatrices.LE_SHORT, 208, (short) 0x3800); // d = 0.5
        float[] values = ScalarReference.dequantize(GgmlType.Q6_K, block, 256);
        assertThat(values[0]).isEqualTo(31f); // 0.5·2·(63 − 32)
        assertThat(values[32]).isEqualTo(1024f); // 0.5·(−128)·(16 − 32)
        assertThat(values[64]).isEqualTo(43.5f); // 0.5·(−3)·(3 − 32)
        assertThat(values[96]).isEqualTo(63.5f); // 0.5·127·(33 − 32)
        assertThat(values[255]).isEqualTo(15.5f); // 0.5·1·(63 − 32)
    }
}
