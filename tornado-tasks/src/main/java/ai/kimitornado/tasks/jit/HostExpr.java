package ai.kimitornado.tasks.jit;

/**
 * An integer expression over the kernel's arguments, evaluated on the host (for @Parallel loop bounds).
 * Evaluated in 64-bit; int parameters are sign-extended.
 */
public sealed interface HostExpr {
    long eval(Object[] args);

    record Constant(long value) implements HostExpr {
        public long eval(Object[] args) { return value; }
        public String toString() { return Long.toString(value); }
    }

    /** The value of scalar parameter {@code index}. */
    record Param(int index, String name) implements HostExpr {
        public long eval(Object[] args) {
            Object v = args[index];
            if (v instanceof Number n) return n.longValue();
            if (v instanceof Character c) return c;
            if (v instanceof Boolean b) return b ? 1 : 0;
            throw new IllegalArgumentException("argument " + index + " (" + name + ") is not an integer: " + v);
        }
        public String toString() { return name; }
    }

    /** getSize() of array parameter {@code index}. */
    record ArraySize(int index, String name) implements HostExpr {
        public long eval(Object[] args) {
            return ((ai.kimitornado.tasks.types.arrays.NativeArray) args[index]).getSize();
        }
        public String toString() { return name + ".getSize()"; }
    }

    /** Integer arithmetic: op is one of + - * / % << >> min max. {@code int32}: wrap to int like the Java code. */
    record Arith(char op, HostExpr a, HostExpr b, boolean int32) implements HostExpr {
        public long eval(Object[] args) {
            long x = a.eval(args), y = b.eval(args);
            long r = switch (op) {
                case '+' -> x + y;
                case '-' -> x - y;
                case '*' -> x * y;
                case '/' -> y == 0 ? 0 : x / y;
                case '%' -> y == 0 ? 0 : x % y;
                case '<' -> int32 ? x << (y & 31) : x << (y & 63);
                case '>' -> int32 ? x >> (y & 31) : x >> (y & 63);
                case 'm' -> Math.min(x, y);
                case 'M' -> Math.max(x, y);
                default -> throw new IllegalStateException("op " + op);
            };
            return int32 ? (int) r : r;
        }
        public String toString() { return "(" + a + " " + op + " " + b + ")"; }
    }
}
