package ai.kimitornado.tasks.api;

/**
 * The m16n8k16 bf16 tile of {@link KernelContext#mmaBf16}: its fragment layout (PTX ISA, "Matrix Fragments for
 * mma.m16n8k16 with floating point type") and its exact emulation, shared by the JVM, the tests and anyone who
 * packs fragments on the host. With {@code g = lane >> 2} and {@code t = lane & 3}:
 * <pre>
 *   A (16×16, row-major): a0 = A[g][2t, 2t+1]    a1 = A[g+8][2t, 2t+1]
 *                         a2 = A[g][2t+8, 2t+9]  a3 = A[g+8][2t+8, 2t+9]
 *   B (16×8, col-major):  b0 = B[2t, 2t+1][g]     b1 = B[2t+8, 2t+9][g]
 *   C, D (16×8 fp32):     c0, c1 = C[g][2t, 2t+1] c2, c3 = C[g+8][2t, 2t+1]
 * </pre>
 * Each fragment int holds two bf16, the lower column (A) / row (B) index in bits 0..15. Semantics:
 * {@code d[i][j] = c[i][j]; for k = 0..15: d[i][j] = fma(A[i][k], B[k][j], d[i][j])}, fp32, one rounding per step
 * (a product of two bf16 is exact in fp32, so a separate multiply gives the same unless it underflows).
 */
public final class MmaBf16Tile {
    private MmaBf16Tile() {
    }

    public static final int M = 16, N = 8, K = 16;

    /** Fragment ints each lane contributes to the exchange: a0..a3, b0, b1. */
    public static final int INTS_PER_LANE = 6;

    /** Row of A held by fragment register {@code reg} (0..3) of {@code lane}. */
    public static int aRow(int lane, int reg) {
        return (lane >> 2) + 8 * (reg & 1);
    }

    /** Column of A held by half {@code half} (0: bits 0..15) of fragment register {@code reg} of {@code lane}. */
    public static int aCol(int lane, int reg, int half) {
        return 2 * (lane & 3) + 8 * (reg >> 1) + half;
    }

    /** Row (k) of B held by half {@code half} of fragment register {@code reg} (0..1) of {@code lane}. */
    public static int bRow(int lane, int reg, int half) {
        return 2 * (lane & 3) + 8 * reg + half;
    }

    /** Column of B held by every B fragment register of {@code lane}. */
    public static int bCol(int lane) {
        return lane >> 2;
    }

    /** Row of C/D element {@code element} (0..3) of {@code lane}. */
    public static int cRow(int lane, int element) {
        return (lane >> 2) + 8 * (element >> 1);
    }

    /** Column of C/D element {@code element} (0..3) of {@code lane}. */
    public static int cCol(int lane, int element) {
        return 2 * (lane & 3) + (element & 1);
    }

    /** The bf16 in half {@code half} of a fragment int, widened to fp32 (exact). */
    public static float bf16(int packed, int half) {
        return Float.intBitsToFloat(half == 0 ? packed << 16 : packed & 0xffff0000);
    }

    /** Two bf16 bit patterns packed as one fragment int ({@code low} in bits 0..15). */
    public static int pack(short low, short high) {
        return (low & 0xffff) | (high << 16);
    }

    /**
     * This lane's D fragment, from the fragments of its warp: {@code exchange[(warpBase + l) * 6 + r]} is fragment
     * int r (a0..a3, b0, b1) of lane l. The emulation every backend without tensor cores performs, in this order.
     */
    public static float[] laneResult(int[] exchange, int warpBase, int lane, float c0, float c1, float c2, float c3) {
        float[] d = {c0, c1, c2, c3};
        int g = lane >> 2, t = lane & 3;
        int rowLanes = (warpBase + 4 * g) * INTS_PER_LANE;  // lanes 4g..4g+3 hold rows g and g+8 of A
        int colLanes = (warpBase + 8 * t) * INTS_PER_LANE;  // lanes 8t..8t+7 hold columns 2t and 2t+1 of B
        for (int e = 0; e < 4; e++) {
            int upperRows = e >> 1, column = e & 1;
            for (int k = 0; k < K; k++) {
                int quad = (k & 7) >> 1, upperK = k >> 3, half = k & 1;
                int a = exchange[rowLanes + quad * INTS_PER_LANE + upperRows + 2 * upperK];
                int b = exchange[colLanes + (4 * column + quad) * INTS_PER_LANE + 4 + upperK];
                d[e] = Math.fma(bf16(a, half), bf16(b, half), d[e]);
            }
        }
        return d;
    }

    /**
     * The whole tile on the host, in the same order: {@code d = c + a·b} with a [16×16] row-major bf16 bit
     * patterns, b [16×8] as b[k * 8 + j] bf16 bit patterns, c [16×8] row-major. Returns d [16×8] row-major.
     */
    public static float[] multiply(short[] a, short[] b, float[] c) {
        float[] d = new float[M * N];
        for (int i = 0; i < M; i++) {
            for (int j = 0; j < N; j++) {
                float acc = c[i * N + j];
                for (int k = 0; k < K; k++) {
                    acc = Math.fma(Float.intBitsToFloat(a[i * K + k] << 16), Float.intBitsToFloat(b[k * N + j] << 16), acc);
                }
                d[i * N + j] = acc;
            }
        }
        return d;
    }
}
