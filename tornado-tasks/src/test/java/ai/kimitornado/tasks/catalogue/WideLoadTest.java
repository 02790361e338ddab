package ai.kimitornado.tasks.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.kimitornado.tasks.emit.opencl.OpenClEmitter;
import ai.kimitornado.tasks.emit.ptx.PtxEmitter;
import ai.kimitornado.tasks.emit.ptx.PtxTarget;
import ai.kimitornado.tasks.emit.spirv.SpirvEmitter;
import ai.kimitornado.tasks.emit.spirv.SpirvTools;
import ai.kimitornado.tasks.jit.KernelCompiler;
import ai.kimitornado.tasks.jit.KernelIR;
import ai.kimitornado.tasks.jit.KernelRef;
import ai.kimitornado.tasks.types.BFloat16;
import ai.kimitornado.tasks.types.arrays.BFloat16Array;
import ai.kimitornado.tasks.types.arrays.HalfFloatArray;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * getBits4: the host semantics (packing order, alignment and bounds errors) and that every emitter prints ONE
 * 8-byte load for it (device results are compared with Java by the catalogue entries of {@link WideLoadKernels}).
 */
class WideLoadTest {
    private static KernelIR gemv() {
        return KernelCompiler.frontEnd(KernelRef.of(WideLoadKernels.class, "gemvRowPacked"));
    }

    @Test
    void packsFourPatternsLittleEndian() {
        long seed = System.nanoTime();
        System.out.println("WideLoadTest seed=" + seed);
        Random r = new Random(seed);
        short[] bits = new short[64];
        for (int i = 0; i < bits.length; i++) {
            bits[i] = (short) r.nextInt();
        }
        BFloat16Array b = BFloat16Array.fromBits(bits);
        HalfFloatArray h = HalfFloatArray.fromBits(bits);
        for (int i = 0; i < bits.length; i += 4) {
            long expected = 0;
            for (int k = 3; k >= 0; k--) {
                expected = (expected << 16) | (bits[i + k] & 0xFFFF);
            }
            assertEquals(expected, b.getBits4(i), "bf16 at " + i);
            assertEquals(expected, h.getBits4(i), "fp16 at " + i);
            for (int k = 0; k < 4; k++) {
                assertEquals(Float.floatToRawIntBits(b.getFloat(i + k)),
                        Float.floatToRawIntBits(BFloat16.packedToFloat(b.getBits4(i), k)), "lane " + k + " at " + i);
            }
        }
    }

    @Test
    void misalignedOrOutOfRangeIndexThrowsOnTheJvm() {
        BFloat16Array b = new BFloat16Array(10);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.getBits4(2));
        assertTrue(e.getMessage().contains("BFloat16Array.getBits4(2): the index must be a multiple of 4"), e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> b.getBits4(8)); // elements 8..11 of 10
        assertThrows(IndexOutOfBoundsException.class, () -> b.getBits4(-4));
        assertThrows(IllegalArgumentException.class, () -> new HalfFloatArray(8).getBits4(1));
    }

    @Test
    void openClCastsToALongPointer() {
        String src = OpenClEmitter.emit(gemv()).source();
        assertTrue(src.contains("*(__global const long*)(w_p1 + ("), src);
    }

    @Test
    void ptxUsesOneReadOnly64BitLoad() {
        String ptx = PtxEmitter.emit(gemv(), PtxTarget.SM_90).source();
        assertTrue(ptx.contains("ld.global.nc.u64"), ptx);
        assertFalse(ptx.contains(".s16"), "no 2-byte load of w left:\n" + ptx);
        String plain = PtxEmitter.emit(gemv(), PtxTarget.SM_90, false).source();
        assertTrue(plain.contains("ld.global.u64") && !plain.contains(".nc."), plain);
    }

    @Test
    void spirvBitcastsThePointerAndLoadsAligned8() {
        Assumptions.assumeTrue(SpirvTools.find("spirv-dis").isPresent(), "spirv-dis not installed");
        String dis = SpirvTools.disassemble(SpirvEmitter.emit(gemv()).module()).stdout();
        assertTrue(dis.contains("OpBitcast"), dis);
        assertTrue(dis.matches("(?s).*OpLoad %ulong %\\S+ Aligned 8.*"), dis);
    }
}
