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

    /** Output block of {@link #gemmBf16Mma}: BLOCK x BLOCK outputs per work-group of MMA_GEMM_THREADS (8 warps, 2 x 4). */
    public static final int MMA_BLOCK = 128;
    /** Work-items per group of {@link #gemmBf16Mma}. */
    public static final int MMA_GEMM_THREADS = 256;
    /** k per shared-memory stage of {@link #gemmBf16Mma}. */
    public static final int MMA_BK = 32;
    /** Ints per staged row: 16 (32 bf16) + 4 padding, so fragment reads of 8 rows x 4 lanes hit 32 distinct banks. */
    static final int MMA_ROW_INTS = 20;

    /**
     * out = a · wᵀ on tensor cores (KernelContext.mmaBf16, fp32 accumulation): a [m][k] bf16 row-major, w [n][k] bf16
     * (weights as stored: k contiguous), out [m][n] fp32; m, n multiples of {@value #MMA_BLOCK}, k of {@value #MMA_BK}.
     * 1D grid of (m/128)·(n/128) groups of 256: each warp owns a 64 x 32 block (4 x 4 tiles of 16 x 8, 64 fp32
     * accumulators per lane). Per 32-wide k stage the group stages 128 rows of a and w in local memory (8-byte
     * global loads, prefetched into registers during the previous stage's MMAs), then each warp issues 32 mma.sync.
     * Flops 2mnk; bytes per stage 16 KiB for 1 MFLOP.
     */
    public static void gemmBf16Mma(KernelContext ctx, BFloat16Array a, BFloat16Array w, FloatArray out, int m, int n, int k) {
        int[] sA = ctx.allocateIntLocalArray(MMA_BLOCK * MMA_ROW_INTS); // [128 rows of a][32 bf16 + pad]
        int[] sW = ctx.allocateIntLocalArray(MMA_BLOCK * MMA_ROW_INTS); // [128 rows of w][32 bf16 + pad]
        int tid = ctx.localIdx;
        int warp = tid >> 5, lane = tid & 31, g = lane >> 2, t = lane & 3;
        int blocksN = n / MMA_BLOCK;
        int row0 = (ctx.groupIdx / blocksN) * MMA_BLOCK, col0 = (ctx.groupIdx % blocksN) * MMA_BLOCK;
        int wm = (warp >> 2) * 64, wn = (warp & 3) * 32; // this warp's block inside the group's
        // staging: work-item tid moves 8-byte chunks tid + 256 j (j = 0..3): row = chunk / 8, quad = chunk % 8
        int sRow = tid >> 3, sQuad = tid & 7;
        int aAt = (row0 + sRow) * k + 4 * sQuad, wAt = (col0 + sRow) * k + 4 * sQuad;
        int rowStride = 32 * k; // 32 rows further per j
        long pa0 = a.getBits4(aAt), pw0 = w.getBits4(wAt);
        long pa1 = a.getBits4(aAt + 1 * rowStride), pw1 = w.getBits4(wAt + 1 * rowStride);
        long pa2 = a.getBits4(aAt + 2 * rowStride), pw2 = w.getBits4(wAt + 2 * rowStride);
        long pa3 = a.getBits4(aAt + 3 * rowStride), pw3 = w.getBits4(wAt + 3 * rowStride);
        float c00_0 = 0f, c00_1 = 0f, c00_2 = 0f, c00_3 = 0f;
        float c01_0 = 0f, c01_1 = 0f, c01_2 = 0f, c01_3 = 0f;
        float c02_0 = 0f, c02_1 = 0f, c02_2 = 0f, c02_3 = 0f;
        float c03_0 = 0f, c03_1 = 0f, c03_2 = 0f, c03_3 = 0f;
        float c10_0 = 0f, c10_1 = 0f, c10_2 = 0f, c10_3 = 0f;
        float c11_0 = 0f, c11_1 = 0f, c11_2 = 0f, c11_3 = 0f;
        float c12_0 = 0f, c12_1 = 0f, c12_2 = 0f, c12_3 = 0f;
        float c13_0 = 0f, c13_1 = 0f, c13_2 = 0f, c13_3 = 0f;
        float c20_0 = 0f, c20_1 = 0f, c20_2 = 0f, c20_3 = 0f;
        float c21_0 = 0f, c21_1 = 0f, c21_2 = 0f, c21_3 = 0f;
        float c22_0 = 0f, c22_1 = 0f, c22_2 = 0f, c22_3 = 0f;
        float c23_0 = 0f, c23_1 = 0f, c23_2 = 0f, c23_3 = 0f;
        float c30_0 = 0f, c30_1 = 0f, c30_2 = 0f, c30_3 = 0f;
        float c31_0 = 0f, c31_1 = 0f, c31_2 = 0f, c31_3 = 0f;
        float c32_0 = 0f, c32_1 = 0f, c32_2 = 0f, c32_3 = 0f;
        float c33_0 = 0f, c33_1 = 0f, c33_2 = 0f, c33_3 = 0f;
        int sOwn = sRow * MMA_ROW_INTS + 2 * sQuad;
        int fa = (wm + g) * MMA_ROW_INTS + t, fw = (wn + g) * MMA_ROW_INTS + t; // fragment bases (row g, ints t)
        for (int k0 = 0; k0 < k; k0 += MMA_BK) {
            sA[sOwn] = (int) pa0;
            sA[sOwn + 1] = (int) (pa0 >>> 32);
            sW[sOwn] = (int) pw0;
            sW[sOwn + 1] = (int) (pw0 >>> 32);
            sA[sOwn + 1 * 32 * MMA_ROW_INTS] = (int) pa1;
            sA[sOwn + 1 * 32 * MMA_ROW_INTS + 1] = (int) (pa1 >>> 32);
            sW[sOwn + 1 * 32 * MMA_ROW_INTS] = (int) pw1;
            sW[sOwn + 1 * 32 * MMA_ROW_INTS + 1] = (int) (pw1 >>> 32);
            sA[sOwn + 2 * 32 * MMA_ROW_INTS] = (int) pa2;
            sA[sOwn + 2 * 32 * MMA_ROW_INTS + 1] = (int) (pa2 >>> 32);
            sW[sOwn + 2 * 32 * MMA_ROW_INTS] = (int) pw2;
            sW[sOwn + 2 * 32 * MMA_ROW_INTS + 1] = (int) (pw2 >>> 32);
            sA[sOwn + 3 * 32 * MMA_ROW_INTS] = (int) pa3;
            sA[sOwn + 3 * 32 * MMA_ROW_INTS + 1] = (int) (pa3 >>> 32);
            sW[sOwn + 3 * 32 * MMA_ROW_INTS] = (int) pw3;
            sW[sOwn + 3 * 32 * MMA_ROW_INTS + 1] = (int) (pw3 >>> 32);
            ctx.localBarrier();
            if (k0 + MMA_BK < k) { // prefetch the next stage: its loads overlap this stage's MMAs
                pa0 = a.getBits4(aAt + k0 + MMA_BK);
                pw0 = w.getBits4(wAt + k0 + MMA_BK);
                pa1 = a.getBits4(aAt + k0 + MMA_BK + 1 * rowStride);
                pw1 = w.getBits4(wAt + k0 + MMA_BK + 1 * rowStride);
                pa2 = a.getBits4(aAt + k0 + MMA_BK + 2 * rowStride);
                pw2 = w.getBits4(wAt + k0 + MMA_BK + 2 * rowStride);
                pa3 = a.getBits4(aAt + k0 + MMA_BK + 3 * rowStride);
                pw3 = w.getBits4(wAt + k0 + MMA_BK + 3 * rowStride);
            }
            { // k step 0..15 of the stage: fragments, then 16 MMAs
                int a00 = sA[fa], a01 = sA[fa + (8 * MMA_ROW_INTS)], a02 = sA[fa + 4], a03 = sA[fa + (8 * MMA_ROW_INTS + 4)];
                int a10 = sA[fa + (16 * MMA_ROW_INTS)], a11 = sA[fa + (16 * MMA_ROW_INTS + 8 * MMA_ROW_INTS)], a12 = sA[fa + (16 * MMA_ROW_INTS + 4)], a13 = sA[fa + (16 * MMA_ROW_INTS + 8 * MMA_ROW_INTS + 4)];
                int a20 = sA[fa + (32 * MMA_ROW_INTS)], a21 = sA[fa + (32 * MMA_ROW_INTS + 8 * MMA_ROW_INTS)], a22 = sA[fa + (32 * MMA_ROW_INTS + 4)], a23 = sA[fa + (32 * MMA_ROW_INTS + 8 * MMA_ROW_INTS + 4)];
                int a30 = sA[fa + (48 * MMA_ROW_INTS)], a31 = sA[fa + (48 * MMA_ROW_INTS + 8 * MMA_ROW_INTS)], a32 = sA[fa + (48 * MMA_ROW_INTS + 4)], a33 = sA[fa + (48 * MMA_ROW_INTS + 8 * MMA_ROW_INTS + 4)];
                int b00 = sW[fw], b01 = sW[fw + 4];
                int b10 = sW[fw + (8 * MMA_ROW_INTS)], b11 = sW[fw + (8 * MMA_ROW_INTS + 4)];
                int b20 = sW[fw + (16 * MMA_ROW_INTS)], b21 = sW[fw + (16 * MMA_ROW_INTS + 4)];
                int b30 = sW[fw + (24 * MMA_ROW_INTS)], b31 = sW[fw + (24 * MMA_ROW_INTS + 4)];
                ctx.mmaBf16(a00, a01, a02, a03, b00, b01, c00_0, c00_1, c00_2, c00_3);
                c00_0 = ctx.mmaResult(0); c00_1 = ctx.mmaResult(1); c00_2 = ctx.mmaResult(2); c00_3 = ctx.mmaResult(3);
                ctx.mmaBf16(a00, a01, a02, a03, b10, b11, c01_0, c01_1, c01_2, c01_3);
                c01_0 = ctx.mmaResult(0); c01_1 = ctx.mmaResult(1); c01_2 = ctx.mmaResult(2); c01_3 = ctx.mmaResult(3);
                ctx.mmaBf16(a00, a01, a02, a03, b20, b21, c02_0, c02_1, c02_2, c02_3);
                c02_0 = ctx.mmaResult(0); c02_1 = ctx.mmaResult(1); c02_2 = ctx.mmaResult(2); c02_3 = ctx.mmaResult(3);
                ctx.mmaBf16(a00, a01, a02, a03, b30, b31, c03_0, c03_1, c03_2, c03_3);
                c03_0 = ctx.mmaResult(0); c03_1 = ctx.mmaResult(1); c03_2 = ctx.mmaResult(2); c03_3 = ctx.mmaResult(3);
                ctx.mmaBf16(a10, a11, a12, a13, b00, b01, c10_0, c10_1, c10_2, c10_3);
                c10_0 = ctx.mmaResult(0); c10_1 = ctx.mmaResult(1); c10_2 = ctx.mmaResult(2); c10_3 = ctx.mmaResult(3);
                ctx.mmaBf16(a10, a11, a12, a13, b10, b11, c11_0, c11_1, c11_2, c11_3);
                c11_0 = ctx.mmaResult(0); c11_1 = ctx.mmaResult(1); c11_2 = ctx.mmaResult(2); c11_3 = ctx.mmaResult(3);
                ctx.mmaBf16(a10, a11, a12, a13, b20, b21, c12_0, c12_1, c12_2, c12_3);
                c12_0 = ctx.mmaResult(0); c12_1 = ctx.mmaResult(1); c12_2 = ctx.mmaResult(2); c12_3 = ctx.mmaResult(3);
                ctx.mmaBf16(a10, a11, a12, a13, b30, b31, c13_0, c13_1, c13_2, c13_3);
                c13_0 = ctx.mmaResult(0); c13_1 = ctx.mmaResult(1); c13_2 = ctx.mmaResult(2); c13_3 = ctx.mmaResult(3);
                ctx.mmaBf16(a20, a21, a22, a23, b00, b01, c20_0, c20_1, c20_2, c20_3);
                c20_0 = ctx.mmaResult(0); c20_1 = ctx.mmaResult(1); c20_2 = ctx.mmaResult(2); c20_3 = ctx.mmaResult(3);
                ctx.mmaBf16(a20, a21, a22, a23, b10, b11, c21_0, c21_1, c21_2, c21_3);
                c21_0 = ctx.mmaResult(0); c21_1 = ctx.mmaResult(1); c21_2 = ctx.mmaResult(2); c21_3 = ctx.mmaResult(3);
                ctx.mmaBf16(a20, a21, a22, a23, b20, b21, c22_0, c22_1, c22_2, c22_3);
                c22_0 = ctx.mmaResult(0); c22_1 = ctx.mmaResult(1); c22_2 = ctx.mmaResult(2); c22_3 = ctx.mmaResult(3);
                ctx.mmaBf16(a20, a21, a22, a23, b30, b31, c23_0, c23_1, c23_2, c23_3);
                c23_0 = ctx.mmaResult(0); c23_1 = ctx.mmaResult(1); c23_2 = ctx.mmaResult(2); c23_3 = ctx.mmaResult(3);
                ctx.mmaBf16(a30, a31, a32, a33, b00, b01, c30_0, c30_1, c30_2, c30_3);
                c30_0 = ctx.mmaResult(0); c30_1 = ctx.mmaResult(1); c30_2 = ctx.mmaResult(2); c30_3 = ctx.mmaResult(3);
                ctx.mmaBf16(a30, a31, a32, a33, b10, b11, c31_0, c31_1, c31_2, c31_3);
                c31_0 = ctx.mmaResult(0); c31_1 = ctx.mmaResult(1); c31_2 = ctx.mmaResult(2); c31_3 = ctx.mmaResult(3);
                ctx.mmaBf16(a30, a31, a32, a33, b20, b21, c32_0, c32_1, c32_2, c32_3);
                c32_0 = ctx.mmaResult(0); c32_1 = ctx.mmaResult(1); c32_2 = ctx.mmaResult(2); c32_3 = ctx.mmaResult(3);
                ctx.mmaBf16(a30, a31, a32, a33, b30, b31, c33_0, c33_1, c33_2, c33_3);
                c33_0 = ctx.mmaResult(0); c33_1 = ctx.mmaResult(1); c33_2 = ctx.mmaResult(2); c33_3 = ctx.mmaResult(3);
            }
            { // k step 16..31 of the stage
                int a00 = sA[fa + 8], a01 = sA[fa + (8 + 8 * MMA_ROW_INTS)], a02 = sA[fa + (8 + 4)], a03 = sA[fa + (8 + 8 * MMA_ROW_INTS + 4)];
                int a10 = sA[fa + (16 * MMA_ROW_INTS + 8)], a11 = sA[fa + (16 * MMA_ROW_INTS + 8 + 8 * MMA_ROW_INTS)], a12 = sA[fa + (16 * MMA_ROW_INTS + 8 + 4)], a13 = sA[fa + (16 * MMA_ROW_INTS + 8 + 8 * MMA_ROW_INTS + 4)];
                int a20 = sA[fa + (32 * MMA_ROW_INTS + 8)], a21 = sA[fa + (32 * MMA_ROW_INTS + 8 + 8 * MMA_ROW_INTS)], a22 = sA[fa + (32 * MMA_ROW_INTS + 8 + 4)], a23 = sA[fa + (32 * MMA_ROW_INTS + 8 + 8 * MMA_ROW_INTS + 4)];
                int a30 = sA[fa + (48 * MMA_ROW_INTS + 8)], a31 = sA[fa + (48 * MMA_ROW_INTS + 8 + 8 * MMA_ROW_INTS)], a32 = sA[fa + (48 * MMA_ROW_INTS + 8 + 4)], a33 = sA[fa + (48 * MMA_ROW_INTS + 8 + 8 * MMA_ROW_INTS + 4)];
                int b00 = sW[fw + 8], b01 = sW[fw + (8 + 4)];
                int b10 = sW[fw + (8 * MMA_ROW_INTS + 8)], b11 = sW[fw + (8 * MMA_ROW_INTS + 8 + 4)];
                int b20 = sW[fw + (16 * MMA_ROW_INTS + 8)], b21 = sW[fw + (16 * MMA_ROW_INTS + 8 + 4)];
                int b30 = sW[fw + (24 * MMA_ROW_INTS + 8)], b31 = sW[fw + (24 * MMA_ROW_INTS + 8 + 4)];
                ctx.mmaBf16(a00, a01, a02, a03, b00, b01, c00_0, c00_1, c00_2, c00_3);
                c00_0 = ctx.mmaResult(0); c00_1 = ctx.mmaResult(1); c00_2 = ctx.mmaResult(2); c00_3 = ctx.mmaResult(3);
                ctx.mmaBf16(a00, a01, a02, a03, b10, b11, c01_0, c01_1, c01_2, c01_3);
                c01_0 = ctx.mmaResult(0); c01_1 = ctx.mmaResult(1); c01_2 = ctx.mmaResult(2); c01_3 = ctx.mmaResult(3);
                ctx.mmaBf16(a00, a01, a02, a03, b20, b21, c02_0, c02_1, c02_2, c02_3);
                c02_0 = ctx.mmaResult(0); c02_1 = ctx.mmaResult(1); c02_2 = ctx.mmaResult(2); c02_3 = ctx.mmaResult(3);
                ctx.mmaBf16(a00, a01, a02, a03, b30, b31, c03_0, c03_1, c03_2, c03_3);
                c03_0 = ctx.mmaResult(0); c03_1 = ctx.mmaResult(1); c03_2 = ctx.mmaResult(2); c03_3 = ctx.mmaResult(3);
                ctx.mmaBf16(a10, a11, a12, a13, b00, b01, c10_0, c10_1, c10_2, c10_3);
                c10_0 = ctx.mmaResult(0); c10_1 = ctx.mmaResult(1); c10_2 = ctx.mmaResult(2); c10_3 = ctx.mmaResult(3);
                ctx.mmaBf16(a10, a11, a12, a13, b10, b11, c11_0, c11_1, c11_2, c11_3);
                c11_0 = ctx.mmaResult(0); c11_1 = ctx.mmaResult(1); c11_2 = ctx.mmaResult(2); c11_3 = ctx.mmaResult(3);
                ctx.mmaBf16(a10, a11, a12, a13, b20, b21, c12_0, c12_1, c12_2, c12_3);
                c12_0 = ctx.mmaResult(0); c12_1 = ctx.mmaResult(1); c12_2 = ctx.mmaResult(2); c12_3 = ctx.mmaResult(3);
                ctx.mmaBf16(a10, a11, a12, a13, b30, b31, c13_0, c13_1, c13_2, c13_3);
                c13_0 = ctx.mmaResult(0); c13_1 = ctx.mmaResult(1); c13_2 = ctx.mmaResult(2); c13_3 = ctx.mmaResult(3);
                ctx.mmaBf16(a20, a21, a22, a23, b00, b01, c20_0, c20_1, c20_2, c20_3);
                c20_0 = ctx.mmaResult(0); c20_1 = ctx.mmaResult(1); c20_2 = ctx.mmaResult(2); c20_3 = ctx.mmaResult(3);
                ctx.mmaBf16(a20, a21, a22, a23, b10, b11, c21_0, c21_1, c21_2, c21_3);
                c21_0 = ctx.mmaResult(0); c21_1 = ctx.mmaResult(1); c21_2 = ctx.mmaResult(2); c21_3 = ctx.mmaResult(3);
                ctx.mmaBf16(a20, a21, a22, a23, b20, b21, c22_0, c22_1, c22_2, c22_3);
                c22_0 = ctx.mmaResult(0); c22_1 = ctx.mmaResult(1); c22_2 = ctx.mmaResult(2); c22_3 = ctx.mmaResult(3);
                ctx.mmaBf16(a20, a21, a22, a23, b30, b31, c23_0, c23_1, c23_2, c23_3);
                c23_0 = ctx.mmaResult(0); c23_1 = ctx.mmaResult(1); c23_2 = ctx.mmaResult(2); c23_3 = ctx.mmaResult(3);
                ctx.mmaBf16(a30, a31, a32, a33, b00, b01, c30_0, c30_1, c30_2, c30_3);
                c30_0 = ctx.mmaResult(0); c30_1 = ctx.mmaResult(1); c30_2 = ctx.mmaResult(2); c30_3 = ctx.mmaResult(3);
                ctx.mmaBf16(a30, a31, a32, a33, b10, b11, c31_0, c31_1, c31_2, c31_3);
                c31_0 = ctx.mmaResult(0); c31_1 = ctx.mmaResult(1); c31_2 = ctx.mmaResult(2); c31_3 = ctx.mmaResult(3);
                ctx.mmaBf16(a30, a31, a32, a33, b20, b21, c32_0, c32_1, c32_2, c32_3);
                c32_0 = ctx.mmaResult(0); c32_1 = ctx.mmaResult(1); c32_2 = ctx.mmaResult(2); c32_3 = ctx.mmaResult(3);
                ctx.mmaBf16(a30, a31, a32, a33, b30, b31, c33_0, c33_1, c33_2, c33_3);
                c33_0 = ctx.mmaResult(0); c33_1 = ctx.mmaResult(1); c33_2 = ctx.mmaResult(2); c33_3 = ctx.mmaResult(3);
            }
            ctx.localBarrier();
        }
        storePair(out, (row0 + wm + g) * n + col0 + wn + 2 * t, c00_0, c00_1);
        storePair(out, (row0 + wm + g + 8) * n + col0 + wn + 2 * t, c00_2, c00_3);
        storePair(out, (row0 + wm + g) * n + col0 + wn + 8 + 2 * t, c01_0, c01_1);
        storePair(out, (row0 + wm + g + 8) * n + col0 + wn + 8 + 2 * t, c01_2, c01_3);
        storePair(out, (row0 + wm + g) * n + col0 + wn + 16 + 2 * t, c02_0, c02_1);
        storePair(out, (row0 + wm + g + 8) * n + col0 + wn + 16 + 2 * t, c02_2, c02_3);
        storePair(out, (row0 + wm + g) * n + col0 + wn + 24 + 2 * t, c03_0, c03_1);
        storePair(out, (row0 + wm + g + 8) * n + col0 + wn + 24 + 2 * t, c03_2, c03_3);
        storePair(out, (row0 + wm + 16 + g) * n + col0 + wn + 2 * t, c10_0, c10_1);
        storePair(out, (row0 + wm + 16 + g + 8) * n + col0 + wn + 2 * t, c10_2, c10_3);
        storePair(out, (row0 + wm + 16 + g) * n + col0 + wn + 8 + 2 * t, c11_0, c11_1);
        storePair(out, (row0 + wm + 16 + g + 8) * n + col0 + wn + 8 + 2 * t, c11_2, c11_3);
        storePair(out, (row0 + wm + 16 + g) * n + col0 + wn + 16 + 2 * t, c12_0, c12_1);
        storePair(out, (row0 + wm + 16 + g + 8) * n + col0 + wn + 16 + 2 * t, c12_2, c12_3);
        storePair(out, (row0 + wm + 16 + g) * n + col0 + wn + 24 + 2 * t, c13_0, c13_1);
        storePair(out, (row0 + wm + 16 + g + 8) * n + col0 + wn + 24 + 2 * t, c13_2, c13_3);
        storePair(out, (row0 + wm + 32 + g) * n + col0 + wn + 2 * t, c20_0, c20_1);
        storePair(out, (row0 + wm + 32 + g + 8) * n + col0 + wn + 2 * t, c20_2, c20_3);
        storePair(out, (row0 + wm + 32 + g) * n + col0 + wn + 8 + 2 * t, c21_0, c21_1);
        storePair(out, (row0 + wm + 32 + g + 8) * n + col0 + wn + 8 + 2 * t, c21_2, c21_3);
        storePair(out, (row0 + wm + 32 + g) * n + col0 + wn + 16 + 2 * t, c22_0, c22_1);
        storePair(out, (row0 + wm + 32 + g + 8) * n + col0 + wn + 16 + 2 * t, c22_2, c22_3);
        storePair(out, (row0 + wm + 32 + g) * n + col0 + wn + 24 + 2 * t, c23_0, c23_1);
        storePair(out, (row0 + wm + 32 + g + 8) * n + col0 + wn + 24 + 2 * t, c23_2, c23_3);
        storePair(out, (row0 + wm + 48 + g) * n + col0 + wn + 2 * t, c30_0, c30_1);
        storePair(out, (row0 + wm + 48 + g + 8) * n + col0 + wn + 2 * t, c30_2, c30_3);
        storePair(out, (row0 + wm + 48 + g) * n + col0 + wn + 8 + 2 * t, c31_0, c31_1);
        storePair(out, (row0 + wm + 48 + g + 8) * n + col0 + wn + 8 + 2 * t, c31_2, c31_3);
        storePair(out, (row0 + wm + 48 + g) * n + col0 + wn + 16 + 2 * t, c32_0, c32_1);
        storePair(out, (row0 + wm + 48 + g + 8) * n + col0 + wn + 16 + 2 * t, c32_2, c32_3);
        storePair(out, (row0 + wm + 48 + g) * n + col0 + wn + 24 + 2 * t, c33_0, c33_1);
        storePair(out, (row0 + wm + 48 + g + 8) * n + col0 + wn + 24 + 2 * t, c33_2, c33_3);
    }

    /**
     * {@link #gemmBf16Mma} with two local-memory stages (2 x 20 KiB): the next stage is stored into the other buffer
     * after this stage's MMAs, so one barrier per 32-wide k stage instead of two. Same shapes, grid and results.
     */
    public static void gemmBf16MmaDoubleBuffered(KernelContext ctx, BFloat16Array a, BFloat16Array w, FloatArray out, int m, int n, int k) {
        int[] sA = ctx.allocateIntLocalArray(2 * MMA_BLOCK * MMA_ROW_INTS); // [2 stages][128 rows of a][32 bf16 + pad]
        int[] sW = ctx.allocateIntLocalArray(2 * MMA_BLOCK * MMA_ROW_INTS); // [2 stages][128 rows of w][32 bf16 + pad]
        int tid = ctx.localIdx;
        int warp = tid >> 5, lane = tid & 31, g = lane >> 2, t = lane & 3;
        int blocksN = n / MMA_BLOCK;
        int row0 = (ctx.groupIdx / blocksN) * MMA_BLOCK, col0 = (ctx.groupIdx % blocksN) * MMA_BLOCK;
        int wm = (warp >> 2) * 64, wn = (warp & 3) * 32; // this warp's block inside the group's
        // staging: work-item tid moves 8-byte chunks tid + 256 j (j = 0..3): row = chunk / 8, quad = chunk % 8
        int sRow = tid >> 3, sQuad = tid & 7;
        int aAt = (row0 + sRow) * k + 4 * sQuad, wAt = (col0 + sRow) * k + 4 * sQuad;
        int rowStride = 32 * k; // 32 rows further per j
        long pa0 = a.getBits4(aAt), pw0 = w.getBits4(wAt);
        long pa1 = a.getBits4(aAt + 1 * rowStride), pw1 = w.getBits4(wAt + 1 * rowStride);
        long pa2 = a.getBits4(aAt + 2 * rowStride), pw2 = w.getBits4(wAt + 2 * rowStride);
        long pa3 = a.getBits4(aAt + 3 * rowStride), pw3 = w.getBits4(wAt + 3 * rowStride);
        float c00_0 = 0f, c00_1 = 0f, c00_2 = 0f, c00_3 = 0f;
        float c01_0 = 0f, c01_1 = 0f, c01_2 = 0f, c01_3 = 0f;
        float c02_0 = 0f, c02_1 = 0f, c02_2 = 0f, c02_3 = 0f;
        float c03_0 = 0f, c03_1 = 0f, c03_2 = 0f, c03_3 = 0f;
        float c10_0 = 0f, c10_1 = 0f, c10_2 = 0f, c10_3 = 0f;
        float c11_0 = 0f, c11_1 = 0f, c11_2 = 0f, c11_3 = 0f;
        float c12_0 = 0f, c12_1 = 0f, c12_2 = 0f, c12_3 = 0f;
        float c13_0 = 0f, c13_1 = 0f, c13_2 = 0f, c13_3 = 0f;
        float c20_0 = 0f, c20_1 = 0f, c20_2 = 0f, c20_3 = 0f;
        float c21_0 = 0f, c21_1 = 0f, c21_2 = 0f, c21_3 = 0f;
        float c22_0 = 0f, c22_1 = 0f, c22_2 = 0f, c22_3 = 0f;
        float c23_0 = 0f, c23_1 = 0f, c23_2 = 0f, c23_3 = 0f;
        float c30_0 = 0f, c30_1 = 0f, c30_2 = 0f, c30_3 = 0f;
        float c31_0 = 0f, c31_1 = 0f, c31_2 = 0f, c31_3 = 0f;
        float c32_0 = 0f, c32_1 = 0f, c32_2 = 0f, c32_3 = 0f;
        float c33_0 = 0f, c33_1 = 0f, c33_2 = 0f, c33_3 = 0f;
        int sOwn = sRow * MMA_ROW_INTS + 2 * sQuad;
        int fa = (wm + g) * MMA_ROW_INTS + t, fw = (wn + g) * MMA_ROW_INTS + t; // fragment bases (row g, ints t)
        // stage 0 into buffer 0; then per stage: prefetch the next from global, MMAs on this buffer, the next into the
        // other buffer, ONE barrier (the other buffer was last read before the previous barrier)
        sA[sOwn] = (int) pa0;
        sA[sOwn + 1] = (int) (pa0 >>> 32);
        sW[sOwn] = (int) pw0;
        sW[sOwn + 1] = (int) (pw0 >>> 32);
        sA[sOwn + 1 * 32 * MMA_ROW_INTS] = (int) pa1;
        sA[sOwn + 1 * 32 * MMA_ROW_INTS + 1] = (int) (pa1 >>> 32);
        sW[sOwn + 1 * 32 * MMA_ROW_INTS] = (int) pw1;
        sW[sOwn + 1 * 32 * MMA_ROW_INTS + 1] = (int) (pw1 >>> 32);
        sA[sOwn + 2 * 32 * MMA_ROW_INTS] = (int) pa2;
        sA[sOwn + 2 * 32 * MMA_ROW_INTS + 1] = (int) (pa2 >>> 32);
        sW[sOwn + 2 * 32 * MMA_ROW_INTS] = (int) pw2;
        sW[sOwn + 2 * 32 * MMA_ROW_INTS + 1] = (int) (pw2 >>> 32);
        sA[sOwn + 3 * 32 * MMA_ROW_INTS] = (int) pa3;
        sA[sOwn + 3 * 32 * MMA_ROW_INTS + 1] = (int) (pa3 >>> 32);
        sW[sOwn + 3 * 32 * MMA_ROW_INTS] = (int) pw3;
        sW[sOwn + 3 * 32 * MMA_ROW_INTS + 1] = (int) (pw3 >>> 32);
        ctx.localBarrier();
        for (int k0 = 0, cur = 0; k0 < k; k0 += MMA_BK, cur ^= MMA_BLOCK * MMA_ROW_INTS) {
            boolean more = k0 + MMA_BK < k;
            if (more) { // prefetch the next stage: its loads overlap this stage's MMAs
                pa0 = a.getBits4(aAt + k0 + MMA_BK);
                pw0 = w.getBits4(wAt + k0 + MMA_BK);
                pa1 = a.getBits4(aAt + k0 + MMA_BK + 1 * rowStride);
                pw1 = w.getBits4(wAt + k0 + MMA_BK + 1 * rowStride);
                pa2 = a.getBits4(aAt + k0 + MMA_BK + 2 * rowStride);
                pw2 = w.getBits4(wAt + k0 + MMA_BK + 2 * rowStride);
                pa3 = a.getBits4(aAt + k0 + MMA_BK + 3 * rowStride);
                pw3 = w.getBits4(wAt + k0 + MMA_BK + 3 * rowStride);
            }
            int ca = cur + fa, cw = cur + fw; // this stage's buffer
            { // k step 0..15 of the stage: fragments, then 16 MMAs
                int a00 = sA[ca], a01 = sA[ca + (8 * MMA_ROW_INTS)], a02 = sA[ca + 4], a03 = sA[ca + (8 * MMA_ROW_INTS + 4)];
                int a10 = sA[ca + (16 * MMA_ROW_INTS)], a11 = sA[ca + (16 * MMA_ROW_INTS + 8 * MMA_ROW_INTS)], a12 = sA[ca + (16 * MMA_ROW_INTS + 4)], a13 = sA[ca + (16 * MMA_ROW_INTS + 8 * MMA_ROW_INTS + 4)];
                int a20 = sA[ca + (32 * MMA_ROW_INTS)], a21 = sA[ca + (32 * MMA_ROW_INTS + 8 * MMA_ROW_INTS)], a22 = sA[ca + (32 * MMA_ROW_INTS + 4)], a23 = sA[ca + (32 * MMA_ROW_INTS + 8 * MMA_ROW_INTS + 4)];
                int a30 = sA[ca + (48 * MMA_ROW_INTS)], a31 = sA[ca + (48 * MMA_ROW_INTS + 8 * MMA_ROW_INTS)], a32 = sA[ca + (48 * MMA_ROW_INTS + 4)], a33 = sA[ca + (48 * MMA_ROW_INTS + 8 * MMA_ROW_INTS + 4)];
                int b00 = sW[cw], b01 = sW[cw + 4];
                int b10 = sW[cw + (8 * MMA_ROW_INTS)], b11 = sW[cw + (8 * MMA_ROW_INTS + 4)];
                int b20 = sW[cw + (16 * MMA_ROW_INTS)], b21 = sW[cw + (16 * MMA_ROW_INTS + 4)];
                int b30 = sW[cw + (24 * MMA_ROW_INTS)], b31 = sW[cw + (24 * MMA_ROW_INTS + 4)];
                ctx.mmaBf16(a00, a01, a02, a03, b00, b01, c00_0, c00_1, c00_2, c00_3);
                c00_0 = ctx.mmaResult(0); c00_1 = ctx.mmaResult(1); c00_2 = ctx.mmaResult(2); c00_3 = ctx.mmaResult(3);
                ctx.mmaBf16(a00, a01, a02, a03, b10, b11, c01_0, c01_1, c01_2, c01_3);
                c01_0 = ctx.mmaResult(0); c01_1 = ctx.mmaResult(1); c01_2 = ctx.mmaResult(2); c01_3 = ctx.mmaResult(3);
                ctx.mmaBf16(a00, a01, a02, a03, b20, b21, c02_0, c02_1, c02_2, c02_3);
                c02_0 = ctx.mmaResult(0); c02_1 = ctx.mmaResult(1); c02_2 = ctx.mmaResult(2); c02_3 = ctx.mmaResult(3);
                ctx.mmaBf16(a00, a01, a02, a03, b30, b31, c03_0, c03_1, c03_2, c03_3);
                c03_0 = ctx.mmaResult(0); c03_1 = ctx.mmaResult(1); c03_2 = ctx.mmaResult(2); c03_3 = ctx.mmaResult(3);
                ctx.mmaBf16(a10, a11, a12, a13, b00, b01, c10_0, c10_1, c10_2, c10_3);
                c10_0 = ctx.mmaResult(0); c10_1 = ctx.mmaResult(1); c10_2 = ctx.mmaResult(2); c10_3 = ctx.mmaResult(3);
                ctx.mmaBf16(a10, a11, a12, a13, b10, b11, c11_0, c11_1, c11_2, c11_3);
                c11_0 = ctx.mmaResult(0); c11_1 = ctx.mmaResult(1); c11_2 = ctx.mmaResult(2); c11_3 = ctx.mmaResult(3);
                ctx.mmaBf16(a10, a11, a12, a13, b20, b21, c12_0, c12_1, c12_2, c12_3);
                c12_0 = ctx.mmaResult(0); c12_1 = ctx.mmaResult(1); c12_2 = ctx.mmaResult(2); c12_3 = ctx.mmaResult(3);
                ctx.mmaBf16(a10, a11, a12, a13, b30, b31, c13_0, c13_1, c13_2, c13_3);
                c13_0 = ctx.mmaResult(0); c13_1 = ctx.mmaResult(1); c13_2 = ctx.mmaResult(2); c13_3 = ctx.mmaResult(3);
                ctx.mmaBf16(a20, a21, a22, a23, b00, b01, c20_0, c20_1, c20_2, c20_3);
                c20_0 = ctx.mmaResult(0); c20_1 = ctx.mmaResult(1); c20_2 = ctx.mmaResult(2); c20_3 = ctx.mmaResult(3);
                ctx.mmaBf16(a20, a21, a22, a23, b10, b11, c21_0, c21_1, c21_2, c21_3);
                c21_0 = ctx.mmaResult(0); c21_1 = ctx.mmaResult(1); c21_2 = ctx.mmaResult(2); c21_3 = ctx.mmaResult(3);
                ctx.mmaBf16(a20, a21, a22, a23, b20, b21, c22_0, c22_1, c22_2, c22_3);
                c22_0 = ctx.mmaResult(0); c22_1 = ctx.mmaResult(1); c22_2 = ctx.mmaResult(2); c22_3 = ctx.mmaResult(3);
                ctx.mmaBf16(a20, a21, a22, a23, b30, b31, c23_0, c23_1, c23_2, c23_3);
                c23_0 = ctx.mmaResult(0); c23_1 = ctx.mmaResult(1); c23_2 = ctx.mmaResult(2); c23_3 = ctx.mmaResult(3);
                ctx.mmaBf16(a30, a31, a32, a33, b00, b01, c30_0, c30_1, c30_2, c30_3);
                c30_0 = ctx.mmaResult(0); c30_1 = ctx.mmaResult(1); c30_2 = ctx.mmaResult(2); c30_3 = ctx.mmaResult(3);
                ctx.mmaBf16(a30, a31, a32, a33, b10, b11, c31_0, c31_1, c31_2, c31_3);
                c31_0 = ctx.mmaResult(0); c31_1 = ctx.mmaResult(1); c31_2 = ctx.mmaResult(2); c31_3 = ctx.mmaResult(3);
                ctx.mmaBf16(a30, a31, a32, a33, b20, b21, c32_0, c32_1, c32_2, c32_3);
                c32_0 = ctx.mmaResult(0); c32_1 = ctx.mmaResult(1); c32_2 = ctx.mmaResult(2); c32_3 = ctx.mmaResult(3);
                ctx.mmaBf16(a30, a31, a32, a33, b30, b31, c33_0, c33_1, c33_2, c33_3);
                c33_0 = ctx.mmaResult(0); c33_1 = ctx.mmaResult(1); c33_2 = ctx.mmaResult(2); c33_3 = ctx.mmaResult(3);
            }
            { // k step 16..31 of the stage
                int a00 = sA[ca + 8], a01 = sA[ca + (8 + 8 * MMA_ROW_INTS)], a02 = sA[ca + (8 + 4)], a03 = sA[ca + (8 + 8 * MMA_ROW_INTS + 4)];
                int a10 = sA[ca + (16 * MMA_ROW_INTS + 8)], a11 = sA[ca + (16 * MMA_ROW_INTS + 8 + 8 * MMA_ROW_INTS)], a12 = sA[ca + (16 * MMA_ROW_INTS + 8 + 4)], a13 = sA[ca + (16 * MMA_ROW_INTS + 8 + 8 * MMA_ROW_INTS + 4)];
                int a20 = sA[ca + (32 * MMA_ROW_INTS + 8)], a21 = sA[ca + (32 * MMA_ROW_INTS + 8 + 8 * MMA_ROW_INTS)], a22 = sA[ca + (32 * MMA_ROW_INTS + 8 + 4)], a23 = sA[ca + (32 * MMA_ROW_INTS + 8 + 8 * MMA_ROW_INTS + 4)];
                int a30 = sA[ca + (48 * MMA_ROW_INTS + 8)], a31 = sA[ca + (48 * MMA_ROW_INTS + 8 + 8 * MMA_ROW_INTS)], a32 = sA[ca + (48 * MMA_ROW_INTS + 8 + 4)], a33 = sA[ca + (48 * MMA_ROW_INTS + 8 + 8 * MMA_ROW_INTS + 4)];
                int b00 = sW[cw + 8], b01 = sW[cw + (8 + 4)];
                int b10 = sW[cw + (8 * MMA_ROW_INTS + 8)], b11 = sW[cw + (8 * MMA_ROW_INTS + 8 + 4)];
                int b20 = sW[cw + (16 * MMA_ROW_INTS + 8)], b21 = sW[cw + (16 * MMA_ROW_INTS + 8 + 4)];
                int b30 = sW[cw + (24 * MMA_ROW_INTS + 8)], b31 = sW[cw + (24 * MMA_ROW_INTS + 8 + 4)];
                ctx.mmaBf16(a00, a01, a02, a03, b00, b01, c00_0, c00_1, c00_2, c00_3);
                c00_0 = ctx.mmaResult(0); c00_1 = ctx.mmaResult(1); c00_2 = ctx.mmaResult(2); c00_3 = ctx.mmaResult(3);
                ctx.mmaBf16(a00, a01, a02, a03, b10, b11, c01_0, c01_1, c01_2, c01_3);
                c01_0 = ctx.mmaResult(0); c01_1 = ctx.mmaResult(1); c01_2 = ctx.mmaResult(2); c01_3 = ctx.mmaResult(3);
                ctx.mmaBf16(a00, a01, a02, a03, b20, b21, c02_0, c02_1, c02_2, c02_3);
                c02_0 = ctx.mmaResult(0); c02_1 = ctx.mmaResult(1); c02_2 = ctx.mmaResult(2); c02_3 = ctx.mmaResult(3);
                ctx.mmaBf16(a00, a01, a02, a03, b30, b31, c03_0, c03_1, c03_2, c03_3);
                c03_0 = ctx.mmaResult(0); c03_1 = ctx.mmaResult(1); c03_2 = ctx.mmaResult(2); c03_3 = ctx.mmaResult(3);
                ctx.mmaBf16(a10, a11, a12, a13, b00, b01, c10_0, c10_1, c10_2, c10_3);
                c10_0 = ctx.mmaResult(0); c10_1 = ctx.mmaResult(1); c10_2 = ctx.mmaResult(2); c10_3 = ctx.mmaResult(3);
                ctx.mmaBf16(a10, a11, a12, a13, b10, b11, c11_0, c11_1, c11_2, c11_3);
                c11_0 = ctx.mmaResult(0); c11_1 = ctx.mmaResult(1); c11_2 = ctx.mmaResult(2); c11_3 = ctx.mmaResult(3);
                ctx.mmaBf16(a10, a11, a12, a13, b20, b21, c12_0, c12_1, c12_2, c12_3);
                c12_0 = ctx.mmaResult(0); c12_1 = ctx.mmaResult(1); c12_2 = ctx.mmaResult(2); c12_3 = ctx.mmaResult(3);
                ctx.mmaBf16(a10, a11, a12, a13, b30, b31, c13_0, c13_1, c13_2, c13_3);
                c13_0 = ctx.mmaResult(0); c13_1 = ctx.mmaResult(1); c13_2 = ctx.mmaResult(2); c13_3 = ctx.mmaResult(3);
                ctx.mmaBf16(a20, a21, a22, a23, b00, b01, c20_0, c20_1, c20_2, c20_3);
                c20_0 = ctx.mmaResult(0); c20_1 = ctx.mmaResult(1); c20_2 = ctx.mmaResult(2); c20_3 = ctx.mmaResult(3);
                ctx.mmaBf16(a20, a21, a22, a23, b10, b11, c21_0, c21_1, c21_2, c21_3);
                c21_0 = ctx.mmaResult(0); c21_1 = ctx.mmaResult(1); c21_2 = ctx.mmaResult(2); c21_3 = ctx.mmaResult(3);
                ctx.mmaBf16(a20, a21, a22, a23, b20, b21, c22_0, c22_1, c22_2, c22_3);
                c22_0 = ctx.mmaResult(0); c22_1 = ctx.mmaResult(1); c22_2 = ctx.mmaResult(2); c22_3 = ctx.mmaResult(3);
                ctx.mmaBf16(a20, a21, a22, a23, b30, b31, c23_0, c23_1, c23_2, c23_3);
                c23_0 = ctx.mmaResult(0); c23_1 = ctx.mmaResult(1); c23_2 = ctx.mmaResult(2); c23_3 = ctx.mmaResult(3);
                ctx.mmaBf16(a30, a31, a32, a33, b00, b01, c30_0, c30_1, c30_2, c30_3);
                c30_0 = ctx.mmaResult(0); c30_1 = ctx.mmaResult(1); c30_2 = ctx.mmaResult(2); c30_3 = ctx.mmaResult(3);
                ctx.mmaBf16(a30, a31, a32, a33, b10, b11, c31_0, c31_1, c31_2, c31_3);
                c31_0 = ctx.mmaResult(0); c31_1 = ctx.mmaResult(1); c31_2 = ctx.mmaResult(2); c31_3 = ctx.mmaResult(3);
                ctx.mmaBf16(a30, a31, a32, a33, b20, b21, c32_0, c32_1, c32_2, c32_3);
                c32_0 = ctx.mmaResult(0); c32_1 = ctx.mmaResult(1); c32_2 = ctx.mmaResult(2); c32_3 = ctx.mmaResult(3);
                ctx.mmaBf16(a30, a31, a32, a33, b30, b31, c33_0, c33_1, c33_2, c33_3);
                c33_0 = ctx.mmaResult(0); c33_1 = ctx.mmaResult(1); c33_2 = ctx.mmaResult(2); c33_3 = ctx.mmaResult(3);
            }
            if (more) {
                int next = cur ^ (MMA_BLOCK * MMA_ROW_INTS);
                sA[next + sOwn] = (int) pa0;
                sA[next + sOwn + 1] = (int) (pa0 >>> 32);
                sW[next + sOwn] = (int) pw0;
                sW[next + sOwn + 1] = (int) (pw0 >>> 32);
                sA[next + sOwn + 1 * 32 * MMA_ROW_INTS] = (int) pa1;
                sA[next + sOwn + 1 * 32 * MMA_ROW_INTS + 1] = (int) (pa1 >>> 32);
                sW[next + sOwn + 1 * 32 * MMA_ROW_INTS] = (int) pw1;
                sW[next + sOwn + 1 * 32 * MMA_ROW_INTS + 1] = (int) (pw1 >>> 32);
                sA[next + sOwn + 2 * 32 * MMA_ROW_INTS] = (int) pa2;
                sA[next + sOwn + 2 * 32 * MMA_ROW_INTS + 1] = (int) (pa2 >>> 32);
                sW[next + sOwn + 2 * 32 * MMA_ROW_INTS] = (int) pw2;
                sW[next + sOwn + 2 * 32 * MMA_ROW_INTS + 1] = (int) (pw2 >>> 32);
                sA[next + sOwn + 3 * 32 * MMA_ROW_INTS] = (int) pa3;
                sA[next + sOwn + 3 * 32 * MMA_ROW_INTS + 1] = (int) (pa3 >>> 32);
                sW[next + sOwn + 3 * 32 * MMA_ROW_INTS] = (int) pw3;
                sW[next + sOwn + 3 * 32 * MMA_ROW_INTS + 1] = (int) (pw3 >>> 32);
            }
            ctx.localBarrier();
        }
        storePair(out, (row0 + wm + g) * n + col0 + wn + 2 * t, c00_0, c00_1);
        storePair(out, (row0 + wm + g + 8) * n + col0 + wn + 2 * t, c00_2, c00_3);
        storePair(out, (row0 + wm + g) * n + col0 + wn + 8 + 2 * t, c01_0, c01_1);
        storePair(out, (row0 + wm + g + 8) * n + col0 + wn + 8 + 2 * t, c01_2, c01_3);
        storePair(out, (row0 + wm + g) * n + col0 + wn + 16 + 2 * t, c02_0, c02_1);
        storePair(out, (row0 + wm + g + 8) * n + col0 + wn + 16 + 2 * t, c02_2, c02_3);
        storePair(out, (row0 + wm + g) * n + col0 + wn + 24 + 2 * t, c03_0, c03_1);
        storePair(out, (row0 + wm + g + 8) * n + col0 + wn + 24 + 2 * t, c03_2, c03_3);
        storePair(out, (row0 + wm + 16 + g) * n + col0 + wn + 2 * t, c10_0, c10_1);
        storePair(out, (row0 + wm + 16 + g + 8) * n + col0 + wn + 2 * t, c10_2, c10_3);
        storePair(out, (row0 + wm + 16 + g) * n + col0 + wn + 8 + 2 * t, c11_0, c11_1);
        storePair(out, (row0 + wm + 16 + g + 8) * n + col0 + wn + 8 + 2 * t, c11_2, c11_3);
        storePair(out, (row0 + wm + 16 + g) * n + col0 + wn + 16 + 2 * t, c12_0, c12_1);
        storePair(out, (row0 + wm + 16 + g + 8) * n + col0 + wn + 16 + 2 * t, c12_2, c12_3);
        storePair(out, (row0 + wm + 16 + g) * n + col0 + wn + 24 + 2 * t, c13_0, c13_1);
        storePair(out, (row0 + wm + 16 + g + 8) * n + col0 + wn + 24 + 2 * t, c13_2, c13_3);
        storePair(out, (row0 + wm + 32 + g) * n + col0 + wn + 2 * t, c20_0, c20_1);
        storePair(out, (row0 + wm + 32 + g + 8) * n + col0 + wn + 2 * t, c20_2, c20_3);
        storePair(out, (row0 + wm + 32 + g) * n + col0 + wn + 8 + 2 * t, c21_0, c21_1);
        storePair(out, (row0 + wm + 32 + g + 8) * n + col0 + wn + 8 + 2 * t, c21_2, c21_3);
        storePair(out, (row0 + wm + 32 + g) * n + col0 + wn + 16 + 2 * t, c22_0, c22_1);
        storePair(out, (row0 + wm + 32 + g + 8) * n + col0 + wn + 16 + 2 * t, c22_2, c22_3);
        storePair(out, (row0 + wm + 32 + g) * n + col0 + wn + 24 + 2 * t, c23_0, c23_1);
        storePair(out, (row0 + wm + 32 + g + 8) * n + col0 + wn + 24 + 2 * t, c23_2, c23_3);
        storePair(out, (row0 + wm + 48 + g) * n + col0 + wn + 2 * t, c30_0, c30_1);
        storePair(out, (row0 + wm + 48 + g + 8) * n + col0 + wn + 2 * t, c30_2, c30_3);
        storePair(out, (row0 + wm + 48 + g) * n + col0 + wn + 8 + 2 * t, c31_0, c31_1);
        storePair(out, (row0 + wm + 48 + g + 8) * n + col0 + wn + 8 + 2 * t, c31_2, c31_3);
        storePair(out, (row0 + wm + 48 + g) * n + col0 + wn + 16 + 2 * t, c32_0, c32_1);
        storePair(out, (row0 + wm + 48 + g + 8) * n + col0 + wn + 16 + 2 * t, c32_2, c32_3);
        storePair(out, (row0 + wm + 48 + g) * n + col0 + wn + 24 + 2 * t, c33_0, c33_1);
        storePair(out, (row0 + wm + 48 + g + 8) * n + col0 + wn + 24 + 2 * t, c33_2, c33_3);
    }

    private static void storePair(FloatArray out, int at, float x, float y) {
        out.set(at, x);
        out.set(at + 1, y);
    }
}
