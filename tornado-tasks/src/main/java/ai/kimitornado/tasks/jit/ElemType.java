package ai.kimitornado.tasks.jit;

import ai.kimitornado.tasks.jit.ir.Type;
import ai.kimitornado.tasks.types.arrays.BFloat16Array;
import ai.kimitornado.tasks.types.arrays.ByteArray;
import ai.kimitornado.tasks.types.arrays.DoubleArray;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.HalfFloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;
import ai.kimitornado.tasks.types.arrays.LongArray;
import ai.kimitornado.tasks.types.arrays.ShortArray;

/**
 * Element types of arrays in memory (and of scalar kernel parameters: boolean/byte/short/char scalars travel as
 * INT). HALF and BFLOAT16 are raw 16-bit patterns in memory; loads give them sign-extended in an I32 like SHORT.
 */
public enum ElemType {
    BYTE(1, Type.I32), SHORT(2, Type.I32), INT(4, Type.I32), LONG(8, Type.I64), FLOAT(4, Type.F32),
    DOUBLE(8, Type.F64), HALF(2, Type.I32), BFLOAT16(2, Type.I32);

    private final int bytes;
    private final Type registerType;

    ElemType(int bytes, Type registerType) {
        this.bytes = bytes;
        this.registerType = registerType;
    }

    public int bytes() {
        return bytes;
    }

    /** Type of the register a load gives and a store takes. */
    public Type registerType() {
        return registerType;
    }

    /** Element type of an off-heap array class, or null. */
    public static ElemType ofArrayClass(Class<?> c) {
        if (c == FloatArray.class) return FLOAT;
        if (c == DoubleArray.class) return DOUBLE;
        if (c == IntArray.class) return INT;
        if (c == LongArray.class) return LONG;
        if (c == ShortArray.class) return SHORT;
        if (c == ByteArray.class) return BYTE;
        if (c == HalfFloatArray.class) return HALF;
        if (c == BFloat16Array.class) return BFLOAT16;
        return null;
    }

    /** Element type of a scalar parameter's Java type (boolean, byte, short, char travel as INT), or null. */
    public static ElemType ofScalarClass(Class<?> c) {
        if (c == int.class || c == boolean.class || c == byte.class || c == short.class || c == char.class) return INT;
        if (c == long.class) return LONG;
        if (c == float.class) return FLOAT;
        if (c == double.class) return DOUBLE;
        return null;
    }
}
