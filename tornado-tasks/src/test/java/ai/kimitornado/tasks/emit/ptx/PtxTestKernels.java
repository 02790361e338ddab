package ai.kimitornado.tasks.emit.ptx;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.api.Parallel;
import ai.kimitornado.tasks.math.TornadoMath;
import ai.kimitornado.tasks.types.arrays.BFloat16Array;
import ai.kimitornado.tasks.types.arrays.DoubleArray;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.HalfFloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;
import ai.kimitornado.tasks.types.arrays.LongArray;

/** Kernels exercising what the PTX emitter must lower; each is assembled by ptxas in PtxEmitterTest. */
public final class PtxTestKernels {
    private PtxTestKernels() {
    }

    public static void saxpy(FloatArray x, FloatArray y, float a, int n) {
        for (@Parallel int i = 0; i < n; i++) {
            y.set(i, a * x.get(i) + y.get(i));
        }
    }

    /** Java integer semantics: / and % by zero and −1, masked shifts, narrowing casts. */
    public static void integers(IntArray a, IntArray b, IntArray out, LongArray wide) {
        for (@Parallel int i = 0; i < a.getSize(); i++) {
            int x = a.get(i);
            int y = b.get(i);
            long lx = (long) x * 3_000_000_000L;
            out.set(i, x / y + x % y + (x << y) + (x >> y) + (x >>> y) + (byte) x + (short) y + (char) x);
            wide.set(i, lx / (y | 1) + (lx % 7) + (lx << y) + (lx >>> y));
        }
    }

    /** float ⇄ int/long/double conversions with Java saturation, and float remainder (fmod). */
    public static void conversions(FloatArray f, DoubleArray d, IntArray i32, LongArray i64) {
        for (@Parallel int i = 0; i < f.getSize(); i++) {
            float x = f.get(i);
            double y = d.get(i);
            i32.set(i, (int) x + (int) y);
            i64.set(i, (long) x + (long) y);
            f.set(i, (float) y + x % 1.5f + (float) (y % 2.5));
            d.set(i, x + (double) i32.get(i) + (double) i64.get(i));
        }
    }

    /** float intrinsics through TornadoMath and java.lang.Math. */
    public static void floatMath(FloatArray x, FloatArray y, FloatArray out) {
        for (@Parallel int i = 0; i < x.getSize(); i++) {
            float a = x.get(i);
            float b = y.get(i);
            float r = TornadoMath.exp(a) + TornadoMath.log(b) + TornadoMath.sqrt(b) + TornadoMath.rsqrt(b)
                    + TornadoMath.pow(b, a) + TornadoMath.tanh(a) + TornadoMath.sin(a) + TornadoMath.cos(a)
                    + Math.abs(a) + Math.min(a, b) + Math.max(a, b) + (float) Math.floor(a) + (float) Math.ceil(b)
                    + Math.fma(a, b, a);
            out.set(i, r);
        }
    }

    /** double intrinsics the PTX backend implements. */
    public static void doubleMath(DoubleArray x, DoubleArray out) {
        for (@Parallel int i = 0; i < x.getSize(); i++) {
            double a = x.get(i);
            out.set(i, Math.exp(a) + Math.log(Math.abs(a)) + Math.sqrt(Math.abs(a)) + TornadoMath.rsqrt(Math.abs(a))
                    + Math.min(a, 1.0) + Math.max(a, -1.0) + Math.floor(a) + Math.ceil(a) + Math.fma(a, a, a));
        }
    }

    /** double transcendental functions (software sequences in PTX). */
    public static void doubleTranscendental(DoubleArray x) {
        for (@Parallel int i = 0; i < x.getSize(); i++) {
            double a = x.get(i);
            x.set(i, Math.sin(a) + Math.cos(a) + Math.tanh(a) + Math.pow(a, 1.5));
        }
    }

    /** bf16 and fp16 loads/stores and conversions. */
    public static void halfPrecision(BFloat16Array w, HalfFloatArray h, FloatArray out) {
        for (@Parallel int i = 0; i < out.getSize(); i++) {
            float v = w.getFloat(i) + h.getFloat(i);
            out.set(i, v);
            h.setFloat(i, v * 0.5f);
            w.setFloat(i, v * 2f);
        }
    }

    /** Work-group sum in shared memory with barriers, then one atomic per group. */
    public static void groupSum(KernelContext ctx, FloatArray in, FloatArray total, IntArray count) {
        float[] partial = ctx.allocateFloatLocalArray(256);
        int lid = ctx.localIdx;
        int gid = ctx.globalIdx;
        partial[lid] = gid < in.getSize() ? in.get(gid) : 0f;
        ctx.localBarrier();
        for (int stride = ctx.localGroupSizeX / 2; stride > 0; stride /= 2) {
            if (lid < stride) {
                partial[lid] += partial[lid + stride];
            }
            ctx.localBarrier();
        }
        if (lid == 0) {
            ctx.atomicAdd(total, 0, partial[0]);
            ctx.atomicAdd(count, 0, 1);
        }
    }

    /** switch, break/continue, ternaries and a 2-D grid. */
    public static void control(IntArray grid, int width, int height) {
        for (@Parallel int y = 0; y < height; y++) {
            for (@Parallel int x = 0; x < width; x++) {
                int v = 0;
                for (int k = 0; k < 10; k++) {
                    if (k == x % 5) {
                        continue;
                    }
                    if (k > 7) {
                        break;
                    }
                    switch (k & 3) {
                        case 0 -> v += 1;
                        case 1 -> v ^= k;
                        case 3 -> v -= y;
                        default -> v = v > 5 ? v * 2 : v + 1;
                    }
                }
                switch (v) {
                    case 100, 2000, 30000 -> v = -1;
                    default -> { }
                }
                grid.set(y * width + x, v);
            }
        }
    }
}
