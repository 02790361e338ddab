package ai.kimitornado.tasks.catalogue;

import ai.kimitornado.tasks.api.Parallel;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;

/** Catalogue: loops, break/continue, branches, ternaries, switches, helper chains. */
public final class ControlFlowKernels {
    private ControlFlowKernels() {
    }

    /** out[i] = sum_{k < in[i] % 50} k*k (counted loop). */
    public static void forLoop(IntArray in, IntArray out) {
        for (@Parallel int i = 0; i < in.getSize(); i++) {
            int n = Math.abs(in.get(i) % 50);
            int s = 0;
            for (int k = 0; k < n; k++) {
                s += k * k;
            }
            out.set(i, s);
        }
    }

    /** while and do-while loops: Collatz steps (capped) and digit sums. */
    public static void whileLoops(IntArray in, IntArray out) {
        for (@Parallel int i = 0; i < in.getSize(); i++) {
            int x = (in.get(i) & 0xFFFF) + 1;
            int steps = 0;
            while (x != 1 && steps < 500) {
                x = (x & 1) == 0 ? x / 2 : 3 * x + 1;
                steps++;
            }
            int d = in.get(i) & 0x7FFFFFFF;
            int digits = 0;
            do {
                digits += d % 10;
                d /= 10;
            } while (d > 0);
            out.set(i, steps * 1000 + digits);
        }
    }

    /** break and continue in nested loops. */
    public static void breakContinue(IntArray in, IntArray out) {
        for (@Parallel int i = 0; i < in.getSize(); i++) {
            int v = in.get(i);
            int acc = 0;
            outer:
            for (int a = 0; a < 20; a++) {
                if (a % 3 == 0) {
                    continue;
                }
                for (int b = 0; b < 20; b++) {
                    if (b == a) {
                        continue outer;
                    }
                    acc += (v >> (a + b)) & 1;
                    if (acc > 25) {
                        break outer;
                    }
                }
                if (((v >>> a) & 7) == 5) {
                    break;
                }
            }
            out.set(i, acc);
        }
    }

    /** Nested if/else chains on floats (with NaN inputs). */
    public static void nestedBranches(FloatArray in, IntArray out) {
        for (@Parallel int i = 0; i < in.getSize(); i++) {
            float x = in.get(i);
            int r;
            if (x > 0) {
                if (x > 100) {
                    r = 1;
                } else if (x >= 1) {
                    r = x < 50 ? 2 : 3;
                } else {
                    r = 4;
                }
            } else if (x < 0) {
                r = x <= -1 ? 5 : 6;
            } else if (x == 0) {
                r = 7;
            } else {
                r = 8; // NaN
            }
            if (!(x <= 10) && r != 8) {
                r += 100;
            }
            out.set(i, r);
        }
    }

    /** Ternaries producing values of every type, nested, and used as array indices. */
    public static void ternaries(FloatArray a, IntArray b, FloatArray out) {
        for (@Parallel int i = 0; i < a.getSize(); i++) {
            float x = a.get(i);
            int k = b.get(i);
            long l = k > 0 ? (long) k * 3 : -(long) k;
            double d = x > 0.5f ? x * 2.0 : (x < -0.5f ? -x : 0.25);
            float f = (k & 1) == 0 ? (float) d : (float) (l % 1000);
            out.set((i & 1) == 0 ? i : i, f + (k > 100 ? 1 : 0));
        }
    }

    /** Dense switch (tableswitch) with fall-through. */
    public static void switchTable(IntArray in, IntArray out) {
        for (@Parallel int i = 0; i < in.getSize(); i++) {
            int v = in.get(i);
            int r = 0;
            switch (v & 7) {
                case 0: r = 10; break;
                case 1: r = 11; // fall through
                case 2: r += 12; break;
                case 3: r = v * 2; break;
                case 4:
                case 5: r = -v; break;
                default: r = 99;
            }
            out.set(i, r);
        }
    }

    /** Sparse switch (lookupswitch) including negative keys. */
    public static void switchLookup(IntArray in, IntArray out) {
        for (@Parallel int i = 0; i < in.getSize(); i++) {
            int v = in.get(i) % 2000;
            int r = switch (v) {
                case -1000 -> 1;
                case -7 -> 2;
                case 0 -> 3;
                case 42 -> 4;
                case 999 -> 5;
                case 1500 -> 6;
                default -> v < 0 ? -1 : 0;
            };
            out.set(i, r);
        }
    }

    static int square(int x) {
        return x * x;
    }

    static int sumOfSquares(int a, int b) {
        return square(a) + square(b);
    }

    static float scaled(float x, int a, int b) {
        int s = sumOfSquares(a, b);
        if (s > 100) {
            return x / s;
        }
        return x * s;
    }

    /** A chain of static helpers (inlined), with early returns. */
    public static void helperChain(FloatArray x, IntArray k, FloatArray out) {
        for (@Parallel int i = 0; i < x.getSize(); i++) {
            out.set(i, scaled(x.get(i), k.get(i) % 13, i % 7));
        }
    }

    static float dotRow(FloatArray m, FloatArray v, int row, int n) {
        float s = 0;
        for (int k = 0; k < n; k++) {
            s += m.get(row * n + k) * v.get(k);
        }
        return s;
    }

    static boolean isOdd(long x) {
        return (x & 1) != 0;
    }

    static double half(double d) {
        return d / 2;
    }

    static long mix(long a, int b) {
        return a * 31 + b;
    }

    /** Helpers taking arrays, returning float/long/boolean/double. */
    public static void helperWithArrays(FloatArray m, FloatArray v, FloatArray out, int n) {
        for (@Parallel int r = 0; r < n; r++) {
            float d = dotRow(m, v, r, n);
            long h = mix(r, n + 3 * r); // integer-only: a float's low bits would make the branch fragile
            out.set(r, isOdd(h) ? (float) half(d) : d);
        }
    }

    static final int FOLDED = Integer.getInteger("kimi.catalogue.never.set", 3) * 7;
    static final boolean CHECKS = false;

    /** static final fields are folded; dead branches on them vanish. */
    public static void staticFinals(IntArray in, IntArray out) {
        for (@Parallel int i = 0; i < in.getSize(); i++) {
            int v = in.get(i) * FOLDED;
            if (CHECKS) {
                v = -1;
            }
            out.set(i, v);
        }
    }
}
