package ai.kimitornado.tasks.emit.ptx;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.api.Parallel;
import ai.kimitornado.tasks.math.TornadoMath;
import ai.kimitornado.tasks.types.arrays.BFloat16Array;
import ai.kimitornado.tasks.types.arrays.DoubleArray;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.LongArray;

/** Java kernels the H200 run (CudaDeviceRun) times through the JIT and the PTX backend (kept outside backend/, which the JIT treats as host code). */
public final class GpuBenchKernels {
    /** Threads per row in {@link #gemvBf16}; launch with local size {@value}. */
    public static final int GEMV_THREADS = 128;

    private GpuBenchKernels() {
    }

    /** Does nothing: measures launch cost. */
    public static void empty(FloatArray unused) {
    }

    /**
     * y[row] = Σ_c W[row][c] · x[c] with W in bf16, read as longs of four bf16 (little-endian: element
     * 4q is the low 16 bits). One work-group of {@link #GEMV_THREADS} per row; each thread keeps four
     * independent 8-byte loads in flight per step, then the group reduces in shared memory.
     * w: [rows][cols/4] longs, x: [cols], y: [rows]; cols % 4 == 0.
     */
    public static void gemvBf16(KernelContext ctx, LongArray w, FloatArray x, FloatArray y, int cols) {
        float[] partial = ctx.allocateFloatLocalArray(GEMV_THREADS);
        int row = ctx.groupIdx;
        int lid = ctx.localIdx;
        int quads = cols / 4;
        int rowBase = row * quads;
        float sum = 0f;
        for (int q = lid; q < quads; q += 4 * GEMV_THREADS) {
            long p0 = w.get(rowBase + q);
            long p1 = q + GEMV_THREADS < quads ? w.get(rowBase + q + GEMV_THREADS) : 0L;
            long p2 = q + 2 * GEMV_THREADS < quads ? w.get(rowBase + q + 2 * GEMV_THREADS) : 0L;
            long p3 = q + 3 * GEMV_THREADS < quads ? w.get(rowBase + q + 3 * GEMV_THREADS) : 0L;
            sum += dot4(p0, x, 4 * q);
            if (q + GEMV_THREADS < quads) {
                sum += dot4(p1, x, 4 * (q + GEMV_THREADS));
            }
            if (q + 2 * GEMV_THREADS < quads) {
                sum += dot4(p2, x, 4 * (q + 2 * GEMV_THREADS));
            }
            if (q + 3 * GEMV_THREADS < quads) {
                sum += dot4(p3, x, 4 * (q + 3 * GEMV_THREADS));
            }
        }
        partial[lid] = sum;
        ctx.localBarrier();
        for (int stride = GEMV_THREADS / 2; stride > 0; stride >>= 1) {
            if (lid < stride) {
                partial[lid] += partial[lid + stride];
            }
            ctx.localBarrier();
        }
        if (lid == 0) {
            y.set(row, partial[0]);
        }
    }

    /** Rows per work-group and threads per row in {@link #gemvBf16Rows4}; launch with local size 256. */
    public static final int ROWS_PER_GROUP = 4;
    public static final int ROW_THREADS = 64;

    /**
     * The same GEMV with 4 rows per 256-thread work-group (64 threads per row): twice the loads per thread
     * in flight and one shared 6-step reduction for 4 rows, so fewer barriers per byte. Grid: rows/4 groups.
     */
    public static void gemvBf16Rows4(KernelContext ctx, LongArray w, FloatArray x, FloatArray y, int cols) {
        float[] partial = ctx.allocateFloatLocalArray(ROWS_PER_GROUP * ROW_THREADS);
        int lid = ctx.localIdx;
        int sub = lid / ROW_THREADS;      // which row of the group
        int lane = lid % ROW_THREADS;     // position within the row
        int row = ctx.groupIdx * ROWS_PER_GROUP + sub;
        int quads = cols / 4;
        int rowBase = row * quads;
        float sum = 0f;
        for (int q = lane; q < quads; q += 4 * ROW_THREADS) {
            long p0 = w.get(rowBase + q);
            long p1 = q + ROW_THREADS < quads ? w.get(rowBase + q + ROW_THREADS) : 0L;
            long p2 = q + 2 * ROW_THREADS < quads ? w.get(rowBase + q + 2 * ROW_THREADS) : 0L;
            long p3 = q + 3 * ROW_THREADS < quads ? w.get(rowBase + q + 3 * ROW_THREADS) : 0L;
            sum += dot4(p0, x, 4 * q);
            if (q + ROW_THREADS < quads) {
                sum += dot4(p1, x, 4 * (q + ROW_THREADS));
            }
            if (q + 2 * ROW_THREADS < quads) {
                sum += dot4(p2, x, 4 * (q + 2 * ROW_THREADS));
            }
            if (q + 3 * ROW_THREADS < quads) {
                sum += dot4(p3, x, 4 * (q + 3 * ROW_THREADS));
            }
        }
        partial[lid] = sum;
        ctx.localBarrier();
        for (int stride = ROW_THREADS / 2; stride > 0; stride >>= 1) {
            if (lane < stride) {
                partial[lid] += partial[lid + stride];
            }
            ctx.localBarrier();
        }
        if (lane == 0) {
            y.set(row, partial[lid]);
        }
    }

    /** Rows per 256-thread work-group in {@link #gemvBf16Warp}: one warp per row. */
    public static final int WARP_ROWS_PER_GROUP = 8;

    /**
     * The model's layout: W a BFloat16Array [rows][cols] read with getBits4 (one 8-byte load of 4 bf16), one warp
     * per row (8 rows per 256-thread group), four loads in flight per lane, then warpSum: no shared memory and no
     * barrier on PTX. Grid: rows/8 groups of 256. cols % 4 == 0.
     */
    public static void gemvBf16Warp(KernelContext ctx, BFloat16Array w, FloatArray x, FloatArray y, int cols) {
        int lane = ctx.localIdx % KernelContext.WARP_SIZE;
        int row = ctx.groupIdx * WARP_ROWS_PER_GROUP + ctx.localIdx / KernelContext.WARP_SIZE;
        int rowBase = row * cols;
        int stride = 4 * KernelContext.WARP_SIZE; // columns one pass of the warp covers
        float sum = 0f;
        for (int c = 4 * lane; c < cols; c += 4 * stride) {
            long p0 = w.getBits4(rowBase + c);
            long p1 = c + stride < cols ? w.getBits4(rowBase + c + stride) : 0L;
            long p2 = c + 2 * stride < cols ? w.getBits4(rowBase + c + 2 * stride) : 0L;
            long p3 = c + 3 * stride < cols ? w.getBits4(rowBase + c + 3 * stride) : 0L;
            sum += dot4(p0, x, c);
            if (c + stride < cols) {
                sum += dot4(p1, x, c + stride);
            }
            if (c + 2 * stride < cols) {
                sum += dot4(p2, x, c + 2 * stride);
            }
            if (c + 3 * stride < cols) {
                sum += dot4(p3, x, c + 3 * stride);
            }
        }
        float total = ctx.warpSum(sum);
        if (lane == 0) {
            y.set(row, total);
        }
    }

    /** Four bf16 of {@code packed} (widened exactly: bits << 16) dotted with x[c..c+3]. */
    private static float dot4(long packed, FloatArray x, int c) {
        int lo = (int) packed;
        int hi = (int) (packed >>> 32);
        return Float.intBitsToFloat(lo << 16) * x.get(c)
                + Float.intBitsToFloat(lo & 0xFFFF0000) * x.get(c + 1)
                + Float.intBitsToFloat(hi << 16) * x.get(c + 2)
                + Float.intBitsToFloat(hi & 0xFFFF0000) * x.get(c + 3);
    }

    // ---- accuracy sweeps: out[i] = f(in[i]) for the PTX math lowerings (compared with Java in ULPs) ----

    public static void expF(FloatArray in, FloatArray out) {
        for (@Parallel int i = 0; i < in.getSize(); i++) {
            out.set(i, TornadoMath.exp(in.get(i)));
        }
    }

    public static void logF(FloatArray in, FloatArray out) {
        for (@Parallel int i = 0; i < in.getSize(); i++) {
            out.set(i, TornadoMath.log(in.get(i)));
        }
    }

    public static void sinF(FloatArray in, FloatArray out) {
        for (@Parallel int i = 0; i < in.getSize(); i++) {
            out.set(i, TornadoMath.sin(in.get(i)));
        }
    }

    public static void cosF(FloatArray in, FloatArray out) {
        for (@Parallel int i = 0; i < in.getSize(); i++) {
            out.set(i, TornadoMath.cos(in.get(i)));
        }
    }

    public static void tanhF(FloatArray in, FloatArray out) {
        for (@Parallel int i = 0; i < in.getSize(); i++) {
            out.set(i, TornadoMath.tanh(in.get(i)));
        }
    }

    public static void rsqrtF(FloatArray in, FloatArray out) {
        for (@Parallel int i = 0; i < in.getSize(); i++) {
            out.set(i, TornadoMath.rsqrt(in.get(i)));
        }
    }

    public static void sqrtF(FloatArray in, FloatArray out) {
        for (@Parallel int i = 0; i < in.getSize(); i++) {
            out.set(i, TornadoMath.sqrt(in.get(i)));
        }
    }

    /** pow(in[i], 2.5 − in[i] / 8): bases and exponents both vary. */
    public static void powF(FloatArray in, FloatArray out) {
        for (@Parallel int i = 0; i < in.getSize(); i++) {
            float x = in.get(i);
            out.set(i, TornadoMath.pow(x, 2.5f - x / 8f));
        }
    }

    public static void remF(FloatArray in, FloatArray out) {
        for (@Parallel int i = 0; i < in.getSize(); i++) {
            out.set(i, in.get(i) % 0.7f);
        }
    }

    public static void expD(DoubleArray in, DoubleArray out) {
        for (@Parallel int i = 0; i < in.getSize(); i++) {
            out.set(i, Math.exp(in.get(i)));
        }
    }

    public static void logD(DoubleArray in, DoubleArray out) {
        for (@Parallel int i = 0; i < in.getSize(); i++) {
            out.set(i, Math.log(in.get(i)));
        }
    }
}
