package ai.kimitornado.tasks.emit.spirv;

import ai.kimitornado.tasks.jit.ElemType;
import ai.kimitornado.tasks.jit.ir.Type;

/** The SPIR-V type ids of one module for the IR's register types and memory element types. */
final class SpirvTypes {
    final SpirvModule module;
    final int voidType;
    final int bool;
    final int i32;
    final int i64;
    final int f32;

    SpirvTypes(SpirvModule module) {
        this.module = module;
        this.voidType = module.typeVoid();
        this.bool = module.typeBool();
        this.i32 = module.typeInt(32);
        this.i64 = module.typeInt(64); // Physical64: ids and sizes are 64-bit anyway
        this.f32 = module.typeFloat(32);
    }

    int f64() {
        return module.typeFloat(64);
    }

    int i8() {
        return module.typeInt(8);
    }

    int i16() {
        return module.typeInt(16);
    }

    /** fp16 exists only as the pointee of vload_half/vstore_half pointers (Float16Buffer). */
    int f16() {
        return module.typeFloat(16);
    }

    /** Register type: PRED is OpTypeBool, Java's narrow ints already live in I32. */
    int of(Type type) {
        return switch (type) {
            case PRED -> bool;
            case I32 -> i32;
            case I64 -> i64;
            case F32 -> f32;
            case F64 -> f64();
        };
    }

    /** Type of an element in memory (HALF and BFLOAT16 are raw 16-bit patterns). */
    int memory(ElemType elem) {
        return switch (elem) {
            case BYTE -> i8();
            case SHORT, HALF, BFLOAT16 -> i16();
            case INT -> i32;
            case LONG -> i64;
            case FLOAT -> f32;
            case DOUBLE -> f64();
        };
    }

    int pointer(Spv.StorageClass storage, int pointee) {
        return module.typePointer(storage, pointee);
    }
}
