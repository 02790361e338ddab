package ai.kimitornado.tasks.emit.spirv;

/**
 * One function of a {@link SpirvModule}: parameters, then blocks of instructions. Function-storage
 * variables are collected separately and written at the top of the entry block, where SPIR-V
 * requires them, whenever they are declared.
 */
public final class SpirvFunction {
    private final SpirvModule module;
    private final int id;
    private final SpirvWords header = new SpirvWords();
    private final SpirvWords variables = new SpirvWords();
    private final SpirvWords body = new SpirvWords();
    private int entryLabel = -1;
    private boolean blockOpen;

    SpirvFunction(SpirvModule module, int returnType, int functionType) {
        this.module = module;
        this.id = module.newId();
        header.instruction(SpirvOp.Function, returnType, id, Spv.FUNCTION_CONTROL_NONE, functionType);
    }

    public int id() {
        return id;
    }

    public SpirvModule module() {
        return module;
    }

    public int parameter(int type) {
        if (entryLabel >= 0) {
            throw new IllegalStateException("parameters must precede the first block");
        }
        int parameterId = module.newId();
        header.instruction(SpirvOp.FunctionParameter, type, parameterId);
        return parameterId;
    }

    /** Starts the block with this label id (from {@link SpirvModule#newId()}); the first one is the entry. */
    public void block(int label) {
        if (blockOpen) {
            throw new IllegalStateException("block %" + label + " started before the previous block was terminated");
        }
        if (entryLabel < 0) {
            entryLabel = label;
        } else {
            body.instruction(SpirvOp.Label, label);
        }
        blockOpen = true;
    }

    public boolean blockOpen() {
        return blockOpen;
    }

    /** A Function-storage variable (pointer type must be Function storage); placed in the entry block. */
    public int variable(int pointerType) {
        int variableId = module.newId();
        variables.instruction(SpirvOp.Variable, pointerType, variableId, Spv.StorageClass.Function.value);
        return variableId;
    }

    /** An instruction with a result: operands follow the result type and the new result id. */
    public int op(int opcode, int resultType, int... operands) {
        requireOpenBlock(opcode);
        int resultId = module.newId();
        body.instruction(opcode, SpirvWords.concat(new int[]{resultType, resultId}, operands));
        return resultId;
    }

    /** An instruction without a result id. */
    public void opVoid(int opcode, int... operands) {
        requireOpenBlock(opcode);
        body.instruction(opcode, operands);
    }

    public int extInst(int resultType, OpenClStd instruction, int... operands) {
        return op(SpirvOp.ExtInst, resultType, SpirvWords.concat(new int[]{module.openClStd(), instruction.number}, operands));
    }

    public int load(int resultType, int pointer) {
        return op(SpirvOp.Load, resultType, pointer);
    }

    /** A load with the Aligned memory operand (bit 0x2) and the given byte alignment. */
    public int loadAligned(int resultType, int pointer, int alignment) {
        return op(SpirvOp.Load, resultType, pointer, 0x2, alignment);
    }

    public void store(int pointer, int value) {
        opVoid(SpirvOp.Store, pointer, value);
    }

    public void storeAligned(int pointer, int value, int alignment) {
        opVoid(SpirvOp.Store, pointer, value, 0x2, alignment);
    }

    public void branch(int target) {
        opVoid(SpirvOp.Branch, target);
        blockOpen = false;
    }

    public void branchConditional(int condition, int ifTrue, int ifFalse) {
        opVoid(SpirvOp.BranchConditional, condition, ifTrue, ifFalse);
        blockOpen = false;
    }

    /** OpSwitch on an integer selector: cases are (literal, label) pairs of the selector's width (32-bit here). */
    public void switch32(int selector, int defaultLabel, int[] literals, int[] labels) {
        int[] operands = new int[2 + 2 * literals.length];
        operands[0] = selector;
        operands[1] = defaultLabel;
        for (int i = 0; i < literals.length; i++) {
            operands[2 + 2 * i] = literals[i];
            operands[3 + 2 * i] = labels[i];
        }
        opVoid(SpirvOp.Switch, operands);
        blockOpen = false;
    }

    public void returnVoid() {
        opVoid(SpirvOp.Return);
        blockOpen = false;
    }

    public void unreachable() {
        opVoid(SpirvOp.Unreachable);
        blockOpen = false;
    }

    private void requireOpenBlock(int opcode) {
        if (!blockOpen) {
            throw new IllegalStateException("SPIR-V opcode " + opcode + " emitted outside a block");
        }
    }

    void writeTo(SpirvWords out) {
        if (entryLabel < 0) {
            throw new IllegalStateException("function %" + id + " has no body");
        }
        if (blockOpen) {
            throw new IllegalStateException("function %" + id + " ends with an unterminated block");
        }
        out.addAll(header);
        out.instruction(SpirvOp.Label, entryLabel);
        out.addAll(variables);
        out.addAll(body);
        out.instruction(SpirvOp.FunctionEnd);
    }
}
