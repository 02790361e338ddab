package ai.kimitornado.tasks.emit.ptx;

import ai.kimitornado.tasks.jit.ir.Reg;
import ai.kimitornado.tasks.jit.ir.Type;
import java.util.EnumMap;
import java.util.Map;

/**
 * Names PTX virtual registers: one per IR register ({@code %r12} for I32 register 12, {@code %rd} I64,
 * {@code %f} F32, {@code %fd} F64, {@code %p} PRED) plus emitter temporaries ({@code %tr3}, and 16-bit
 * {@code %th} for half conversions), and declares them all at the top of the entry.
 */
final class PtxRegisters {
    /** Kinds of PTX register: the IR types plus 16-bit values for fp16/bf16 conversions. */
    enum Kind {
        PRED(".pred", "p"), B16(".b16", "h"), B32(".b32", "r"), B64(".b64", "rd"), F32(".f32", "f"), F64(".f64", "fd");

        final String declType;
        final String prefix;

        Kind(String declType, String prefix) {
            this.declType = declType;
            this.prefix = prefix;
        }

        static Kind of(Type type) {
            return switch (type) {
                case PRED -> PRED;
                case I32 -> B32;
                case I64 -> B64;
                case F32 -> F32;
                case F64 -> F64;
            };
        }
    }

    private final Map<Kind, Integer> irCount = new EnumMap<>(Kind.class);
    private final Map<Kind, Integer> tempCount = new EnumMap<>(Kind.class);

    /** The PTX name of an IR register. */
    String name(Reg reg) {
        Kind kind = Kind.of(reg.type());
        irCount.merge(kind, reg.id() + 1, Math::max);
        return "%" + kind.prefix + reg.id();
    }

    /** A fresh temporary of {@code kind}. */
    String temp(Kind kind) {
        int n = tempCount.merge(kind, 1, Integer::sum);
        return "%t" + kind.prefix + n;
    }

    String temp(Type type) {
        return temp(Kind.of(type));
    }

    /** {@code .reg} declarations covering every name handed out. */
    String declarations() {
        StringBuilder sb = new StringBuilder();
        for (Kind kind : Kind.values()) {
            Integer ir = irCount.get(kind);
            if (ir != null) {
                sb.append("  .reg ").append(kind.declType).append(" %").append(kind.prefix).append('<').append(ir).append(">;\n");
            }
            Integer temps = tempCount.get(kind);
            if (temps != null) {
                sb.append("  .reg ").append(kind.declType).append(" %t").append(kind.prefix).append('<').append(temps + 1)
                        .append(">;\n");
            }
        }
        return sb.toString();
    }
}
