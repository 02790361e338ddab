package ai.kimitornado.tasks.emit.spirv;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds one SPIR-V binary module for OpenCL: Kernel capability, Physical64 addressing, the OpenCL
 * memory model and the OpenCL.std extended instruction set. Types and constants are deduplicated;
 * capabilities follow from the types used (a 64-bit int type adds Int64, and so on). Sections are
 * written in the order the specification's "Logical Layout of a Module" requires.
 */
public final class SpirvModule {
    private int nextId = 1;
    private final Set<Spv.Capability> capabilities = EnumSet.of(Spv.Capability.Addresses, Spv.Capability.Kernel);
    private final SpirvWords extImports = new SpirvWords();
    private final SpirvWords entryPoints = new SpirvWords();
    private final SpirvWords executionModes = new SpirvWords();
    private final SpirvWords names = new SpirvWords();
    private final SpirvWords decorations = new SpirvWords();
    /** Types, constants and module-scope variables, in creation order (so every use follows its definition). */
    private final SpirvWords globals = new SpirvWords();
    private final Map<List<Integer>, Integer> dedup = new HashMap<>();
    private final Map<String, Integer> extInstSets = new LinkedHashMap<>();
    private final Map<Spv.BuiltIn, Integer> builtIns = new LinkedHashMap<>();
    private final List<SpirvFunction> functions = new ArrayList<>();
    private final Map<Integer, Integer> intWidthOfType = new HashMap<>();

    public int newId() {
        return nextId++;
    }

    public void capability(Spv.Capability capability) {
        capabilities.add(capability);
    }

    public Set<Spv.Capability> capabilities() {
        return EnumSet.copyOf(capabilities);
    }

    public int openClStd() {
        return extInstSets.computeIfAbsent("OpenCL.std", name -> {
            int id = newId();
            extImports.instruction(SpirvOp.ExtInstImport, SpirvWords.concat(new int[]{id}, SpirvWords.literalString(name)));
            return id;
        });
    }

    // ---- debug names and decorations ----

    public void name(int id, String name) {
        names.instruction(SpirvOp.Name, SpirvWords.concat(new int[]{id}, SpirvWords.literalString(name)));
    }

    public void decorate(int target, Spv.Decoration decoration, int... literals) {
        decorations.instruction(SpirvOp.Decorate, SpirvWords.concat(new int[]{target, decoration.value}, literals));
    }

    // ---- types (deduplicated) ----

    private int typeOrConstant(int opcode, int... operandsAfterResult) {
        List<Integer> key = new ArrayList<>(operandsAfterResult.length + 1);
        key.add(opcode);
        for (int operand : operandsAfterResult) {
            key.add(operand);
        }
        Integer existing = dedup.get(key);
        if (existing != null) {
            return existing;
        }
        int id = newId();
        globals.instruction(opcode, SpirvWords.concat(new int[]{id}, operandsAfterResult));
        dedup.put(key, id);
        return id;
    }

    /** Like {@link #typeOrConstant} for instructions whose result type precedes the result id (constants). */
    private int constant(int opcode, int type, int... literals) {
        List<Integer> key = new ArrayList<>(literals.length + 2);
        key.add(opcode);
        key.add(type);
        for (int literal : literals) {
            key.add(literal);
        }
        Integer existing = dedup.get(key);
        if (existing != null) {
            return existing;
        }
        int id = newId();
        globals.instruction(opcode, SpirvWords.concat(new int[]{type, id}, literals));
        dedup.put(key, id);
        return id;
    }

    public int typeVoid() {
        return typeOrConstant(SpirvOp.TypeVoid);
    }

    public int typeBool() {
        return typeOrConstant(SpirvOp.TypeBool);
    }

    /** An integer type; OpenCL requires signedness 0 (signedness lives in the instructions). */
    public int typeInt(int width) {
        switch (width) {
            case 8 -> capability(Spv.Capability.Int8);
            case 16 -> capability(Spv.Capability.Int16);
            case 32 -> { }
            case 64 -> capability(Spv.Capability.Int64);
            default -> throw new IllegalArgumentException("unsupported SPIR-V int width " + width);
        }
        int id = typeOrConstant(SpirvOp.TypeInt, width, 0);
        intWidthOfType.put(id, width);
        return id;
    }

    /** A float type; 16-bit adds Float16Buffer only (enough for vload_half/vstore_half pointers). */
    public int typeFloat(int width) {
        switch (width) {
            case 16 -> capability(Spv.Capability.Float16Buffer);
            case 32 -> { }
            case 64 -> capability(Spv.Capability.Float64);
            default -> throw new IllegalArgumentException("unsupported SPIR-V float width " + width);
        }
        return typeOrConstant(SpirvOp.TypeFloat, width);
    }

    public int typeVector(int componentType, int count) {
        return typeOrConstant(SpirvOp.TypeVector, componentType, count);
    }

    public int typeArray(int elementType, int length) {
        return typeOrConstant(SpirvOp.TypeArray, elementType, constantI32(length));
    }

    public int typePointer(Spv.StorageClass storage, int pointee) {
        return typeOrConstant(SpirvOp.TypePointer, storage.value, pointee);
    }

    public int typeFunction(int returnType, int... parameterTypes) {
        return typeOrConstant(SpirvOp.TypeFunction, SpirvWords.concat(new int[]{returnType}, parameterTypes));
    }

    // ---- constants (deduplicated) ----

    public int constantI8(byte value) {
        return constant(SpirvOp.Constant, typeInt(8), value & 0xFF);
    }

    public int constantI16(short value) {
        return constant(SpirvOp.Constant, typeInt(16), value & 0xFFFF);
    }

    public int constantI32(int value) {
        return constant(SpirvOp.Constant, typeInt(32), value);
    }

    /** 64-bit literals are two words, low-order word first. */
    public int constantI64(long value) {
        return constant(SpirvOp.Constant, typeInt(64), (int) value, (int) (value >>> 32));
    }

    /** An integer constant of the given int type id (width looked up), value truncated to the width. */
    public int constantInt(int intType, long value) {
        Integer width = intWidthOfType.get(intType);
        if (width == null) {
            throw new IllegalArgumentException("type id " + intType + " is not an int type of this module");
        }
        return switch (width) {
            case 8 -> constantI8((byte) value);
            case 16 -> constantI16((short) value);
            case 32 -> constantI32((int) value);
            default -> constantI64(value);
        };
    }

    /** Float constants by bit pattern, so NaN payloads and -0.0 survive. */
    public int constantF32(float value) {
        return constant(SpirvOp.Constant, typeFloat(32), Float.floatToRawIntBits(value));
    }

    public int constantF64(double value) {
        long bits = Double.doubleToRawLongBits(value);
        return constant(SpirvOp.Constant, typeFloat(64), (int) bits, (int) (bits >>> 32));
    }

    public int constantBool(boolean value) {
        return constant(value ? SpirvOp.ConstantTrue : SpirvOp.ConstantFalse, typeBool());
    }

    public int constantNull(int type) {
        return constant(SpirvOp.ConstantNull, type);
    }

    // ---- module-scope variables ----

    /** A module-scope variable (Workgroup for local arrays); never deduplicated. */
    public int globalVariable(int pointerType, Spv.StorageClass storage) {
        int id = newId();
        globals.instruction(SpirvOp.Variable, pointerType, id, storage.value);
        return id;
    }

    /**
     * The Input variable of an OpenCL built-in (a 3-vector of i64 on Physical64), decorated BuiltIn
     * and Constant, created once and listed in every entry point's interface.
     */
    public int builtIn(Spv.BuiltIn builtIn) {
        Integer existing = builtIns.get(builtIn);
        if (existing != null) {
            return existing;
        }
        int vectorType = typeVector(typeInt(64), 3);
        int id = globalVariable(typePointer(Spv.StorageClass.Input, vectorType), Spv.StorageClass.Input);
        decorate(id, Spv.Decoration.BuiltIn, builtIn.value);
        decorate(id, Spv.Decoration.Constant);
        name(id, "__spirv_BuiltIn" + builtIn.name());
        builtIns.put(builtIn, id);
        return id;
    }

    // ---- functions and entry points ----

    public SpirvFunction function(int returnType, int functionType, String debugName) {
        SpirvFunction function = new SpirvFunction(this, returnType, functionType);
        name(function.id(), debugName);
        functions.add(function);
        return function;
    }

    /** Declares a Kernel entry point; call after the body is built so every used built-in is listed. */
    public void kernelEntryPoint(SpirvFunction function, String name) {
        int[] head = SpirvWords.concat(new int[]{Spv.EXECUTION_MODEL_KERNEL, function.id()}, SpirvWords.literalString(name));
        int[] interfaceIds = builtIns.values().stream().mapToInt(Integer::intValue).toArray();
        entryPoints.instruction(SpirvOp.EntryPoint, SpirvWords.concat(head, interfaceIds));
    }

    public void executionMode(SpirvFunction function, Spv.ExecutionMode mode, int... literals) {
        executionModes.instruction(SpirvOp.ExecutionMode, SpirvWords.concat(new int[]{function.id(), mode.value}, literals));
    }

    /** The finished module as little-endian bytes (the form clCreateProgramWithIL and the tools take). */
    public byte[] toBinary() {
        SpirvWords out = new SpirvWords();
        SpirvWords functionWords = new SpirvWords();
        for (SpirvFunction function : functions) {
            function.writeTo(functionWords);
        }
        out.add(Spv.MAGIC);
        out.add(Spv.VERSION_1_0);
        out.add(Spv.GENERATOR);
        out.add(nextId); // bound: every id is below it
        out.add(0); // schema
        for (Spv.Capability capability : capabilities) {
            out.instruction(SpirvOp.Capability, capability.value);
        }
        out.addAll(extImports);
        out.instruction(SpirvOp.MemoryModel, Spv.ADDRESSING_PHYSICAL64, Spv.MEMORY_MODEL_OPENCL);
        out.addAll(entryPoints);
        out.addAll(executionModes);
        out.addAll(names);
        out.addAll(decorations);
        out.addAll(globals);
        out.addAll(functionWords);
        return out.toBytes();
    }
}
