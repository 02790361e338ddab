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
}
