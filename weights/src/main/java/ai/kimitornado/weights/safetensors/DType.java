package ai.kimitornado.weights.safetensors;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Element types of the safetensors format (names exactly as written in the header). */
public enum DType {
    BF16(2, true), F16(2, true), F32(4, true), F64(8, true),
    I32(4, false), I64(8, false), I8(1, false), U8(1, false), BOOL(1, false),
    /** OCP FP8 E4M3 "FN" variant (no infinities, NaN = S.1111.111), read only. */
    F8_E4M3(1, true),
    /** OCP FP8 E5M2 (IEEE-like, with infinities), read only. */
    F8_E5M2(1, true);

    private final int byteSize;
    private final boolean floatingPoint;

    DType(int byteSize, boolean floatingPoint) {
        this.byteSize = byteSize;
        this.floatingPoint = floatingPoint;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    public boolean isFloatingPoint() {
        return floatingPoint;
    }

    /** Parses a header dtype string ("BF16", "F32", ...); unknown names throw {@link SafeTensorsException}. */
    public static DType parse(String name) {
        if (name != null) {
            for (DType d : values()) {
                if (d.name().equals(name)) {
                    return d;
                }
            }
        }
        throw new SafeTensorsException("unknown dtype " + (name == null ? "null" : "'" + name + "'")
                + "; expected one of " + Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return name().toUpperCase(Locale.ROOT);
    }
}
