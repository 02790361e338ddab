package ai.kimitornado.model.kernels;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.BFloat16Array;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;

/**
 * KDA short causal depthwise convolution + SiLU with carried history, for q, k and v in one launch:
 * <pre>  y_t[c] = SiLU( Σ_{j<W} w[c][j] · x_{t−(W−1)+j}[c] )        tap W−1 multiplies the current token </pre>
 * x_s for s &lt; 0 comes from the history (the last W−1 raw, pre-conv projections, oldest first; zeros at
 * sequence start), which is then replaced by the last W−1 inputs (KIMI_LINEAR.md §5.6).
 * Shapes per tensor: raw, out [C*channels], taps [channels*W] bf16 ([C,1,W]), hist [(W−1)*channels] fp32.
 * Grid: one work-item per (tensor, channel), global 3·channels; each walks the chunk's tokens in order,
 * so the history update needs no synchronisation. A chunk at position 0 starts a new sequence: the history is
 * read as zeros whatever the buffer holds (no separate reset pass).
 */
public final class ShortConvSilu {
    private ShortConvSilu() {
    }

    public static void qkv(KernelContext ctx, FloatArray rawQ, FloatArray rawK, FloatArray rawV,
                           BFloat16Array tapsQ, BFloat16Array tapsK, BFloat16Array tapsV,
                           FloatArray histQ, FloatArray histK, FloatArray histV,
                           FloatArray outQ, FloatArray outK, FloatArray outV,
                           IntArray meta, int channels, int width) {
        int i = ctx.globalIdx;
        int count = meta.get(KernelLimits.META_COUNT);
        int fresh = meta.get(KernelLimits.META_POSITION) == 0 ? 1 : 0;
        if (i < channels) {
            channel(rawQ, tapsQ, histQ, outQ, i, count, channels, width, fresh);
        } else if (i < 2 * channels) {
            channel(rawK, tapsK, histK, outK, i - channels, count, channels, width, fresh);
        } else if (i < 3 * channels) {
            channel(rawV, tapsV, histV, outV, i - 2 * channels, count, channels, width, fresh);
        }
    }

    static void channel(FloatArray raw, BFloat16Array taps, FloatArray hist, FloatArray out,
                        int c, int count, int channels, int width, int fresh) {
        int back = width - 1;
        if (fresh != 0) {
            for (int j = 0; j < back; j++) {
                hist.set(j * channels + c, 0f);
            }
        }
        for (int t = 0; t < count; t++) {
            float acc = 0f;
            for (int j = 0; j < width; j++) {
                int s = t - back + j;
                float xv = s >= 0 ? raw.get(s * channels + c) : hist.get((back + s) * channels + c);
                acc += Bf16.widen(taps.getBits(c * width + j)) * xv;
            }
            out.set(t * channels + c, acc / (1f + (float) Math.exp(-acc)));
        }
        // new history row j = input at position count−back+j; ascending j reads old rows above j only
        for (int j = 0; j < back; j++) {
            int s = count - back + j;
            float xv = s >= 0 ? raw.get(s * channels + c) : hist.get((back + s) * channels + c);
            hist.set(j * channels + c, xv);
        }
    }
}
