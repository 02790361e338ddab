package ai.kimitornado.tasks.emit.spirv;

/**
 * SPIR-V operand enumerations used by the emitter (values from the SPIR-V specification, section 3
 * "Binary Form"). Each constant carries its word value.
 */
public final class Spv {
    private Spv() {
    }

    /** First word of every module. */
    public static final int MAGIC = 0x07230203;
    /** SPIR-V 1.0: what OpenCL 2.1 consumes and what llvm-spirv-15 reads back to SPIR 1.2. */
    public static final int VERSION_1_0 = 0x00010000;
    /** Generator id 0: "unregistered tool" per the Khronos registry. */
    public static final int GENERATOR = 0;

    public enum Capability {
        Addresses(4), Linkage(5), Kernel(6), Float16Buffer(8), Float16(9), Float64(10), Int64(11), Int64Atomics(12),
        Int16(22), Int8(39);

        public final int value;

        Capability(int value) {
            this.value = value;
        }
    }

    public enum StorageClass {
        UniformConstant(0), Input(1), Workgroup(4), CrossWorkgroup(5), Private(6), Function(7), Generic(8);

        public final int value;

        StorageClass(int value) {
            this.value = value;
        }
    }

    public enum Decoration {
        BuiltIn(11), Restrict(19), Aliased(20), Volatile(21), Constant(22), NonWritable(24),
        SaturatedConversion(28), FuncParamAttr(38), FPRoundingMode(39), LinkageAttributes(41), Alignment(44);

        public final int value;

        Decoration(int value) {
            this.value = value;
        }
    }

    /** Operands of {@link Decoration#FuncParamAttr}. */
    public enum FuncParamAttr {
        Zext(0), Sext(1), NoAlias(4), NoCapture(5), NoWrite(6);

        public final int value;

        FuncParamAttr(int value) {
            this.value = value;
        }
    }

    public enum BuiltIn {
        NumWorkgroups(24), WorkgroupSize(25), WorkgroupId(26), LocalInvocationId(27), GlobalInvocationId(28),
        GlobalSize(31), GlobalOffset(33);

        public final int value;

        BuiltIn(int value) {
            this.value = value;
        }
    }

    public enum ExecutionMode {
        LocalSize(17), LocalSizeHint(18), ContractionOff(31);

        public final int value;

        ExecutionMode(int value) {
            this.value = value;
        }
    }

    public static final int EXECUTION_MODEL_KERNEL = 6;
    public static final int ADDRESSING_PHYSICAL64 = 2;
    public static final int MEMORY_MODEL_OPENCL = 2;
    public static final int FUNCTION_CONTROL_NONE = 0;

    /** Scope operands (an id of an i32 constant holding one of these). */
    public static final int SCOPE_CROSS_DEVICE = 0;
    public static final int SCOPE_DEVICE = 1;
    public static final int SCOPE_WORKGROUP = 2;

    /** Memory-semantics bits. */
    public static final int SEMANTICS_NONE = 0;
    public static final int SEMANTICS_ACQUIRE_RELEASE = 0x8;
    public static final int SEMANTICS_SEQ_CST = 0x10;
    public static final int SEMANTICS_WORKGROUP_MEMORY = 0x100;
    public static final int SEMANTICS_CROSS_WORKGROUP_MEMORY = 0x200;

    /** FPRoundingMode operands (used on vstore_half's result path). */
    public static final int ROUNDING_RTE = 0;
}
