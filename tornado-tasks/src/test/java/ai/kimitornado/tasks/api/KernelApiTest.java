package ai.kimitornado.tasks.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.kimitornado.tasks.types.BFloat16;
import ai.kimitornado.tasks.types.Float16;
import ai.kimitornado.tasks.types.arrays.BFloat16Array;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.HalfFloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;
import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.Attributes;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.MethodModel;
import java.lang.classfile.TypeAnnotation;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KernelApiTest {

    static void parallelLoop(FloatArray a) {
        for (@Parallel int i = 0; i < a.getSize(); i++) {
            a.set(i, i);
        }
    }

    @Test
    void parallelIsATypeAnnotationOnTheLocalVariableInTheCodeAttribute() throws IOException {
        ClassModel cm;
        try (InputStream in = KernelApiTest.class.getResourceAsStream("KernelApiTest.class")) {
            cm = ClassFile.of().parse(in.readAllBytes());
        }
        MethodModel m = cm.methods().stream().filter(x -> x.methodName().equalsString("parallelLoop")).findFirst().orElseThrow();
        var code = m.code().orElseThrow();
        List<TypeAnnotation> annotations = code.findAttribute(Attributes.runtimeVisibleTypeAnnotations())
                .orElseThrow().annotations();
        assertEquals(1, annotations.size());
        TypeAnnotation ta = annotations.get(0);
        assertEquals(TypeAnnotation.TargetType.LOCAL_VARIABLE, ta.targetInfo().targetType());
        assertEquals("L" + Parallel.class.getName().replace('.', '/') + ";", ta.annotation().className().stringValue());
        var target = (TypeAnnotation.LocalVarTarget) ta.targetInfo();
        assertEquals(1, target.table().size());
        assertEquals(1, target.table().get(0).index(), "slot of i");
    }

    @Test
    void arraysAreHeaderlessAndFromSegmentIsZeroCopy() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(4 * 10);
            FloatArray a = FloatArray.fromSegment(seg);
            assertEquals(10, a.getSize());
            a.set(3, 2.5f);
            assertEquals(2.5f, seg.getAtIndex(ValueLayout.JAVA_FLOAT, 3));
            seg.setAtIndex(ValueLayout.JAVA_FLOAT, 4, -1f);
            assertEquals(-1f, a.get(4));
        }
        FloatArray b = FloatArray.fromArray(1, 2, 3);
        assertEquals(12, b.getNumBytes());
        assertArrayEquals(new float[] {1, 2, 3}, b.toHeapArray());
    }

    @Test
    void halfAndBFloat16ConversionsRoundToNearestEven() {
        long seed = System.nanoTime();
        System.out.println("seed " + seed);
        Random r = new Random(seed);
        for (int k = 0; k < 100_000; k++) {
            float f = Float.intBitsToFloat(r.nextInt());
            if (Float.isNaN(f)) {
                assertTrue(Float.isNaN(BFloat16.toFloat(BFloat16.fromFloat(f))));
                continue;
            }
            // reference bf16 rounding through double arithmetic: nearest of the two bf16 neighbours, ties to even
            int bits = Float.floatToRawIntBits(f);
            float lo = Float.intBitsToFloat(bits & 0xFFFF0000);
            float hi = Float.intBitsToFloat((bits & 0xFFFF0000) + 0x10000);
            // past the largest bf16 the next step up is 2^128 (rounds to infinity)
            double hiValue = Float.isInfinite(hi) && !Float.isInfinite(f) ? Math.copySign(0x1p128, f) : hi;
            double dl = Math.abs((double) f - lo), dh = Math.abs(hiValue - f);
            float expected = (Float.isInfinite(f) || dl < dh || (dl == dh && ((bits >>> 16) & 1) == 0)) ? lo : hi;
            assertEquals(expected, BFloat16.toFloat(BFloat16.fromFloat(f)), "bf16 of " + f);
            assertEquals(Float.float16ToFloat(Float.floatToFloat16(f)), Float16.toFloat(Float16.fromFloat(f)));
        }
        HalfFloatArray h = HalfFloatArray.fromArray(1.5f, -2f, 65504f);
        assertArrayEquals(new float[] {1.5f, -2f, 65504f}, h.toHeapArray());
        BFloat16Array bf = BFloat16Array.fromArray(1.5f, -2f);
        assertEquals((short) 0x3FC0, bf.getBits(0));
    }

    @Test
    void atomicAddOnTheJvmIsAtomic() throws InterruptedException {
        KernelContext ctx = new KernelContext();
        IntArray counter = new IntArray(1);
        FloatArray sum = new FloatArray(1);
        Thread[] ts = new Thread[4];
        for (int t = 0; t < ts.length; t++) {
            ts[t] = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 10_000; i++) {
                    ctx.atomicAdd(counter, 0, 1);
                    ctx.atomicAdd(sum, 0, 1f);
                }
            });
        }
        for (Thread t : ts) {
            t.join();
        }
        assertEquals(40_000, counter.get(0));
        assertEquals(40_000f, sum.get(0));
    }
}
