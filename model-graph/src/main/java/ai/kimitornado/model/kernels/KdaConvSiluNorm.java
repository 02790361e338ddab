package ai.kimitornado.model.kernels;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.BFloat16Array;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;

/**
 * Decode fusion of {@link ShortConvSilu} and {@link L2NormQk} (one launch instead of two; both stay as the
 * reference kernels and run the prefill): per tensor (q, k, v), head h and token t,
 * <pre>
 *   y_t[c] = SiLU( Σ_{j<W} w[c][j] · x_{t−(W−1)+j}[c] )                  causal depthwise conv with carried history
 *   q_h ← qScale · q_h / sqrt(Σ q_h² + 1e-6)     k_h ← k_h / sqrt(Σ k_h² + 1e-6)     v unchanged
 * </pre>
 * Grid ({@link #apply}, decode): one work-group per (tensor, head): groupIdx = tensor·H + h (tensor 0 = q, 1 = k,
 * 2 = v); work-items stride the head's dk channels; local size a power of two ≤ 256. Tokens are walked in order,
 * then the history is replaced by the last W−1 inputs. Prefill: {@link #perToken} (tokens in parallel) followed by
 * {@link #shiftHistory}.
 * Each channel's history is read and written by the same work-item: no synchronisation across groups.
 * Shapes per tensor: raw, out [C * H*dk]; taps [H*dk*W] bf16; hist [(W−1) * H*dk] fp32, oldest row first.
 * A chunk at position 0 starts a new sequence: the history is read as zeros whatever the buffer holds.
 */
public final class KdaConvSiluNorm {
    private KdaConvSiluNorm() {
    }

    public static void apply(KernelContext ctx, FloatArray rawQ, FloatArray rawK, FloatArray rawV,
                             BFloat16Array tapsQ, BFloat16Array tapsK, BFloat16Array tapsV,
                             FloatArray histQ, FloatArray histK, FloatArray histV,
                             FloatArray outQ, FloatArray outK, FloatArray outV,
                             IntArray meta, int heads, int dk, int width, float qScale) {
        float[] partial = ctx.allocateFloatLocalArray(KernelLimits.MAX_LOCAL);
        int tensor = ctx.groupIdx / heads;
        int h = ctx.groupIdx - tensor * heads;
        int count = meta.get(KernelLimits.META_COUNT);
        if (tensor == 0) {
            head(ctx, partial, rawQ, tapsQ, histQ, outQ, meta, h, heads, dk, width, 1, qScale, 0, count, 1);
        } else if (tensor == 1) {
            head(ctx, partial, rawK, tapsK, histK, outK, meta, h, heads, dk, width, 1, 1f, 0, count, 1);
        } else if (tensor == 2) {
            head(ctx, partial, rawV, tapsV, histV, outV, meta, h, heads, dk, width, 0, 1f, 0, count, 1);
        }
    }

    /**
     * Prefill form: the same outputs with the tokens in parallel, groupIdy = token t (grid (3·H·local, C)). It only
     * reads the history; {@link #shiftHistory} must run after it (next launch) to replace the history.
     */
    public static void perToken(KernelContext ctx, FloatArray rawQ, FloatArray rawK, FloatArray rawV,
                                BFloat16Array tapsQ, BFloat16Array tapsK, BFloat16Array tapsV,
                                FloatArray histQ, FloatArray histK, FloatArray histV,
                                FloatArray outQ, FloatArray outK, FloatArray outV,
                                IntArray meta, int heads, int dk, int width, float qScale) {
        float[] partial = ctx.allocateFloatLocalArray(KernelLimits.MAX_LOCAL);
        int tensor = ctx.groupIdx / heads;
        int h = ctx.groupIdx - tensor * heads;
        int t = ctx.groupIdy;
        if (t >= meta.get(KernelLimits.META_COUNT)) {
            return; // uniform over the group: rows past the chunk's valid tokens do nothing
        }
        if (tensor == 0) {
            head(ctx, partial, rawQ, tapsQ, histQ, outQ, meta, h, heads, dk, width, 1, qScale, t, t + 1, 0);
        } else if (tensor == 1) {
            head(ctx, partial, rawK, tapsK, histK, outK, meta, h, heads, dk, width, 1, 1f, t, t + 1, 0);
        } else if (tensor == 2) {
            head(ctx, partial, rawV, tapsV, histV, outV, meta, h, heads, dk, width, 0, 1f, t, t + 1, 0);
        }
    }

    /**
     * After {@link #perToken}: history ← the last W−1 raw inputs (rows of this chunk, or older history rows when
     * count &lt; W−1; zeros at position 0). Grid: one work-item per (tensor, channel), global 3·channels.
     */
    public static void shiftHistory(KernelContext ctx, FloatArray rawQ, FloatArray rawK, FloatArray rawV,
                                    FloatArray histQ, FloatArray histK, FloatArray histV, IntArray meta,
                                    int channels, int width) {
        int i = ctx.globalIdx;
        int count = meta.get(KernelLimits.META_COUNT);
        boolean fresh = meta.get(KernelLimits.META_POSITION) == 0;
        if (i < channels) {
            shift(rawQ, histQ, i, count, channels, width, fresh);
        } else if (i < 2 * channels) {
            shift(rawK, histK, i - channels, count, channels, width, fresh);
        } else if (i < 3 * channels) {
            shift(rawV, histV, i - 2 * channels, count, channels, width, fresh);
        }
    }

    /** New history row j = input at position count−back+j; ascending j reads old rows above j only. */
    static void shift(FloatArray raw, FloatArray hist, int c, int count, int channels, int width, boolean fresh) {
        int back = width - 1;
        for (int j = 0; j < back; j++) {
            int s = count - back + j;
            float xv = s >= 0 ? raw.get(s * channels + c) : fresh ? 0f : hist.get((back + s) * channels + c);
            hist.set(j * channels + c, xv);
        }
    }

    /**
     * Conv + SiLU of one head's channels for tokens [from, to), each followed (normalise != 0) by its L2 norm; then
     * (updateHistory != 0, only when the group saw every token) the history shift of the head's channels.
     */
    static void head(KernelContext ctx, float[] partial, FloatArray raw, BFloat16Array taps, FloatArray hist,
                     FloatArray out, IntArray meta, int h, int heads, int dk, int width, int normalise, float scale,
                     int from, int to, int updateHistory) {
        int lid = ctx.localIdx;
        int nt = ctx.localGroupSizeX;
        int channels = heads * dk;
        int count = meta.get(KernelLimits.META_COUNT);
        boolean fresh = meta.get(KernelLimits.META_POSITION) == 0;
        int back = width - 1;
        for (int t = from; t < to; t++) {
            float sq = 0f;
            for (int d = lid; d < dk; d += nt) {
                int c = h * dk + d;
                float acc = 0f;
                for (int j = 0; j < width; j++) {
                    int s = t - back + j;
                    float xv = s >= 0 ? raw.get(s * channels + c) : fresh ? 0f : hist.get((back + s) * channels + c);
                    acc += Bf16.widen(taps.getBits(c * width + j)) * xv;
                }
                float y = acc / (1f + (float) Math.exp(-acc));
                out.set(t * channels + c, y);
                sq += y * y;
            }
            if (normalise != 0) {
                partial[lid] = sq;
                ctx.localBarrier();
                WorkGroupSum.treeSum(ctx, partial, lid, nt);
                float inv = 1.0f / (float) Math.sqrt(partial[0] + L2NormQk.EPS);
                ctx.localBarrier(); // partial[0] is read by all before the next token rewrites it
                for (int d = lid; d < dk; d += nt) {
                    int c = t * channels + h * dk + d;
                    out.set(c, out.get(c) * (inv * scale));
                }
            }
        }
        if (updateHistory != 0) {
            for (int d = lid; d < dk; d += nt) {
                shift(raw, hist, h * dk + d, count, channels, width, fresh);
            }
        }
    }
}
