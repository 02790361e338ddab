package ai.kimitornado.tasks.jit;

import ai.kimitornado.tasks.jit.ir.Block;
import ai.kimitornado.tasks.jit.ir.Const;
import ai.kimitornado.tasks.jit.ir.Instr;
import ai.kimitornado.tasks.jit.ir.Operand;
import ai.kimitornado.tasks.jit.ir.Ops.BinOp;
import ai.kimitornado.tasks.jit.ir.Ops.CmpOp;
import ai.kimitornado.tasks.jit.ir.Ops.ConvOp;
import ai.kimitornado.tasks.jit.ir.Reg;
import ai.kimitornado.tasks.jit.ir.Terminator;
import ai.kimitornado.tasks.jit.ir.Type;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * IR clean-up: constant folding (Java semantics, registers with one definition only), branch folding, jump
 * threading through empty blocks, dead-code elimination. Every pass preserves behaviour exactly.
 */
final class Passes {
    private Passes() {
    }

    static void run(KernelBuilder kb) {
        for (int round = 0; round < 8; round++) {
            boolean changed = foldConstants(kb.blocks);
            changed |= threadJumps(kb.blocks);
            changed |= removeDeadCode(reachable(kb.blocks));
            changed |= coalesceMoves(reachable(kb.blocks));
            if (!changed) {
                break;
            }
        }
    }

    /** Blocks reachable from the entry, in creation order. */
    static List<Block> reachable(List<Block> blocks) {
        Set<Block> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<Block> work = new ArrayDeque<>();
        work.add(blocks.get(0));
        seen.add(blocks.get(0));
        while (!work.isEmpty()) {
            Block b = work.poll();
            for (Block s : b.terminator().successors()) {
                if (seen.add(s)) {
                    work.add(s);
                }
            }
        }
        List<Block> out = new ArrayList<>();
        for (Block b : blocks) {
            if (seen.contains(b)) {
                out.add(b);
            }
        }
        return out;
    }

    // ------------------------------------------------------------ constant folding

    private static boolean foldConstants(List<Block> all) {
        List<Block> blocks = reachable(all);
        Map<Reg, Integer> defs = new HashMap<>();
        for (Block b : blocks) {
            for (Instr i : b.instrs()) {
                for (Reg d : i.defs()) {
                    defs.merge(d, 1, Integer::sum);
                }
            }
        }
        Map<Reg, Const> known = new HashMap<>();
        boolean progress = true;
        while (progress) {
            progress = false;
            for (Block b : blocks) {
                for (Instr i : b.instrs()) {
                    Reg d = i.dst();
                    if (d == null || defs.get(d) != 1 || known.containsKey(d)) {
                        continue;
                    }
                    Const c = evaluate(i, known);
                    if (c != null) {
                        known.put(d, c);
                        progress = true;
                    }
                }
            }
        }
        boolean changed = false;
        for (Block b : blocks) {
            List<Instr> instrs = b.instrs();
            for (int k = 0; k < instrs.size(); k++) {
                Instr i = instrs.get(k);
                if (i.dst() != null && known.containsKey(i.dst())) {
                    Instr m = new Instr.Move(i.dst(), known.get(i.dst()));
                    if (!m.equals(i)) {
                        instrs.set(k, m);
                        changed = true;
                    }
                    continue;
                }
                Instr r = substitute(i, known);
                if (r != i) {
                    instrs.set(k, r);
                    changed = true;
                }
            }
            Terminator t = b.terminator();
            Terminator nt = switch (t) {
                case Terminator.Branch br -> {
                    Operand c = sub(br.cond(), known);
                    if (c instanceof Const k) {
                        yield new Terminator.Jump(k.asPred() ? br.ifTrue() : br.ifFalse());
                    }
                    yield c == br.cond() ? t : new Terminator.Branch(c, br.ifTrue(), br.ifFalse());
                }
                case Terminator.Switch sw -> {
                    Operand v = sub(sw.value(), known);
                    if (v instanceof Const k) {
                        Block target = sw.defaultTarget();
                        for (int j = 0; j < sw.keys().length; j++) {
                            if (sw.keys()[j] == k.asInt()) {
                                target = sw.targets().get(j);
                            }
                        }
                        yield new Terminator.Jump(target);
                    }
                    yield t;
                }
                default -> t;
            };
            if (nt != t) {
                b.setTerminator(nt);
                changed = true;
            }
        }
        return changed;
    }

    private static Operand sub(Operand o, Map<Reg, Const> known) {
        return o instanceof Reg r && known.containsKey(r) ? known.get(r) : o;
    }

    private static Instr substitute(Instr i, Map<Reg, Const> k) {
        Instr r = switch (i) {
            case Instr.Move m -> new Instr.Move(m.dst(), sub(m.src(), k));
            case Instr.Unary u -> new Instr.Unary(u.dst(), u.op(), sub(u.a(), k));
            case Instr.Binary b -> new Instr.Binary(b.dst(), b.op(), sub(b.a(), k), sub(b.b(), k));
            case Instr.Compare c -> new Instr.Compare(c.dst(), c.op(), sub(c.a(), k), sub(c.b(), k));
            case Instr.Select s -> new Instr.Select(s.dst(), sub(s.cond(), k), sub(s.a(), k), sub(s.b(), k));
            case Instr.Convert c -> new Instr.Convert(c.dst(), c.op(), sub(c.src(), k));
            case Instr.MathCall m -> new Instr.MathCall(m.dst(), m.op(), m.args().stream().map(a -> sub(a, k)).toList());
            case Instr.Load l -> new Instr.Load(l.dst(), l.array(), sub(l.index(), k));
            case Instr.LoadPacked l -> new Instr.LoadPacked(l.dst(), l.array(), sub(l.index(), k));
            case Instr.WarpShuffle w -> new Instr.WarpShuffle(w.dst(), w.mode(), sub(w.value(), k), sub(w.lane(), k));
            case Instr.MmaBf16 m -> new Instr.MmaBf16(m.d(), m.a().stream().map(a -> sub(a, k)).toList(),
                    m.b().stream().map(a -> sub(a, k)).toList(), m.c().stream().map(a -> sub(a, k)).toList());
            case Instr.Store s -> new Instr.Store(s.array(), sub(s.index(), k), sub(s.value(), k));
            case Instr.AtomicAdd a -> new Instr.AtomicAdd(a.dst(), a.array(), sub(a.index(), k), sub(a.value(), k));
            default -> i;
        };
        return r.equals(i) ? i : r;
    }

    /** Value of {@code i} if all its inputs are constants and the operation is foldable exactly; else null. */
    static Const evaluate(Instr i, Map<Reg, Const> known) {
        List<Operand> uses = i.uses();
        if (uses.isEmpty()) {
            return null;
        }
        Const[] c = new Const[uses.size()];
        for (int k = 0; k < c.length; k++) {
            Operand o = sub(uses.get(k), known);
            if (!(o instanceof Const x)) {
                return null;
            }
            c[k] = x;
        }
        return switch (i) {
            case Instr.Move m -> c[0];
            case Instr.Unary u -> switch (u.op()) {
                case NOT -> Const.pred(!c[0].asPred());
                case NEG -> switch (u.dst().type()) {
                    case I32 -> Const.i32(-c[0].asInt());
                    case I64 -> Const.i64(-c[0].asLong());
                    case F32 -> Const.f32(-c[0].asFloat());
                    case F64 -> Const.f64(-c[0].asDouble());
                    default -> null;
                };
            };
            case Instr.Binary b -> binary(b.op(), b.dst().type(), c[0], c[1]);
            case Instr.Compare cmp -> compare(cmp.op(), c[0], c[1]);
            case Instr.Select s -> c[0].asPred() ? c[1] : c[2];
            case Instr.Convert cv -> convert(cv.op(), c[0]);
            default -> null;
        };
    }

    static Const binary(BinOp op, Type t, Const a, Const b) {
        switch (t) {
            case I32 -> {
                int x = a.asInt(), y = b.asInt();
                return Const.i32(switch (op) {
                    case ADD -> x + y; case SUB -> x - y; case MUL -> x * y;
                    case DIV -> y == 0 ? 0 : x / y; case REM -> y == 0 ? 0 : x % y;
                    case AND -> x & y; case OR -> x | y; case XOR -> x ^ y;
                    case SHL -> x << y; case SHR -> x >> y; case USHR -> x >>> y;
                });
            }
            case I64 -> {
                long x = a.asLong(), y = b.asLong();
                int s = b.asInt();
                return Const.i64(switch (op) {
                    case ADD -> x + y; case SUB -> x - y; case MUL -> x * y;
                    case DIV -> y == 0 ? 0 : x / y; case REM -> y == 0 ? 0 : x % y;
                    case AND -> x & y; case OR -> x | y; case XOR -> x ^ y;
                    case SHL -> x << s; case SHR -> x >> s; case USHR -> x >>> s;
                });
            }
            case F32 -> {
                float x = a.asFloat(), y = b.asFloat();
                return switch (op) {
                    case ADD -> Const.f32(x + y); case SUB -> Const.f32(x - y); case MUL -> Const.f32(x * y);
                    case DIV -> Const.f32(x / y); case REM -> Const.f32(x % y);
                    default -> null;
                };
            }
            case F64 -> {
                double x = a.asDouble(), y = b.asDouble();
                return switch (op) {
                    case ADD -> Const.f64(x + y); case SUB -> Const.f64(x - y); case MUL -> Const.f64(x * y);
                    case DIV -> Const.f64(x / y); case REM -> Const.f64(x % y);
                    default -> null;
                };
            }
            default -> {
                return null;
            }
        }
    }

    static Const compare(CmpOp op, Const a, Const b) {
        Type t = a.type();
        int r;
        if (t == Type.F32 || t == Type.F64) {
            double x = t == Type.F32 ? a.asFloat() : a.asDouble(), y = t == Type.F32 ? b.asFloat() : b.asDouble();
            return Const.pred(switch (op) {
                case EQ -> x == y; case NE -> x != y; case LT -> x < y; case LE -> x <= y; case GT -> x > y; case GE -> x >= y;
            });
        }
        r = Long.compare(t == Type.I32 ? a.asInt() : a.asLong(), t == Type.I32 ? b.asInt() : b.asLong());
        if (t == Type.PRED) {
            r = Long.compare(a.bits(), b.bits());
        }
        return Const.pred(switch (op) {
            case EQ -> r == 0; case NE -> r != 0; case LT -> r < 0; case LE -> r <= 0; case GT -> r > 0; case GE -> r >= 0;
        });
    }

    static Const convert(ConvOp op, Const a) {
        return switch (op) {
            case I2L -> Const.i64(a.asInt());
            case I2F -> Const.f32(a.asInt());
            case I2D -> Const.f64(a.asInt());
            case L2I -> Const.i32((int) a.asLong());
            case L2F -> Const.f32(a.asLong());
            case L2D -> Const.f64(a.asLong());
            case F2I -> Const.i32((int) a.asFloat());
            case F2L -> Const.i64((long) a.asFloat());
            case F2D -> Const.f64(a.asFloat());
            case D2I -> Const.i32((int) a.asDouble());
            case D2L -> Const.i64((long) a.asDouble());
            case D2F -> Const.f32((float) a.asDouble());
            case I2B -> Const.i32((byte) a.asInt());
            case I2S -> Const.i32((short) a.asInt());
            case I2C -> Const.i32((char) a.asInt());
            case F2BITS -> Const.i32(Float.floatToRawIntBits(a.asFloat()));
            case BITS2F -> Const.f32(Float.intBitsToFloat(a.asInt()));
            case D2BITS -> Const.i64(Double.doubleToRawLongBits(a.asDouble()));
            case BITS2D -> Const.f64(Double.longBitsToDouble(a.asLong()));
            case HALF2F -> Const.f32(Float.float16ToFloat((short) a.asInt()));
            case F2HALF -> Const.i32(Float.floatToFloat16(a.asFloat()));
        };
    }

    // ------------------------------------------------------------ jump threading

    private static boolean threadJumps(List<Block> blocks) {
        Block entry = blocks.get(0);
        Map<Block, Block> forward = new IdentityHashMap<>();
        for (Block b : blocks) {
            if (b != entry && b.instrs().isEmpty() && b.terminator() instanceof Terminator.Jump j && j.target() != b) {
                forward.put(b, j.target());
            }
        }
        if (forward.isEmpty()) {
            return false;
        }
        boolean changed = false;
        for (Block b : blocks) {
            Terminator t = b.terminator();
            if (t == null) {
                continue;
            }
            Terminator nt = switch (t) {
                case Terminator.Jump j -> new Terminator.Jump(resolve(j.target(), forward));
                case Terminator.Branch br -> {
                    Block x = resolve(br.ifTrue(), forward), y = resolve(br.ifFalse(), forward);
                    yield new Terminator.Branch(br.cond(), x, y);
                }
                case Terminator.Switch sw -> new Terminator.Switch(sw.value(), sw.keys(),
                        sw.targets().stream().map(x -> resolve(x, forward)).toList(), resolve(sw.defaultTarget(), forward));
                case Terminator.Return r -> r;
            };
            if (!sameTargets(t, nt)) {
                b.setTerminator(nt);
                changed = true;
            }
        }
        return changed;
    }

    private static boolean sameTargets(Terminator a, Terminator b) {
        List<Block> x = a.successors(), y = b.successors();
        for (int i = 0; i < x.size(); i++) {
            if (x.get(i) != y.get(i)) {
                return false;
            }
        }
        return true;
    }

    private static Block resolve(Block b, Map<Block, Block> forward) {
        Set<Block> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        while (forward.containsKey(b) && seen.add(b)) {
            b = forward.get(b);
        }
        return b;
    }

    // ------------------------------------------------------------ move coalescing

    /**
     * {@code t = expr; x = t;} with t defined and used exactly once becomes {@code x = expr;} (the two are
     * adjacent, so x receives the same value at the same point).
     */
    private static boolean coalesceMoves(List<Block> blocks) {
        Map<Reg, Integer> defs = new HashMap<>(), uses = new HashMap<>();
        for (Block b : blocks) {
            for (Instr i : b.instrs()) {
                for (Reg d : i.defs()) {
                    defs.merge(d, 1, Integer::sum);
                }
                for (Operand o : i.uses()) {
                    if (o instanceof Reg r) {
                        uses.merge(r, 1, Integer::sum);
                    }
                }
            }
            for (Operand o : b.terminator().uses()) {
                if (o instanceof Reg r) {
                    uses.merge(r, 1, Integer::sum);
                }
            }
        }
        boolean changed = false;
        for (Block b : blocks) {
            List<Instr> in = b.instrs();
            for (int k = 0; k + 1 < in.size(); k++) {
                Instr first = in.get(k);
                Reg t = first.dst();
                if (t != null && in.get(k + 1) instanceof Instr.Move m && m.src().equals(t) && !m.dst().equals(t)
                        && defs.getOrDefault(t, 0) == 1 && uses.getOrDefault(t, 0) == 1) {
                    Instr merged = withDst(first, m.dst());
                    if (merged != null) {
                        in.set(k, merged);
                        in.remove(k + 1);
                        defs.merge(m.dst(), 0, Integer::sum);
                        changed = true;
                    }
                }
            }
        }
        return changed;
    }

    private static Instr withDst(Instr i, Reg d) {
        return switch (i) {
            case Instr.Move m -> new Instr.Move(d, m.src());
            case Instr.Unary u -> new Instr.Unary(d, u.op(), u.a());
            case Instr.Binary b -> new Instr.Binary(d, b.op(), b.a(), b.b());
            case Instr.Compare c -> new Instr.Compare(d, c.op(), c.a(), c.b());
            case Instr.Select s -> new Instr.Select(d, s.cond(), s.a(), s.b());
            case Instr.Convert c -> new Instr.Convert(d, c.op(), c.src());
            case Instr.MathCall m -> new Instr.MathCall(d, m.op(), m.args());
            case Instr.Load l -> new Instr.Load(d, l.array(), l.index());
            case Instr.LoadPacked l -> new Instr.LoadPacked(d, l.array(), l.index());
            case Instr.WarpShuffle w -> new Instr.WarpShuffle(d, w.mode(), w.value(), w.lane());
            case Instr.AtomicAdd a -> new Instr.AtomicAdd(d, a.array(), a.index(), a.value());
            case Instr.ArrayLength a -> new Instr.ArrayLength(d, a.array());
            case Instr.WorkItem w -> new Instr.WorkItem(d, w.builtin(), w.dim());
            default -> null;
        };
    }

    /** Reachable blocks in reverse postorder from the entry (emitters print fewer jumps). */
    static List<Block> reversePostorder(List<Block> blocks) {
        Set<Block> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        List<Block> post = new ArrayList<>();
        ArrayDeque<Block> stack = new ArrayDeque<>();
        ArrayDeque<java.util.Iterator<Block>> its = new ArrayDeque<>();
        Block entry = blocks.get(0);
        seen.add(entry);
        stack.push(entry);
        its.push(entry.terminator().successors().iterator());
        while (!stack.isEmpty()) {
            java.util.Iterator<Block> it = its.peek();
            if (it.hasNext()) {
                Block s = it.next();
                if (seen.add(s)) {
                    stack.push(s);
                    its.push(s.terminator().successors().iterator());
                }
            } else {
                post.add(stack.pop());
                its.pop();
            }
        }
        java.util.Collections.reverse(post);
        return post;
    }

    // ------------------------------------------------------------ dead code

    private static boolean removeDeadCode(List<Block> blocks) {
        boolean changed = false;
        while (true) {
            Set<Reg> used = new HashSet<>();
            for (Block b : blocks) {
                for (Instr i : b.instrs()) {
                    for (Operand o : i.uses()) {
                        if (o instanceof Reg r) {
                            used.add(r);
                        }
                    }
                }
                for (Operand o : b.terminator().uses()) {
                    if (o instanceof Reg r) {
                        used.add(r);
                    }
                }
            }
            boolean removed = false;
            for (Block b : blocks) {
                removed |= b.instrs().removeIf(i -> !i.hasSideEffects() && i.dst() != null && !used.contains(i.dst()));
                removed |= b.instrs().removeIf(i -> i instanceof Instr.Move m && m.src().equals(m.dst()));
            }
            if (!removed) {
                return changed;
            }
            changed = true;
        }
    }
}
