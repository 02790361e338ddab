package ai.kimitornado.tasks.emit.spirv;

/**
 * The SPIR-V opcodes this emitter writes (numbers from the SPIR-V unified specification, section 3.
 * "Instructions"). Only what an OpenCL Kernel-capability module needs; add more as the IR grows.
 */
public final class SpirvOp {
    private SpirvOp() {
    }

    // Module-level and debug
    public static final int Name = 5;
    public static final int ExtInstImport = 11;
    public static final int ExtInst = 12;
    public static final int MemoryModel = 14;
    public static final int EntryPoint = 15;
    public static final int ExecutionMode = 16;
    public static final int Capability = 17;

    // Types
    public static final int TypeVoid = 19;
    public static final int TypeBool = 20;
    public static final int TypeInt = 21;
    public static final int TypeFloat = 22;
    public static final int TypeVector = 23;
    public static final int TypeArray = 28;
    public static final int TypePointer = 32;
    public static final int TypeFunction = 33;

    // Constants
    public static final int ConstantTrue = 41;
    public static final int ConstantFalse = 42;
    public static final int Constant = 43;
    public static final int ConstantNull = 46;

    // Functions and memory
    public static final int Function = 54;
    public static final int FunctionParameter = 55;
    public static final int FunctionEnd = 56;
    public static final int Variable = 59;
    public static final int Load = 61;
    public static final int Store = 62;
    public static final int InBoundsPtrAccessChain = 70;
    public static final int PtrAccessChain = 67;
    public static final int Decorate = 71;
    public static final int CompositeExtract = 81;

    // Conversions
    public static final int ConvertFToU = 109;
    public static final int ConvertFToS = 110;
    public static final int ConvertSToF = 111;
    public static final int ConvertUToF = 112;
    public static final int UConvert = 113;
    public static final int SConvert = 114;
    public static final int FConvert = 115;
    public static final int Bitcast = 124;

    // Arithmetic
    public static final int SNegate = 126;
    public static final int FNegate = 127;
    public static final int IAdd = 128;
    public static final int FAdd = 129;
    public static final int ISub = 130;
    public static final int FSub = 131;
    public static final int IMul = 132;
    public static final int FMul = 133;
    public static final int UDiv = 134;
    public static final int SDiv = 135;
    public static final int FDiv = 136;
    public static final int UMod = 137;
    public static final int SRem = 138;
    public static final int FRem = 140;

    // Relational and logical
    public static final int IsNan = 156;
    public static final int IsInf = 157;
    public static final int LogicalEqual = 164;
    public static final int LogicalNotEqual = 165;
    public static final int LogicalOr = 166;
    public static final int LogicalAnd = 167;
    public static final int LogicalNot = 168;
    public static final int Select = 169;
    public static final int IEqual = 170;
    public static final int INotEqual = 171;
    public static final int UGreaterThan = 172;
    public static final int SGreaterThan = 173;
    public static final int UGreaterThanEqual = 174;
    public static final int SGreaterThanEqual = 175;
    public static final int ULessThan = 176;
    public static final int SLessThan = 177;
    public static final int ULessThanEqual = 178;
    public static final int SLessThanEqual = 179;
    public static final int FOrdEqual = 180;
    public static final int FUnordNotEqual = 183;
    public static final int FOrdLessThan = 184;
    public static final int FOrdGreaterThan = 186;
    public static final int FOrdLessThanEqual = 188;
    public static final int FOrdGreaterThanEqual = 190;
    public static final int FUnordLessThan = 185;
    public static final int FUnordGreaterThan = 187;
    public static final int FUnordLessThanEqual = 189;
    public static final int FUnordGreaterThanEqual = 191;

    // Bits
    public static final int ShiftRightLogical = 194;
    public static final int ShiftRightArithmetic = 195;
    public static final int ShiftLeftLogical = 196;
    public static final int BitwiseOr = 197;
    public static final int BitwiseXor = 198;
    public static final int BitwiseAnd = 199;
    public static final int Not = 200;

    // Barriers and atomics
    public static final int ControlBarrier = 224;
    public static final int MemoryBarrier = 225;
    public static final int AtomicLoad = 227;
    public static final int AtomicStore = 228;
    public static final int AtomicExchange = 229;
    public static final int AtomicCompareExchange = 230;
    public static final int AtomicIAdd = 234;

    // Control flow
    public static final int Phi = 245;
    public static final int Label = 248;
    public static final int Branch = 249;
    public static final int BranchConditional = 250;
    public static final int Switch = 251;
    public static final int Return = 253;
    public static final int ReturnValue = 254;
    public static final int Unreachable = 255;
}
