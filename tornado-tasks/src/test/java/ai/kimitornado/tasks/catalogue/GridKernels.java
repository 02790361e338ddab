package ai.kimitornado.tasks.catalogue;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.api.Parallel;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;
import ai.kimitornado.tasks.types.arrays.LongArray;

/** Catalogue: grids (KernelContext and @Parallel 1–3D), local memory, barriers, atomics, matrix multiply. */
public final class GridKernels {
    private GridKernels() {
    }

    public static final int GROUP = 64;
    public static final int TILE = 8;

    /** Work-group sum reduction in local memory: partial[g] = sum of in over group g. Grid: n, local GROUP. */
    public static void reduceLocal(KernelContext ctx, FloatArray in, FloatArray partial) {
        float[] scratch = ctx.allocateFloatLocalArray(GROUP);
        int lid = ctx.localIdx;
        scratch[lid] = in.get(ctx.globalIdx);
        ctx.localBarrier();
        for (int stride = ctx.localGroupSizeX / 2; stride > 0; stride /= 2) {
            if (lid < stride) {
                scratch[lid] += scratch[lid + stride];
            }
            ctx.localBarrier();
        }
        if (lid == 0) {
            partial.set(ctx.groupIdx, scratch[0]);
        }
    }

    static void storeTile(float[] tile, int index, float v) {
        tile[index] = v;
    }

    static float sumTile(float[] tile, int n) {
        float s = 0;
        for (int i = 0; i < n; i++) {
            s += tile[i];
        }
        return s;
    }

    /** Local arrays passed to helpers; early return of all but one work-item after the last barrier. */
    public static void localHelpers(KernelContext ctx, FloatArray in, FloatArray out) {
        float[] tile = ctx.allocateFloatLocalArray(GROUP);
        storeTile(tile, ctx.localIdx, in.get(ctx.globalIdx) * 2);
        ctx.localBarrier();
        if (ctx.localIdx != 0) {
            return;
        }
        out.set(ctx.groupIdx, sumTile(tile, ctx.localGroupSizeX));
    }

    /** Tiled matrix multiply c = a·b, all n×n row-major, TILE×TILE work-groups with local tiles. */
    public static void matmulTiled(KernelContext ctx, FloatArray a, FloatArray b, FloatArray c, int n) {
        float[] ta = ctx.allocateFloatLocalArray(TILE * TILE);
        float[] tb = ctx.allocateFloatLocalArray(TILE * TILE);
        int row = ctx.globalIdy, col = ctx.globalIdx;
        int ly = ctx.localIdy, lx = ctx.localIdx;
        float sum = 0;
        for (int t = 0; t < n / TILE; t++) {
            ta[ly * TILE + lx] = a.get(row * n + t * TILE + lx);
            tb[ly * TILE + lx] = b.get((t * TILE + ly) * n + col);
            ctx.localBarrier();
            for (int k = 0; k < TILE; k++) {
                sum += ta[ly * TILE + k] * tb[k * TILE + lx];
            }
            ctx.localBarrier();
        }
        c.set(row * n + col, sum);
    }

    /** 2D grid: every builtin of both dimensions. */
    public static void grid2d(KernelContext ctx, IntArray out) {
        int x = ctx.globalIdx, y = ctx.globalIdy;
        int w = ctx.globalGroupSizeX;
        int code = ctx.localIdx + 16 * ctx.localIdy + 256 * ctx.groupIdx + 4096 * ctx.groupIdy
                + 65536 * ctx.localGroupSizeX + 1048576 * ctx.localGroupSizeY;
        out.set(y * w + x, code ^ ctx.globalGroupSizeY);
    }

    /** 3D grid. */
    public static void grid3d(KernelContext ctx, IntArray out) {
        int x = ctx.globalIdx, y = ctx.globalIdy, z = ctx.globalIdz;
        int w = ctx.globalGroupSizeX, h = ctx.globalGroupSizeY;
        out.set((z * h + y) * w + x, x * 10000 + y * 100 + z + ctx.localIdz * 7 + ctx.groupIdz * 13
                + ctx.localGroupSizeZ * 17 + ctx.globalGroupSizeZ * 19);
    }

    /** Atomics: histogram (int), float sum, long sum. The returned old values are not checked (order-dependent). */
    public static void atomics(KernelContext ctx, IntArray in, IntArray histogram, FloatArray fsum, LongArray lsum) {
        int v = in.get(ctx.globalIdx);
        ctx.atomicAdd(histogram, v & 15, 1);
        ctx.atomicAdd(fsum, 0, (float) (v & 255));
        ctx.atomicAdd(lsum, 0, (long) v);
    }

    /** @Parallel 2D: c[i][j] = a[i] * b[j] + i - j. */
    public static void parallel2d(FloatArray a, FloatArray b, FloatArray c) {
        for (@Parallel int i = 0; i < a.getSize(); i++) {
            for (@Parallel int j = 0; j < b.getSize(); j++) {
                c.set(i * b.getSize() + j, a.get(i) * b.get(j) + i - j);
            }
        }
    }

    /** @Parallel 3D with inclusive bounds and a non-unit step in the innermost loop. */
    public static void parallel3d(IntArray out, int nx, int ny, int nz) {
        for (@Parallel int z = 0; z <= nz - 1; z++) {
            for (@Parallel int y = 0; y < ny; y++) {
                for (@Parallel int x = 1; x < nx; x += 2) {
                    out.set((z * ny + y) * nx + x, x * y - z);
                }
            }
        }
    }

    /** @Parallel matrix multiply (sequential inner k loop). */
    public static void matmulParallel(FloatArray a, FloatArray b, FloatArray c, int n) {
        for (@Parallel int i = 0; i < n; i++) {
            for (@Parallel int j = 0; j < n; j++) {
                float s = 0;
                for (int k = 0; k < n; k++) {
                    s += a.get(i * n + k) * b.get(k * n + j);
                }
                c.set(i * n + j, s);
            }
        }
    }
}
