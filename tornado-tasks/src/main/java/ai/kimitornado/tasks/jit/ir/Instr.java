package ai.kimitornado.tasks.jit.ir;

import ai.kimitornado.tasks.jit.ir.Ops.BinOp;
import ai.kimitornado.tasks.jit.ir.Ops.Builtin;
import ai.kimitornado.tasks.jit.ir.Ops.CmpOp;
import ai.kimitornado.tasks.jit.ir.Ops.ConvOp;
import ai.kimitornado.tasks.jit.ir.Ops.Fence;
import ai.kimitornado.tasks.jit.ir.Ops.MathOp;
import ai.kimitornado.tasks.jit.ir.Ops.ShuffleMode;
import ai.kimitornado.tasks.jit.ir.Ops.UnOp;
import java.util.List;

/** Non-terminating instructions of a {@link Block}. {@link #dst()} is null for instructions without a result. */
public sealed interface Instr {
    Reg dst();

    /** Inputs, in order. */
    List<Operand> uses();

    /** Every register the instruction writes: {@link #dst()}, or the four results of {@link MmaBf16}. */
    default List<Reg> defs() {
        return dst() == null ? List.of() : List.of(dst());
    }

    /** True if removing the instruction changes behaviour even when its result is unused. */
    default boolean hasSideEffects() {
        return false;
    }

    /** dst = src (same type). */
    record Move(Reg dst, Operand src) implements Instr {
        public List<Operand> uses() { return List.of(src); }
    }

    /** dst = op a. */
    record Unary(Reg dst, UnOp op, Operand a) implements Instr {
        public List<Operand> uses() { return List.of(a); }
    }

    /** dst = a op b. */
    record Binary(Reg dst, BinOp op, Operand a, Operand b) implements Instr {
        public List<Operand> uses() { return List.of(a, b); }
    }

    /** dst:PRED = a op b (a, b of one type). */
    record Compare(Reg dst, CmpOp op, Operand a, Operand b) implements Instr {
        public List<Operand> uses() { return List.of(a, b); }
    }

    /** dst = cond ? a : b (cond PRED). */
    record Select(Reg dst, Operand cond, Operand a, Operand b) implements Instr {
        public List<Operand> uses() { return List.of(cond, a, b); }
    }

    /** dst = convert(src). */
    record Convert(Reg dst, ConvOp op, Operand src) implements Instr {
        public List<Operand> uses() { return List.of(src); }
    }

    /** dst = op(args) on dst's type. */
    record MathCall(Reg dst, MathOp op, List<Operand> args) implements Instr {
        public List<Operand> uses() { return args; }
    }

    /** dst = array[index] (index I32). BYTE/SHORT/HALF/BFLOAT16 elements are sign-extended into I32. */
    record Load(Reg dst, ArrayRef array, Operand index) implements Instr {
        public List<Operand> uses() { return List.of(index); }
    }

    /**
     * dst:I64 = the 8 bytes at element {@code index} of a GLOBAL HALF/BFLOAT16 array, i.e. the bit patterns of
     * elements index..index+3 packed little-endian (element index in bits 0..15). {@code index} is a multiple of 4,
     * so the address is 8-byte aligned (device buffers are); emitters print ONE 8-byte load. The front end rejects
     * it on arrays the kernel writes (no aliasing between 16-bit stores and 64-bit loads to reason about).
     */
    record LoadPacked(Reg dst, ArrayRef array, Operand index) implements Instr {
        public List<Operand> uses() { return List.of(index); }
    }

    /** array[index] = value (narrowed to the element type for BYTE/SHORT/HALF/BFLOAT16). */
    record Store(ArrayRef array, Operand index, Operand value) implements Instr {
        public Reg dst() { return null; }
        public List<Operand> uses() { return List.of(index, value); }
        public boolean hasSideEffects() { return true; }
    }

    /** dst = old array[index]; array[index] += value, atomically (INT, LONG, FLOAT global arrays). */
    record AtomicAdd(Reg dst, ArrayRef array, Operand index, Operand value) implements Instr {
        public List<Operand> uses() { return List.of(index, value); }
        public boolean hasSideEffects() { return true; }
    }

    /** dst:I32 = number of elements of a GLOBAL array (a hidden ARRAY_SIZE kernel argument). */
    record ArrayLength(Reg dst, ArrayRef array) implements Instr {
        public List<Operand> uses() { return List.of(); }
    }

    /** dst:I32 = work-item builtin of dimension dim (0..2). */
    record WorkItem(Reg dst, Builtin builtin, int dim) implements Instr {
        public List<Operand> uses() { return List.of(); }
    }

    /** Work-group barrier. */
    record Barrier(Fence fence) implements Instr {
        public Reg dst() { return null; }
        public List<Operand> uses() { return List.of(); }
        public boolean hasSideEffects() { return true; }
    }

    /**
     * dst = {@code value} (I32 or F32, exchanged as raw bits) of another lane of the caller's warp (32 consecutive
     * work-items in linear local-id order x + y*sx + z*sx*sy), per {@link ShuffleMode}; {@code lane} is I32 and only
     * its low 5 bits count. Every work-item of the work-group executes it (uniform control flow, like a barrier);
     * the group size is a multiple of 32 (checked at launch). Emulations through local memory add barriers.
     */
    record WarpShuffle(Reg dst, ShuffleMode mode, Operand value, Operand lane) implements Instr {
        public List<Operand> uses() { return List.of(value, lane); }
    }

    /**
     * Warp-collective tensor-core tile product {@code D = A·B + C} of one m16n8k16 tile (PTX
     * {@code mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32}): A 16×16 bf16 row-major, B 16×8 bf16
     * column-major, C and D 16×8 fp32. The operands are this lane's fragments in PTX's layout (groupID = lane>>2,
     * t = lane&3): {@code a} 4 I32 (two bf16 each, lower column in bits 0..15: A[g][2t..], A[g+8][2t..],
     * A[g][2t+8..], A[g+8][2t+8..]), {@code b} 2 I32 (B[2t..][g], B[2t+8..][g]), {@code c} 4 F32 (C[g][2t],
     * C[g][2t+1], C[g+8][2t], C[g+8][2t+1]); {@code d} 4 F32 registers in C's layout. Exact emulation (every
     * backend without tensor cores): {@code d = c; for k = 0..15: d = fma(A[i][k], B[k][j], d)} (products of bf16
     * are exact in fp32). Collective like {@link WarpShuffle}: every work-item of the group executes it.
     * {@link #dst()} is null: the results are {@link #defs()}.
     */
    record MmaBf16(List<Reg> d, List<Operand> a, List<Operand> b, List<Operand> c) implements Instr {
        public MmaBf16 {
            if (d.size() != 4 || a.size() != 4 || b.size() != 2 || c.size() != 4) {
                throw new IllegalArgumentException("mma m16n8k16 takes 4 d, 4 a, 2 b and 4 c registers");
            }
            d = List.copyOf(d);
            a = List.copyOf(a);
            b = List.copyOf(b);
            c = List.copyOf(c);
        }

        public Reg dst() { return null; }

        public List<Reg> defs() { return d; }

        public List<Operand> uses() {
            List<Operand> all = new java.util.ArrayList<>(a);
            all.addAll(b);
            all.addAll(c);
            return List.copyOf(all);
        }

        /** Collective (and a barrier in the emulations): never removed, even when no result is read. */
        public boolean hasSideEffects() { return true; }
    }
}
