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

    /**
     * True if the kernel uses warp operations (KernelContext shuffles / warp sums / mmaBf16): it must be launched with a
     * work-group size that is a multiple of {@code KernelContext.WARP_SIZE}, at most {@link #MAX_WARP_GROUP}, and a
     * global size that is a multiple of it (see {@code WarpLaunchRules}).
     */
    public boolean usesWarpOps() {
        for (Block b : blocks) {
            for (ai.kimitornado.tasks.jit.ir.Instr i : b.instrs()) {
                if (i instanceof ai.kimitornado.tasks.jit.ir.Instr.WarpShuffle
                        || i instanceof ai.kimitornado.tasks.jit.ir.Instr.MmaBf16) {
                    return true;
                }
            }
        }
        return false;
    }

    /** True if the kernel uses {@code KernelContext.mmaBf16} (a warp operation too: {@link #usesWarpOps()}). */
    public boolean usesMma() {
        for (Block b : blocks) {
            for (ai.kimitornado.tasks.jit.ir.Instr i : b.instrs()) {
                if (i instanceof ai.kimitornado.tasks.jit.ir.Instr.MmaBf16) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Largest work-group of a warp kernel: the OpenCL/SPIR-V emulation exchanges through this many ints of local memory. */
    public static final int MAX_WARP_GROUP = 1024;

    /**
     * Null if {@code global}/{@code local} (per dimension; local null = driver's choice) suit this kernel, else why
     * not, naming the kernel: a kernel with warp operations needs an explicit work-group whose size (product) is a
     * multiple of 32 and at most {@link #MAX_WARP_GROUP}, and global sizes that are multiples of the local ones
     * (a partial last group would have a partial warp).
     */
    public String warpLaunchProblem(long[] global, long[] local) {
        if (!usesWarpOps()) {
            return null;
        }
        String kernel = (ref != null ? ref.owner().getSimpleName() + "." : "") + name;
        if (local == null) {
            return kernel + " uses warp operations: give it an explicit work-group size (a multiple of 32), not the driver's choice";
        }
        long size = 1;
        for (int d = 0; d < local.length; d++) {
            size *= local[d];
            if (local[d] <= 0 || global[d] % local[d] != 0) {
                return kernel + " uses warp operations: global size " + java.util.Arrays.toString(global)
                        + " must be a multiple of the work-group size " + java.util.Arrays.toString(local) + " in every dimension";
            }
        }
        if (size % 32 != 0 || size > MAX_WARP_GROUP) {
            return kernel + " uses warp operations: work-group size " + java.util.Arrays.toString(local) + " = " + size
                    + " work-items must be a multiple of 32 (whole warps) and at most " + MAX_WARP_GROUP;
        }
        return null;
    }

    /** The IR as text, for --print-kernel and debugging. */
    public String dump() {
        return IrPrinter.print(this);
    }
}
