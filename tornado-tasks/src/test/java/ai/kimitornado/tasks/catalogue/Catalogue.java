package ai.kimitornado.tasks.catalogue;

import static ai.kimitornado.tasks.catalogue.Gen.*;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.catalogue.CatalogueEntry.Grid;
import ai.kimitornado.tasks.jit.KernelRef;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import java.util.List;
import java.util.Random;
import java.util.function.LongFunction;

/**
 * The kernel catalogue: one small kernel per supported construct and intrinsic. Conformance tests run every entry
 * on every device against the same method run as plain Java ({@link JavaReference}).
 */
public final class Catalogue {
    private Catalogue() {
    }

    private static final int N = 256;

    private static CatalogueEntry entry(Class<?> c, String method, LongFunction<Object[]> args, Grid grid, double tol) {
        return new CatalogueEntry(c.getSimpleName() + "." + method, KernelRef.of(c, method), args, grid, tol);
    }

    private static CatalogueEntry parallel(Class<?> c, String method, double tol, LongFunction<Object[]> args) {
        return entry(c, method, args, null, tol);
    }

    public static final List<CatalogueEntry> ENTRIES = List.of(
            // control flow
            parallel(ControlFlowKernels.class, "forLoop", 0, s -> new Object[] {ints(new Random(s), N), poisonInts(N)}),
            parallel(ControlFlowKernels.class, "whileLoops", 0, s -> new Object[] {ints(new Random(s), N), poisonInts(N)}),
            parallel(ControlFlowKernels.class, "breakContinue", 0, s -> new Object[] {ints(new Random(s), N), poisonInts(N)}),
            parallel(ControlFlowKernels.class, "nestedBranches", 0, s -> new Object[] {specialFloats(new Random(s), N), poisonInts(N)}),
            parallel(ControlFlowKernels.class, "ternaries", 0, s -> {
                Random r = new Random(s);
                return new Object[] {floats(r, N, -2, 2), ints(r, N), poisonFloats(N)};
            }),
            parallel(ControlFlowKernels.class, "switchTable", 0, s -> new Object[] {ints(new Random(s), N), poisonInts(N)}),
            parallel(ControlFlowKernels.class, "switchLookup", 0, s -> {
                Random r = new Random(s);
                var in = ints(r, N, -2100, 2100);
                int[] keys = {-1000, -7, 0, 42, 999, 1500};
                for (int i = 0; i < N; i += 3) {
                    in.set(i, keys[r.nextInt(keys.length)]);
                }
                return new Object[] {in, poisonInts(N)};
            }),
            parallel(ControlFlowKernels.class, "helperChain", 1e-6, s -> {
                Random r = new Random(s);
                return new Object[] {floats(r, N, -10, 10), ints(r, N), poisonFloats(N)};
            }),
            parallel(ControlFlowKernels.class, "helperWithArrays", 1e-6, s -> {
                Random r = new Random(s);
                return new Object[] {floats(r, 40 * 40, -1, 1), floats(r, 40, -1, 1), poisonFloats(40), 40};
            }),
            parallel(ControlFlowKernels.class, "staticFinals", 0, s -> new Object[] {ints(new Random(s), N), poisonInts(N)}),
            // arithmetic
            parallel(ArithmeticKernels.class, "intArith", 0, s -> {
                Random r = new Random(s);
                return new Object[] {ints(r, N), ints(r, N), poisonInts(4 * N)};
            }),
            parallel(ArithmeticKernels.class, "intDivRem", 0, s -> {
                Random r = new Random(s);
                return new Object[] {ints(r, N), divisors(r, N), poisonInts(4 * N)};
            }),
            parallel(ArithmeticKernels.class, "longArith", 0, s -> {
                Random r = new Random(s);
                return new Object[] {longs(r, N, false), longs(r, N, true), poisonLongs(6 * N)};
            }),
            parallel(ArithmeticKernels.class, "bitOps", 0, s -> {
                Random r = new Random(s);
                return new Object[] {ints(r, N), longs(r, N, false), poisonLongs(4 * N)};
            }),
            parallel(ArithmeticKernels.class, "shifts", 0, s -> {
                Random r = new Random(s);
                return new Object[] {ints(r, N), ints(r, N, -70, 140), poisonLongs(6 * N)};
            }),
            parallel(ArithmeticKernels.class, "constantShifts", 0, s -> new Object[] {ints(new Random(s), N),
                poisonLongs(6 * N)}),
            parallel(ArithmeticKernels.class, "floatArith", 0, s -> {
                Random r = new Random(s);
                return new Object[] {specialFloats(r, N), specialFloats(r, N), poisonFloats(5 * N)};
            }),
            parallel(ArithmeticKernels.class, "doubleArith", 0, s -> {
                Random r = new Random(s);
                return new Object[] {specialDoubles(r, N), specialDoubles(r, N), poisonDoubles(5 * N)};
            }),
            parallel(ArithmeticKernels.class, "floatCasts", 0, s -> {
                Random r = new Random(s);
                return new Object[] {specialFloats(r, N), specialDoubles(r, N), poisonLongs(8 * N)};
            }),
            parallel(ArithmeticKernels.class, "narrowTypes", 0, s -> new Object[] {ints(new Random(s), N),
                poisonBytes(N), poisonShorts(N), poisonInts(4 * N)}),
            parallel(ArithmeticKernels.class, "comparisons", 0, s -> {
                Random r = new Random(s);
                var a = specialFloats(r, N);
                var b = specialFloats(r, N);
                for (int i = 0; i < N; i += 4) {
                    b.set(i, a.get(i)); // equal pairs
                }
                return new Object[] {a, b, longs(r, N, false), poisonInts(N)};
            }),
            // math
            parallel(MathKernels.class, "floatMath", 2e-6, s -> {
                Random r = new Random(s);
                return new Object[] {floats(r, N, 0.01f, 4), floats(r, N, 0.01f, 4), poisonFloats(12 * N)};
            }),
            parallel(MathKernels.class, "doubleMath", 1e-14, s -> new Object[] {doubles(new Random(s), N, 0.01, 4),
                poisonDoubles(10 * N)}),
            parallel(MathKernels.class, "minMax", 0, s -> {
                Random r = new Random(s);
                var a = specialFloats(r, N);
                var b = specialFloats(r, N);
                for (int i = 0; i < N; i += 8) {
                    a.set(i, 0f);
                    b.set(i, -0f);
                }
                return new Object[] {a, b, poisonLongs(6 * N)};
            }),
            parallel(MathKernels.class, "bitsIntrinsics", 0, s -> {
                Random r = new Random(s);
                var in = ints(r, N);
                for (int i = 0; i < N; i += 5) {
                    in.set(i, 0x7F800001 + r.nextInt(1000)); // NaN patterns
                }
                return new Object[] {in, poisonLongs(4 * N)};
            }),
            parallel(MathKernels.class, "halfConversions", 0, s -> new Object[] {floats(new Random(s), N, -70000, 70000),
                poisonHalves(N), poisonBf16(N), poisonFloats(4 * N)}),
            // wide loads of 16-bit arrays (getBits4)
            parallel(WideLoadKernels.class, "packedRows", 0, s -> {
                Random r = new Random(s);
                int rows = 48, cols = 32;
                return new Object[] {bf16s(r, rows * cols, -2, 2), halves(r, rows * cols, -2, 2), floats(r, cols, -1, 1),
                    poisonLongs(rows * cols / 2), poisonFloats(rows), cols};
            }),
            parallel(WideLoadKernels.class, "packedLanes", 0, s -> new Object[] {bf16s(new Random(s), N, -100, 100),
                poisonFloats(N)}),
            entry(WideLoadKernels.class, "gemvRowPacked", s -> {
                Random r = new Random(s);
                int rows = 6, cols = 8 * WideLoadKernels.GEMV_GROUP;
                return new Object[] {new KernelContext(), bf16s(r, rows * cols, -1, 1), floats(r, cols, -1, 1),
                    poisonFloats(rows), cols};
            }, Grid.of1d(6 * WideLoadKernels.GEMV_GROUP, WideLoadKernels.GEMV_GROUP), 0),
            // warp operations (KernelContext shuffles and warp sums)
            entry(WarpKernels.class, "shuffles", s -> {
                Random r = new Random(s);
                int items = 256;
                return new Object[] {new KernelContext(), floats(r, items, -8, 8), ints(r, items), ints(r, items),
                    poisonFloats(6 * items), poisonInts(4 * items)};
            }, Grid.of1d(256, 64), 0),
            // 2D work-groups of 16 x 4: warps are cut along the linear local id x + 16 * y
            new CatalogueEntry("WarpKernels.shuffles[2d]", KernelRef.of(WarpKernels.class, "shuffles"), s -> {
                Random r = new Random(s);
                int items = 64 * 4;
                return new Object[] {new KernelContext(), floats(r, items, -8, 8), ints(r, items), ints(r, items),
                    poisonFloats(6 * items), poisonInts(4 * items)};
            }, new Grid(new long[] {64, 4}, new long[] {16, 4}), 0),
            entry(WarpKernels.class, "maxes", s -> {
                Random r = new Random(s);
                FloatArray x = specialFloats(r, 256);
                for (int i = 0; i < 256; i++) {
                    if (i / 32 % 2 == 0 && Float.isNaN(x.get(i))) {
                        x.set(i, -0f); // every other warp without NaN: the max itself is compared
                    }
                }
                return new Object[] {new KernelContext(), x, ints(r, 256), poisonFloats(256), poisonInts(256)};
            }, Grid.of1d(256, 128), 0),
            entry(WarpKernels.class, "blockSum", s -> new Object[] {new KernelContext(),
                floats(new Random(s), 3 * WarpKernels.GROUP, -1, 1), poisonFloats(3)},
                    Grid.of1d(3 * WarpKernels.GROUP, WarpKernels.GROUP), 0),
            entry(WarpKernels.class, "gemvWarpRows", s -> {
                Random r = new Random(s);
                int rows = 3 * WarpKernels.ROWS_PER_GROUP, cols = 4 * 32 * 3 + 36; // a partial last stride
                return new Object[] {new KernelContext(), bf16s(r, rows * cols, -1, 1), floats(r, cols, -1, 1),
                    poisonFloats(rows), cols};
            }, Grid.of1d(3 * 128, 128), 0),
            entry(ai.kimitornado.tasks.emit.ptx.GpuBenchKernels.class, "gemvBf16Warp", s -> {
                Random r = new Random(s);
                int rows = 16, cols = 2304; // the model's hidden size: 18 quads per lane, a partial last pass
                return new Object[] {new KernelContext(), bf16s(r, rows * cols, -1, 1), floats(r, cols, -1, 1),
                    poisonFloats(rows), cols};
            }, Grid.of1d(2 * 256, 256), 0),
            // tensor-core MMA (KernelContext.mmaBf16): bit-exact against the JVM wherever it is emulated
            entry(MmaKernels.class, "tiles", s -> {
                Random r = new Random(s);
                int tiles = 4 * MmaKernels.TILES_PER_GROUP;
                return new Object[] {new KernelContext(), bf16s(r, tiles * 256, -2, 2), bf16s(r, tiles * 128, -2, 2),
                    floats(r, tiles * 128, -4, 4), poisonFloats(tiles * 128)};
            }, Grid.of1d(4 * 64, 64), 0),
            // products and sums in the fp32 subnormal range: every backend keeps subnormals (no flush to zero)
            new CatalogueEntry("MmaKernels.tiles[subnormal]", KernelRef.of(MmaKernels.class, "tiles"), s -> {
                Random r = new Random(s);
                int tiles = 4 * MmaKernels.TILES_PER_GROUP;
                return new Object[] {new KernelContext(), bf16s(r, tiles * 256, -2e-19f, 2e-19f),
                    bf16s(r, tiles * 128, -2e-19f, 2e-19f), floats(r, tiles * 128, -4e-38f, 4e-38f), poisonFloats(tiles * 128)};
            }, Grid.of1d(4 * 64, 64), 0),
            new CatalogueEntry("MmaKernels.tilesWithShuffles[2d]", KernelRef.of(MmaKernels.class, "tilesWithShuffles"), s -> {
                Random r = new Random(s);
                int tiles = 4 * MmaKernels.TILES_PER_GROUP;
                return new Object[] {new KernelContext(), bf16s(r, tiles * 256, -2, 2), bf16s(r, tiles * 128, -2, 2),
                    floats(r, tiles * 128, -4, 4), poisonFloats(tiles * 128), poisonFloats(tiles * 32)};
            }, new Grid(new long[] {32, 8}, new long[] {16, 4}), 0),
            entry(MmaKernels.class, "gemm", s -> {
                Random r = new Random(s);
                int m = 64, n = 96, k = 48;
                return new Object[] {new KernelContext(), bf16s(r, m * k, -1, 1), bf16s(r, n * k, -1, 1),
                    poisonFloats(m * n), m, n, k};
            }, Grid.of1d((64 / 32) * (96 / 32) * MmaKernels.GEMM_GROUP, MmaKernels.GEMM_GROUP), 0),
            entry(ai.kimitornado.tasks.emit.ptx.GpuBenchKernels.class, "gemmBf16Mma", s -> {
                Random r = new Random(s);
                int m = 256, n = 128, k = 96; // two groups, three k stages (the register prefetch path)
                return new Object[] {new KernelContext(), bf16s(r, m * k, -1, 1), bf16s(r, n * k, -1, 1),
                    poisonFloats(m * n), m, n, k};
            }, Grid.of1d(2 * 256, 256), 0),
            entry(ai.kimitornado.tasks.emit.ptx.GpuBenchKernels.class, "gemmBf16MmaDoubleBuffered", s -> {
                Random r = new Random(s);
                int m = 128, n = 256, k = 128; // two groups, four k stages (both buffers, twice)
                return new Object[] {new KernelContext(), bf16s(r, m * k, -1, 1), bf16s(r, n * k, -1, 1),
                    poisonFloats(m * n), m, n, k};
            }, Grid.of1d(2 * 256, 256), 0),
            // grids, local memory, barriers, atomics
            entry(GridKernels.class, "reduceLocal", s -> new Object[] {new KernelContext(),
                floats(new Random(s), 4 * GridKernels.GROUP, -1, 1), poisonFloats(4)},
                    Grid.of1d(4 * GridKernels.GROUP, GridKernels.GROUP), 1e-5),
            entry(GridKernels.class, "localHelpers", s -> new Object[] {new KernelContext(),
                floats(new Random(s), 3 * GridKernels.GROUP, -1, 1), poisonFloats(3)},
                    Grid.of1d(3 * GridKernels.GROUP, GridKernels.GROUP), 1e-6),
            entry(GridKernels.class, "matmulTiled", s -> {
                Random r = new Random(s);
                int n = 4 * GridKernels.TILE;
                return new Object[] {new KernelContext(), floats(r, n * n, -1, 1), floats(r, n * n, -1, 1),
                    poisonFloats(n * n), n};
            }, new Grid(new long[] {4 * GridKernels.TILE, 4 * GridKernels.TILE},
                    new long[] {GridKernels.TILE, GridKernels.TILE}), 1e-5),
            entry(GridKernels.class, "grid2d", s -> new Object[] {new KernelContext(), poisonInts(16 * 12)},
                    new Grid(new long[] {16, 12}, new long[] {4, 3}), 0),
            entry(GridKernels.class, "grid3d", s -> new Object[] {new KernelContext(), poisonInts(8 * 6 * 4)},
                    new Grid(new long[] {8, 6, 4}, new long[] {2, 3, 2}), 0),
            entry(GridKernels.class, "atomics", s -> {
                Random r = new Random(s);
                IntArray0 zero = new IntArray0();
                return new Object[] {new KernelContext(), ints(r, N), zero.ints(16), zero.floats(1), zero.longs(1)};
            }, Grid.of1d(N, 32), 0),
            parallel(GridKernels.class, "parallel2d", 0, s -> {
                Random r = new Random(s);
                return new Object[] {floats(r, 24, -4, 4), floats(r, 20, -4, 4), poisonFloats(24 * 20)};
            }),
            parallel(GridKernels.class, "parallel3d", 0, s -> new Object[] {poisonInts(9 * 5 * 4), 9, 5, 4}),
            parallel(GridKernels.class, "matmulParallel", 1e-5, s -> {
                Random r = new Random(s);
                return new Object[] {floats(r, 24 * 24, -1, 1), floats(r, 24 * 24, -1, 1), poisonFloats(24 * 24), 24};
            }));

    /** Zero-initialised accumulators (atomics add into them). */
    private static final class IntArray0 {
        ai.kimitornado.tasks.types.arrays.IntArray ints(int n) {
            return new ai.kimitornado.tasks.types.arrays.IntArray(n);
        }

        ai.kimitornado.tasks.types.arrays.FloatArray floats(int n) {
            return new ai.kimitornado.tasks.types.arrays.FloatArray(n);
        }

        ai.kimitornado.tasks.types.arrays.LongArray longs(int n) {
            return new ai.kimitornado.tasks.types.arrays.LongArray(n);
        }
    }
}
