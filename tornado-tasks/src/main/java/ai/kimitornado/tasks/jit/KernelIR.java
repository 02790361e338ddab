package ai.kimitornado.tasks.jit;

import ai.kimitornado.tasks.jit.ir.Block;
import ai.kimitornado.tasks.jit.ir.Reg;
import java.util.List;

/**
 * A kernel in the JIT's IR: typed virtual registers and basic blocks with explicit branches; blocks.get(0) is
 * the entry. Produced by {@link KernelCompiler#frontEnd}; consumed by every emitter. Immutable by convention once
 * returned (emitters must not edit blocks).
 *
 * @param name          kernel name ({@code method} of the Java kernel)
 * @param ref           the Java kernel
 * @param params        Java parameters, in order
 * @param deviceArgs    the device signature, in order
 * @param parallelDims  @Parallel loops by dimension (empty for KernelContext kernels)
 * @param localArrays   work-group local arrays
 * @param blocks        the body
 * @param registers     every register used by the body, by id
 * @param bytecodeHash  SHA-256 (hex) of the bytecode of the kernel and inlined callees, folded constants and the
 *                      JIT version
 */
public record KernelIR(String name, KernelRef ref, List<KernelParam> params, List<DeviceArg> deviceArgs,
                       List<ParallelDim> parallelDims, List<LocalArray> localArrays, List<Block> blocks,
                       List<Reg> registers, boolean usesKernelContext, boolean usesBarriers, boolean usesAtomics,
                       boolean usesFp64, boolean usesFp16, String bytecodeHash) {

    /** The IR as text, for --print-kernel and debugging. */
    public String dump() {
        return IrPrinter.print(this);
    }
}
