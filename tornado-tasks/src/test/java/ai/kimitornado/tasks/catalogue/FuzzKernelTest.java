package ai.kimitornado.tasks.catalogue;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import ai.kimitornado.tasks.emit.opencl.OpenClEmitter;
import ai.kimitornado.tasks.jit.KernelCompiler;
import ai.kimitornado.tasks.jit.KernelIR;
import ai.kimitornado.tasks.jit.KernelRef;
import ai.kimitornado.tasks.types.arrays.DoubleArray;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;
import ai.kimitornado.tasks.types.arrays.LongArray;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Differential fuzzing of the JIT's semantics: random kernels of exact int/long/float/double arithmetic, casts,
 * shifts, comparisons, ternaries, branches, loops and switches are generated as Java source, compiled with javac,
 * JIT-compiled to OpenCL C, run on PoCL and compared bit for bit (NaNs equal) with the same method run as Java.
 * Only IEEE-exact operations are generated, so any difference is a JIT bug. The seed is printed.
 */
class FuzzKernelTest {
    private static final int KERNELS = 4;
    private static final int N = 512;

    @TempDir
    Path dir;

    @Test
    void randomKernelsMatchJavaOnOpenCl() throws Exception {
        ClHarness cl = ClHarness.openOrNull();
        Assumptions.assumeTrue(cl != null, "no OpenCL device");
        long seed = System.nanoTime();
        System.out.println("FuzzKernelTest seed=" + seed);
        Random r = new Random(seed);
        List<String> names = new ArrayList<>();
        for (int k = 0; k < KERNELS; k++) {
            String name = "Fuzz" + k;
            Files.writeString(dir.resolve(name + ".java"), new Generator(r).kernelClass(name));
            names.add(name);
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> args = new ArrayList<>(List.of("-g", "-parameters", "-nowarn", "-d", dir.toString(),
                "-cp", System.getProperty("java.class.path")));
        for (String n : names) {
            args.add(dir.resolve(n + ".java").toString());
        }
        int rc = javac.run(null, null, null, args.toArray(String[]::new));
        if (rc != 0) {
            fail("generated source did not compile (seed " + seed + ")");
        }
        try (cl; URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            for (String n : names) {
                Class<?> c = loader.loadClass(n);
                KernelRef ref = KernelRef.of(c, "k");
                KernelIR ir = KernelCompiler.frontEnd(ref);
                var emitted = OpenClEmitter.emit(ir);
                assertNotNull(emitted.source());
                long argSeed = r.nextLong();
                Object[] expected = arguments(argSeed), actual = arguments(argSeed);
                ref.method().invoke(null, expected);
                cl.run(ir, emitted, actual, new long[] {N / 4}, null); // grid-stride: 4 iterations per work-item
                compare(n, seed, expected, actual, Files.readString(dir.resolve(n + ".java")), emitted.source());
            }
        }
    }

    private static Object[] arguments(long seed) {
        Random r = new Random(seed);
        IntArray ia = Gen.ints(r, N);
        LongArray la = Gen.longs(r, N, false);
        FloatArray fa = Gen.specialFloats(r, N);
        DoubleArray da = Gen.specialDoubles(r, N);
        return new Object[] {ia, la, fa, da, Gen.poisonInts(N), Gen.poisonLongs(N), Gen.poisonFloats(N), Gen.poisonDoubles(N)};
    }

    private static void compare(String name, long seed, Object[] e, Object[] a, String java, String cl) {
        for (int i = 0; i < N; i++) {
            String where = null;
            if (((IntArray) e[4]).get(i) != ((IntArray) a[4]).get(i)) {
                where = "oi[" + i + "]: java " + ((IntArray) e[4]).get(i) + " device " + ((IntArray) a[4]).get(i);
            } else if (((LongArray) e[5]).get(i) != ((LongArray) a[5]).get(i)) {
                where = "ol[" + i + "]: java " + ((LongArray) e[5]).get(i) + " device " + ((LongArray) a[5]).get(i);
            } else if (!sameFloat(((FloatArray) e[6]).get(i), ((FloatArray) a[6]).get(i))) {
                where = "of[" + i + "]: java " + ((FloatArray) e[6]).get(i) + " device " + ((FloatArray) a[6]).get(i);
            } else if (!sameDouble(((DoubleArray) e[7]).get(i), ((DoubleArray) a[7]).get(i))) {
                where = "od[" + i + "]: java " + ((DoubleArray) e[7]).get(i) + " device " + ((DoubleArray) a[7]).get(i);
            }
            if (where != null) {
                fail(name + " (seed " + seed + ") differs at " + where + "\n--- Java ---\n" + ClHarness.numbered(java)
                        + "\n--- OpenCL ---\n" + ClHarness.numbered(cl));
            }
        }
    }

    private static boolean sameFloat(float x, float y) {
        return Float.isNaN(x) ? Float.isNaN(y) : Float.floatToRawIntBits(x) == Float.floatToRawIntBits(y);
    }

    private static boolean sameDouble(double x, double y) {
        return Double.isNaN(x) ? Double.isNaN(y) : Double.doubleToRawLongBits(x) == Double.doubleToRawLongBits(y);
    }

    /** Random exact-arithmetic Java. Every subexpression is parenthesised; divisors are made non-zero. */
    private static final class Generator {
        private final Random r;
        private final List<String> ints = new ArrayList<>(), longs = new ArrayList<>(), floats = new ArrayList<>(),
                doubles = new ArrayList<>();
        private int vars;

        Generator(Random r) {
            this.r = r;
        }

        String kernelClass(String name) {
            StringBuilder b = new StringBuilder();
            b.append("import ai.kimitornado.tasks.api.Parallel;\nimport ai.kimitornado.tasks.types.arrays.*;\n")
                    .append("public class ").append(name).append(" {\n")
                    .append("  public static void k(IntArray ia, LongArray la, FloatArray fa, DoubleArray da, IntArray oi,")
                    .append(" LongArray ol, FloatArray of, DoubleArray od) {\n")
                    .append("    for (@Parallel int i = 0; i < ia.getSize(); i++) {\n")
                    .append("      int i0 = ia.get(i); long l0 = la.get(i); float f0 = fa.get(i); double d0 = da.get(i);\n");
            ints.add("i0");
            ints.add("i");
            longs.add("l0");
            floats.add("f0");
            doubles.add("d0");
            int statements = 8 + r.nextInt(8);
            for (int s = 0; s < statements; s++) {
                b.append(statement());
            }
            b.append("      oi.set(i, ").append(sum(ints, "+")).append(");\n")
                    .append("      ol.set(i, ").append(sum(longs, "^")).append(");\n")
                    .append("      of.set(i, ").append(last(floats)).append(");\n")
                    .append("      od.set(i, ").append(last(doubles)).append(");\n")
                    .append("    }\n  }\n}\n");
            return b.toString();
        }

        private static String sum(List<String> vs, String op) {
            return String.join(" " + op + " ", vs);
        }

        private static String last(List<String> vs) {
            return vs.get(vs.size() - 1);
        }

        private String statement() {
            int kind = r.nextInt(10);
            String t = "ilfd".substring(r.nextInt(4)).substring(0, 1);
            if (kind < 6) {
                String v = fresh(t);
                String s = "      " + javaType(t) + " " + v + " = " + expr(t, 3) + ";\n";
                list(t).add(v);
                return s;
            }
            String target = pick(list(t));
            if (target.equals("i")) {
                target = "i0";
            }
            if (kind < 8) {
                return "      if (" + cond(2) + ") { " + target + " = " + expr(t, 2) + "; } else { " + target + " += "
                        + expr(t, 1) + "; }\n";
            }
            if (kind == 8) {
                return "      for (int q = 0; q < ((" + pick(ints) + ") & 7); q++) { if (q == 5) break; if ((q & 1) == 1)"
                        + " continue; " + target + " = " + target + " * " + literal(t) + " + " + expr(t, 1) + "; }\n";
            }
            return "      switch ((" + pick(ints) + ") & 7) { case 1: " + target + " = " + expr(t, 2) + "; break; case 3: case 6: "
                    + target + " -= " + expr(t, 1) + "; break; default: " + target + " *= " + literal(t) + "; }\n";
        }

        private String fresh(String t) {
            return t + "v" + (vars++);
        }

        private List<String> list(String t) {
            return switch (t) {
                case "i" -> ints;
                case "l" -> longs;
                case "f" -> floats;
                default -> doubles;
            };
        }

        private static String javaType(String t) {
            return switch (t) {
                case "i" -> "int";
                case "l" -> "long";
                case "f" -> "float";
                default -> "double";
            };
        }

        private String pick(List<String> l) {
            return l.get(r.nextInt(l.size()));
        }

        private String literal(String t) {
            return switch (t) {
                case "i" -> new String[] {"0", "1", "(-1)", "7", "(-13)", "255", "Integer.MIN_VALUE", "Integer.MAX_VALUE",
                    Integer.toString(r.nextInt(1000))}[r.nextInt(9)];
                case "l" -> new String[] {"0L", "1L", "(-1L)", "3L", "Long.MIN_VALUE", "Long.MAX_VALUE", "4294967296L",
                    r.nextInt(100000) + "L"}[r.nextInt(8)];
                case "f" -> new String[] {"0f", "(-0f)", "1.5f", "(-2.25f)", "Float.NaN", "Float.POSITIVE_INFINITY",
                    "3e9f", "1e-3f", "0.1f"}[r.nextInt(9)];
                default -> new String[] {"0.0", "(-0.0)", "1.5", "(-2.25)", "Double.NaN", "Double.NEGATIVE_INFINITY",
                    "1e19", "1e-300", "0.1"}[r.nextInt(9)];
            };
        }

        private String expr(String t, int depth) {
            if (depth == 0 || r.nextInt(4) == 0) {
                return r.nextInt(3) == 0 ? literal(t) : pick(list(t));
            }
            String a = expr(t, depth - 1), b = expr(t, depth - 1);
            boolean integral = t.equals("i") || t.equals("l");
            String one = t.equals("l") ? "1L" : "1";
            int choice = r.nextInt(integral ? 16 : 11);
            return switch (choice) {
                case 0 -> "(" + a + " + " + b + ")";
                case 1 -> "(" + a + " - " + b + ")";
                case 2 -> "(" + a + " * " + b + ")";
                case 3 -> integral ? "(" + a + " / (" + b + " | " + one + "))" : "(" + a + " / " + b + ")";
                case 4 -> integral ? "(" + a + " % (" + b + " | " + one + "))" : "(" + a + " % " + b + ")";
                case 5 -> "(-" + a + ")";
                case 6 -> "(" + cond(depth - 1) + " ? " + a + " : " + b + ")";
                case 7 -> "Math." + (r.nextBoolean() ? "min" : "max") + "(" + a + ", " + b + ")";
                case 8 -> "Math.abs(" + a + ")";
                case 9, 10 -> cast(t, depth - 1);
                case 11 -> "(" + a + " & " + b + ")";
                case 12 -> "(" + a + " | (~" + b + "))";
                case 13 -> "(" + a + " ^ " + b + ")";
                case 14 -> "(" + a + (new String[] {" << ", " >> ", " >>> "}[r.nextInt(3)]) + expr("i", depth - 1) + ")";
                default -> "(" + a + (new String[] {" << ", " >> ", " >>> "}[r.nextInt(3)]) + (r.nextInt(140) - 70) + ")";
            };
        }

        private String cast(String t, int depth) {
            String from = "ilfd".substring(r.nextInt(4)).substring(0, 1);
            String inner = "(" + javaType(t) + ") " + "(" + expr(from, depth) + ")";
            if (t.equals("i") && r.nextInt(3) == 0) {
                inner = "(" + new String[] {"byte", "short", "char"}[r.nextInt(3)] + ") (" + expr(from, depth) + ")";
                return "((int) " + inner + ")";
            }
            return "(" + inner + ")";
        }

        private String cond(int depth) {
            String t = "ilfd".substring(r.nextInt(4)).substring(0, 1);
            String rel = new String[] {"<", "<=", ">", ">=", "==", "!="}[r.nextInt(6)];
            String c = "(" + expr(t, depth) + " " + rel + " " + expr(t, depth) + ")";
            return switch (r.nextInt(4)) {
                case 0 -> "(!" + c + ")";
                case 1 -> "(" + c + " && " + "(" + pick(ints) + " > 0))";
                case 2 -> "(" + c + " || " + "(" + pick(floats) + " != " + pick(floats) + "))";
                default -> c;
            };
        }
    }
}
