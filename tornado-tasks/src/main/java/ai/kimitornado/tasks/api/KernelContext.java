package ai.kimitornado.tasks.api;

import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;
import ai.kimitornado.tasks.types.arrays.LongArray;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * Explicit-grid kernels (TornadoVM style): pass {@code new KernelContext()} as a task argument and read the ids.
 * On devices the JIT maps every field read and method call to the device's builtins
 * ({@code get_global_id(0)} for {@code globalIdx}, ...); the parameter itself never reaches the device.
 * On the JVM the java backend fills the fields per work-item through {@link #forWorkItem}.
 */
public class KernelContext {
    public int globalIdx, globalIdy, globalIdz;
    public int localIdx, localIdy, localIdz;
    public int groupIdx, groupIdy, groupIdz;
    /** Global sizes (total work-items) per dimension. */
    public int globalGroupSizeX = 1, globalGroupSizeY = 1, globalGroupSizeZ = 1;
    /** Work-group sizes per dimension. */
    public int localGroupSizeX = 1, localGroupSizeY = 1, localGroupSizeZ = 1;

    private final WorkGroupState group;
    /** Number of local arrays this work-item has allocated so far: the ordinal of the next one. */
    private int localArraysAllocated;

    /** The task-argument placeholder; on the JVM alone it behaves as a single work-item group. */
    public KernelContext() {
        this.group = null;
    }

    private KernelContext(WorkGroupState group) {
        this.group = group;
    }

    /**
     * The java backend's hook: a context for one work-item. Arrays are {x, y, z}; {@code group} supplies the
     * barrier and shared local arrays (null: a group of one work-item).
     */
    public static KernelContext forWorkItem(int[] globalId, int[] localId, int[] groupId, int[] globalSize,
                                            int[] localSize, WorkGroupState group) {
        KernelContext c = new KernelContext(group);
        c.globalIdx = globalId[0]; c.globalIdy = globalId[1]; c.globalIdz = globalId[2];
        c.localIdx = localId[0]; c.localIdy = localId[1]; c.localIdz = localId[2];
        c.groupIdx = groupId[0]; c.groupIdy = groupId[1]; c.groupIdz = groupId[2];
        c.globalGroupSizeX = globalSize[0]; c.globalGroupSizeY = globalSize[1]; c.globalGroupSizeZ = globalSize[2];
        c.localGroupSizeX = localSize[0]; c.localGroupSizeY = localSize[1]; c.localGroupSizeZ = localSize[2];
        return c;
    }

    /** Work-group barrier with local-memory fence. */
    public void localBarrier() {
        if (group != null) {
            group.barrier();
        }
    }

    /**
     * Work-group barrier with global-memory fence: makes global writes of the group visible within the group.
     * It is NOT a grid-wide synchronisation (no portable device offers one); split the task instead.
     */
    public void globalBarrier() {
        if (group != null) {
            group.barrier();
        }
    }

    public float[] allocateFloatLocalArray(int length) {
        return (float[]) local(float.class, length);
    }

    public int[] allocateIntLocalArray(int length) {
        return (int[]) local(int.class, length);
    }

    public long[] allocateLongLocalArray(int length) {
        return (long[]) local(long.class, length);
    }

    public double[] allocateDoubleLocalArray(int length) {
        return (double[]) local(double.class, length);
    }

    public byte[] allocateByteLocalArray(int length) {
        return (byte[]) local(byte.class, length);
    }

    /** fp16 local array, as raw 16-bit patterns (convert with {@code Float16}). */
    public short[] allocateHalfFloatLocalArray(int length) {
        return (short[]) local(short.class, length);
    }

    private Object local(Class<?> componentType, int length) {
        int ordinal = localArraysAllocated++;
        if (group != null) {
            return group.localArray(ordinal, componentType, length);
        }
        return java.lang.reflect.Array.newInstance(componentType, length);
    }

    // ---------------------------------------------------------------- warp operations

    /**
     * Lanes per warp on every backend (so results are identical across devices): a warp is 32 consecutive
     * work-items in linear local-id order {@code localIdx + sx * (localIdy + sy * localIdz)}.
     */
    public static final int WARP_SIZE = 32;

    /**
     * Warp operations ({@link #shuffleDown}, {@link #shuffleXor}, {@link #warpSum}) are collective: EVERY
     * work-item of the work-group must reach each call, in the same order (uniform control flow, like a barrier;
     * on devices that emulate them through local memory they are barriers). The work-group size (x*y*z) must be a
     * multiple of {@link #WARP_SIZE} and at most 1024, the global size a multiple of it (checked at launch: the
     * error names the kernel). Only the low 5 bits of {@code delta}/{@code laneMask} are used (as PTX does).
     * PTX: {@code shfl.sync} over the full warp; OpenCL C and SPIR-V: exact emulation through local memory
     * (publish, barrier, read, barrier); JVM: the same exchange through the group state.
     *
     * @return the {@code value} of lane {@code lane + delta} of the caller's warp, or the caller's own
     *         {@code value} if that is past lane 31 (CUDA {@code __shfl_down_sync} semantics)
     */
    public float shuffleDown(float value, int delta) {
        return Float.intBitsToFloat(exchange(Float.floatToRawIntBits(value), delta, false));
    }

    /** {@link #shuffleDown(float, int)} on ints. */
    public int shuffleDown(int value, int delta) {
        return exchange(value, delta, false);
    }

    /** The {@code value} of lane {@code lane ^ laneMask} of the caller's warp (see {@link #shuffleDown(float, int)}). */
    public float shuffleXor(float value, int laneMask) {
        return Float.intBitsToFloat(exchange(Float.floatToRawIntBits(value), laneMask, true));
    }

    /** {@link #shuffleXor(float, int)} on ints. */
    public int shuffleXor(int value, int laneMask) {
        return exchange(value, laneMask, true);
    }

    /**
     * Sum of {@code value} over the 32 lanes of the caller's warp, returned to every lane with the same bits on
     * every backend: a fixed xor butterfly {@code v += shuffleXor(v, m)} for m = 16, 8, 4, 2, 1 (each pair adds the
     * same two numbers, so all lanes agree). Collective: see {@link #shuffleDown(float, int)}.
     */
    public float warpSum(float value) {
        int[] lanes = warpValues(Float.floatToRawIntBits(value));
        float[] v = new float[WARP_SIZE];
        for (int k = 0; k < WARP_SIZE; k++) {
            v[k] = Float.intBitsToFloat(lanes[k]);
        }
        // the butterfly of every lane at once (the same additions each lane makes on devices): 2 barriers, not 10
        for (int m = WARP_SIZE / 2; m > 0; m >>= 1) {
            float[] next = new float[WARP_SIZE];
            for (int k = 0; k < WARP_SIZE; k++) {
                next[k] = v[k] + v[k ^ m];
            }
            v = next;
        }
        return v[laneOf()];
    }

    /** {@link #warpSum(float)} on ints (wrapping). */
    public int warpSum(int value) {
        int[] v = warpValues(value);
        for (int m = WARP_SIZE / 2; m > 0; m >>= 1) {
            int[] next = new int[WARP_SIZE];
            for (int k = 0; k < WARP_SIZE; k++) {
                next[k] = v[k] + v[k ^ m];
            }
            v = next;
        }
        return v[laneOf()];
    }

    /**
     * Maximum of {@code value} over the 32 lanes of the caller's warp, to every lane: the same xor butterfly as
     * {@link #warpSum(float)} with {@link Math#max} (Java's: NaN if any lane holds NaN, +0.0 above -0.0), so every
     * lane and backend agrees (a NaN result's payload is unspecified). Collective: see {@link #shuffleDown(float, int)}.
     */
    public float warpMax(float value) {
        int[] lanes = warpValues(Float.floatToRawIntBits(value));
        float[] v = new float[WARP_SIZE];
        for (int k = 0; k < WARP_SIZE; k++) {
            v[k] = Float.intBitsToFloat(lanes[k]);
        }
        for (int m = WARP_SIZE / 2; m > 0; m >>= 1) {
            float[] next = new float[WARP_SIZE];
            for (int k = 0; k < WARP_SIZE; k++) {
                next[k] = Math.max(v[k], v[k ^ m]);
            }
            v = next;
        }
        return v[laneOf()];
    }

    /** {@link #warpMax(float)} on ints. */
    public int warpMax(int value) {
        int[] v = warpValues(value);
        int max = v[0];
        for (int k = 1; k < WARP_SIZE; k++) {
            max = Math.max(max, v[k]);
        }
        return max;
    }

    private int laneOf() {
        return (localIdx + localGroupSizeX * (localIdy + localGroupSizeY * localIdz)) & (WARP_SIZE - 1);
    }

    /** JVM: the 32 values of the caller's warp, by lane (publish, barrier, copy, barrier). */
    private int[] warpValues(int bits) {
        int[] scratch = scratch();
        int linear = localIdx + localGroupSizeX * (localIdy + localGroupSizeY * localIdz);
        scratch[linear] = bits;
        group.barrier();
        int[] lanes = new int[WARP_SIZE];
        System.arraycopy(scratch, linear & -WARP_SIZE, lanes, 0, WARP_SIZE);
        group.barrier();
        return lanes;
    }

    private int[] scratch() {
        int groupSize = localGroupSizeX * localGroupSizeY * localGroupSizeZ;
        if (group == null || groupSize % WARP_SIZE != 0) {
            throw new IllegalStateException("warp operations need a work-group whose size is a multiple of " + WARP_SIZE
                    + " (this work-item's group has " + groupSize + (group == null ? ", outside a launch" : "") + ")");
        }
        return group.warpScratch(groupSize);
    }

    /** JVM exchange: publish, barrier, read the source lane, barrier (the next exchange reuses the array). */
    private int exchange(int bits, int laneOperand, boolean xor) {
        int[] scratch = scratch();
        int linear = localIdx + localGroupSizeX * (localIdy + localGroupSizeY * localIdz);
        int lane = laneOperand & (WARP_SIZE - 1);
        int source = xor ? linear ^ lane : linear + (((linear & (WARP_SIZE - 1)) + lane < WARP_SIZE) ? lane : 0);
        scratch[linear] = bits;
        group.barrier();
        int result = scratch[source];
        group.barrier();
        return result;
    }

    // ---------------------------------------------------------------- tensor-core MMA

    /** This work-item's D fragment of its latest {@link #mmaBf16} (null before the first). */
    private float[] mmaD;

    /**
     * Warp-collective {@code D = A·B + C} for one m16n8k16 tile: A 16×16 bf16 (row-major), B 16×8 bf16
     * (column-major), C/D 16×8 fp32. The arguments are this lane's fragments as in PTX
     * {@code mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32}; each int packs two bf16 (the lower column/row
     * index in bits 0..15). With {@code g = lane >> 2}, {@code t = lane & 3}:
     * {@code a0 = A[g][2t..2t+1]}, {@code a1 = A[g+8][2t..2t+1]}, {@code a2 = A[g][2t+8..2t+9]},
     * {@code a3 = A[g+8][2t+8..2t+9]}; {@code b0 = B[2t..2t+1][g]}, {@code b1 = B[2t+8..2t+9][g]};
     * {@code c0, c1 = C[g][2t..2t+1]}, {@code c2, c3 = C[g+8][2t..2t+1]} (D likewise, read with {@link #mmaResult}).
     * <p>Exact semantics (JVM, OpenCL C and SPIR-V emulations, bit-identical): {@code d = c; for k = 0..15:
     * d = fma(A[i][k], B[k][j], d)} in fp32 (a bf16 product is exact in fp32). Tensor cores (PTX, NVIDIA OpenCL)
     * may differ in the last bits. Same contract as the warp operations (see {@link #shuffleDown(float, int)}):
     * every work-item of the group reaches it (uniform control flow); group size a multiple of 32, at most 1024,
     * explicit. JVM: one exchange of the six fragment ints through the group state (2 barriers).
     */
    public void mmaBf16(int a0, int a1, int a2, int a3, int b0, int b1, float c0, float c1, float c2, float c3) {
        int groupSize = localGroupSizeX * localGroupSizeY * localGroupSizeZ;
        if (group == null || groupSize % WARP_SIZE != 0) {
            throw new IllegalStateException("mmaBf16 needs a work-group whose size is a multiple of " + WARP_SIZE
                    + " (this work-item's group has " + groupSize + (group == null ? ", outside a launch" : "") + ")");
        }
        int[] scratch = group.mmaScratch(groupSize);
        int linear = localIdx + localGroupSizeX * (localIdy + localGroupSizeY * localIdz);
        int at = linear * MmaBf16Tile.INTS_PER_LANE;
        scratch[at] = a0;
        scratch[at + 1] = a1;
        scratch[at + 2] = a2;
        scratch[at + 3] = a3;
        scratch[at + 4] = b0;
        scratch[at + 5] = b1;
        group.barrier();
        mmaD = MmaBf16Tile.laneResult(scratch, linear & -WARP_SIZE, linear & (WARP_SIZE - 1), c0, c1, c2, c3);
        group.barrier();
    }

    /**
     * Element {@code element} (a compile-time constant 0..3) of this lane's D fragment of the closest preceding
     * {@link #mmaBf16} (in kernels: in the same basic block; anything else is rejected at compile time).
     */
    public float mmaResult(int element) {
        if (mmaD == null) {
            throw new IllegalStateException("mmaResult(" + element + ") before any mmaBf16 of this work-item");
        }
        return mmaD[element];
    }

    private static final VarHandle INTS = ValueLayout.JAVA_INT.varHandle();
    private static final VarHandle LONGS = ValueLayout.JAVA_LONG.varHandle();

    /** Atomically adds {@code value} to {@code array[index]}; returns the previous value. */
    public int atomicAdd(IntArray array, int index, int value) {
        return (int) INTS.getAndAdd(array.segment(), (long) index * Integer.BYTES, value);
    }

    /** Atomically adds {@code value} to {@code array[index]}; returns the previous value. */
    public long atomicAdd(LongArray array, int index, long value) {
        return (long) LONGS.getAndAdd(array.segment(), (long) index * Long.BYTES, value);
    }

    /** Atomically adds {@code value} to {@code array[index]} (compare-and-swap loop); returns the previous value. */
    public float atomicAdd(FloatArray array, int index, float value) {
        long offset = (long) index * Float.BYTES;
        while (true) {
            int old = (int) INTS.getVolatile(array.segment(), offset);
            int updated = Float.floatToRawIntBits(Float.intBitsToFloat(old) + value);
            if (INTS.compareAndSet(array.segment(), offset, old, updated)) {
                return Float.intBitsToFloat(old);
            }
        }
    }
}
