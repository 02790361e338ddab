package ai.kimitornado.tasks.jit;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.api.Parallel;
import ai.kimitornado.tasks.types.arrays.BFloat16Array;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;

/**
 * Kernels the JIT must reject. Each offending line carries a marker comment {@code REJECT: <expected text>}; the
 * test checks the message names this class, the method and that line, and contains the text.
 */
@SuppressWarnings("all")
public final class RejectedKernels {
    private RejectedKernels() {
    }

    static int counter;
    static final Object LOCK = new Object();

    public static void allocation(FloatArray a) {
        Object o = new Object(); // REJECT: object allocation (new java.lang.Object)
        a.set(0, o == null ? 1 : 2);
    }

    public static void arrayAllocation(FloatArray a) {
        float[] tmp = new float[4]; // REJECT: array allocation (new float[])
        a.set(0, tmp[0]);
    }

    public static void throwing(FloatArray a) {
        if (a.get(0) < 0) {
            throw new IllegalStateException("negative"); // REJECT: throwing an exception (new java.lang.IllegalStateException)
        }
    }

    public static void tryCatch(IntArray a) {
        try {
            a.set(0, 10 / a.get(1)); // REJECT: exception handler (try/catch/finally)
        } catch (ArithmeticException e) {
            a.set(0, -1);
        }
    }

    public static void monitor(IntArray a) {
        synchronized (LOCK) { // REJECT: synchronization
            a.set(0, 1);
        }
    }

    static int factorial(int n) {
        return n <= 1 ? 1 : n * factorial(n - 1); // REJECT: recursive call to RejectedKernels.factorial
    }

    public static void recursion(IntArray a) {
        a.set(0, factorial(a.get(0)));
    }

    public static void staticFieldRead(IntArray a) {
        a.set(0, counter); // REJECT: read of static field RejectedKernels.counter
    }

    public static void staticFieldWrite(IntArray a) {
        counter = a.get(0); // REJECT: write to static field RejectedKernels.counter
    }

    public static void virtualCall(KernelContext ctx, IntArray a) {
        a.set(0, ctx.hashCode()); // REJECT: virtual call to Object.hashCode
    }

    public static void hostApi(FloatArray a) {
        a.set(0, a.toHeapArray().length); // REJECT: FloatArray.toHeapArray is host-side only
    }

    public static void jdkCall(FloatArray a) {
        a.set(0, Math.round(a.get(0))); // REJECT: call to java.lang.Math.round (not a kernel intrinsic)
    }

    public static void stringConcat(FloatArray a) {
        String s = "v" + a.get(0); // REJECT: invokedynamic
        a.set(0, s.length());
    }

    public static void lambda(IntArray a) {
        Runnable r = () -> a.set(0, 1); // REJECT: invokedynamic
        r.run();
    }

    public static void nullCheck(IntArray a, IntArray b) {
        IntArray c = a;
        if (c == b) { // REJECT: reference comparison
            a.set(0, 1);
        }
    }

    public static void objectParameter(IntArray a, String s) {
        a.set(0, 1); // REJECT: parameter 's' of type String
    }

    public static void dynamicLocalSize(KernelContext ctx, FloatArray a, int n) {
        float[] t = ctx.allocateFloatLocalArray(n); // REJECT: needs a positive compile-time constant length
        t[0] = 1;
        a.set(0, t[0]);
    }

    public static void parallelNotEqual(FloatArray a, int n) {
        for (@Parallel int i = 0; i != n; i++) { // REJECT: must be i < bound or i <= bound
            a.set(i, 1);
        }
    }

    public static void sequentialParallelLoops(FloatArray a, FloatArray b) {
        for (@Parallel int i = 0; i < a.getSize(); i++) {
            a.set(i, 1);
        }
        for (@Parallel int j = 0; j < b.getSize(); j++) { // REJECT: needs a grid-wide barrier
            b.set(j, a.get(j));
        }
    }

    public static void returnInParallelLoop(FloatArray a) {
        for (@Parallel int i = 0; i < a.getSize(); i++) {
            if (a.get(i) < 0) {
                return; // REJECT: return inside @Parallel loop 'i'
            }
            a.set(i, 1);
        }
    }

    public static void breakInParallelLoop(FloatArray a) {
        for (@Parallel int i = 0; i < a.getSize(); i++) {
            if (a.get(i) < 0) {
                break; // REJECT: break out of @Parallel loop 'i'
            }
            a.set(i, 1);
        }
    }

    public static void arrayChosenAtRunTime(FloatArray a, FloatArray b, int k) {
        FloatArray c = k > 0 ? a : b;
        c.set(0, 1); // REJECT: array chosen at run time
    }

    public static void packedLoadMisaligned(BFloat16Array w, FloatArray out) {
        out.set(0, (float) w.getBits4(6)); // REJECT: the index must be a multiple of 4
    }

    public static void packedLoadOfWrittenArray(BFloat16Array w, FloatArray out) {
        out.set(0, (float) w.getBits4(4)); // REJECT: which the kernel also writes
        w.setBits(0, (short) 1);
    }

    public static void mmaResultNotConstant(KernelContext ctx, FloatArray out, IntArray which) {
        ctx.mmaBf16(1, 2, 3, 4, 5, 6, 0f, 0f, 0f, 0f);
        out.set(0, ctx.mmaResult(which.get(0))); // REJECT: KernelContext.mmaResult needs a compile-time constant element 0..3
    }

    public static void mmaResultOutOfRange(KernelContext ctx, FloatArray out) {
        ctx.mmaBf16(1, 2, 3, 4, 5, 6, 0f, 0f, 0f, 0f);
        out.set(0, ctx.mmaResult(4)); // REJECT: compile-time constant element 0..3 (got 4)
    }

    public static void mmaResultWithoutMma(KernelContext ctx, FloatArray out) {
        out.set(0, ctx.mmaResult(0)); // REJECT: KernelContext.mmaResult without a preceding mmaBf16 in the same basic block
    }

    public static void mmaResultInAnotherBlock(KernelContext ctx, FloatArray out, int n) {
        ctx.mmaBf16(1, 2, 3, 4, 5, 6, 0f, 0f, 0f, 0f);
        if (n > 0) {
            out.set(0, ctx.mmaResult(0)); // REJECT: without a preceding mmaBf16 in the same basic block
        }
    }

    static void mmaInHelper(KernelContext ctx) {
        ctx.mmaBf16(1, 2, 3, 4, 5, 6, 0f, 0f, 0f, 0f);
    }

    public static void mmaResultAfterAHelpersMma(KernelContext ctx, FloatArray out) {
        mmaInHelper(ctx);
        out.set(0, ctx.mmaResult(0)); // REJECT: without a preceding mmaBf16 in the same basic block
    }
}
