package ai.kimitornado.model.graph;

import ai.kimitornado.model.kernels.CopyRows;
import ai.kimitornado.model.kernels.EmbeddingGather;
import ai.kimitornado.model.kernels.GatedHeadRmsNorm;
import ai.kimitornado.model.kernels.GemmBf16Mma;
import ai.kimitornado.model.kernels.GemmBf16Tiled;
import ai.kimitornado.model.kernels.GemmSplitKSum;
import ai.kimitornado.model.kernels.KdaChunkPrefill;
import ai.kimitornado.model.kernels.KdaConvSiluNorm;
import ai.kimitornado.model.kernels.KdaGates;
import ai.kimitornado.model.kernels.KdaGatesWarp;
import ai.kimitornado.model.kernels.KdaRecurrentSplit;
import ai.kimitornado.model.kernels.KernelLimits;
import ai.kimitornado.model.kernels.LastRowSelect;
import ai.kimitornado.model.kernels.MatVecBf16;
import ai.kimitornado.model.kernels.MatVecBf16Fused;
import ai.kimitornado.model.kernels.MatVecBf16Rows;
import ai.kimitornado.model.kernels.MatVecBf16Warp;
import ai.kimitornado.model.kernels.MlaFlashCombine;
import ai.kimitornado.model.kernels.MlaFlashAttention;
import ai.kimitornado.model.kernels.MlaFlashDecodeWarp;
import ai.kimitornado.model.kernels.MlaExpandedPrefill;
import ai.kimitornado.model.kernels.MlaExpandedPrefillMma;
import ai.kimitornado.model.kernels.MlaFlashPrefill;
import ai.kimitornado.model.kernels.MlaLatentGather;
import ai.kimitornado.model.kernels.MlaLatentNormAppend;
import ai.kimitornado.model.kernels.MlaHeadGemm;
import ai.kimitornado.model.kernels.MlaQueryAbsorb;
import ai.kimitornado.model.kernels.MlaValueUp;
import ai.kimitornado.model.kernels.MoeCombineSlots;
import ai.kimitornado.model.kernels.MoeExpertGroups;
import ai.kimitornado.model.kernels.MoeExpertGroupsSplit;
import ai.kimitornado.model.kernels.MoeExpertsDown;
import ai.kimitornado.model.kernels.MoeExpertsDownRows;
import ai.kimitornado.model.kernels.MoeExpertsDownSlots;
import ai.kimitornado.model.kernels.MoeExpertsGateUp;
import ai.kimitornado.model.kernels.MoeExpertsGateUpDeep;
import ai.kimitornado.model.kernels.MoeExpertsGateUpRows;
import ai.kimitornado.model.kernels.MoeGroupedDown;
import ai.kimitornado.model.kernels.MoeGroupedDownMma;
import ai.kimitornado.model.kernels.MoeGroupedGateUp;
import ai.kimitornado.model.kernels.MoeGroupedGateUpMma;
import ai.kimitornado.model.kernels.MoeRouterTopK;
import ai.kimitornado.model.kernels.MoeRouterTopKWarp;
import ai.kimitornado.model.kernels.RmsNormRows;
import ai.kimitornado.model.kernels.RmsNormRowsWarp;
import ai.kimitornado.model.kernels.RowGroups;
import ai.kimitornado.model.kernels.SampleArgmaxSplit;
import ai.kimitornado.model.kernels.SampleTopP;
import ai.kimitornado.model.kernels.SiluMulRows;
import ai.kimitornado.model.kernels.SwiGluGateUp;
import ai.kimitornado.model.kernels.SwiGluGateUpRows;
import ai.kimitornado.model.kernels.WarpRows;
import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.BFloat16Array;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;
import ai.kimitornado.tasks.types.arrays.NativeArray;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the forward pass over one chunk as a {@link ForwardGraph}. A layer reads like the paper:
 * norm → mixer (KDA or MLA) → residual → norm → MLP or MoE → residual; then final norm → LM head → sampling,
 * so only the token id returns. Two shapes of the same graph:
 * <ul>
 *   <li>decode: capacity 1, GEMV projections, KDA recurrent step, MLA absorbed split attention;</li>
 *   <li>prefill: capacity C, tiled GEMM projections, KDA chunkwise form, MLA causal attention over the cache
 *       (the chunk's own latents appended first; expanded or absorbed: {@link MlaPrefillForm}).</li>
 * </ul>
 * Residual adds are absorbed by the o_proj / down projections (accumulate) and the MoE down kernel.
 */
final class ForwardGraphBuilder {
    /** Mixer form of KDA in a graph. */
    enum KdaForm { RECURRENT, CHUNKWISE }

    /**
     * Prefill runs KDA as the column-split token recurrence ({@link KdaRecurrentSplit}) rather than
     * {@link KdaChunkPrefill}: at batch 1 with dk = dv = 128 the chunkwise form does about as many flops per token
     * (no tensor cores here) but runs one work-group per head and needs H·3·C² scratch; the split recurrence runs
     * H·dv/16 groups, keeps the state on chip for the whole chunk and needs no scratch (any chunk size C).
     */
    static final boolean KDA_PREFILL_BY_SPLIT_RECURRENCE = true;

    private final ModelDims d;
    private final ModelWeights w;
    private final SequenceState s;
    private final ChunkBuffers b;
    private final SamplingSpec sampling;
    /** System property selecting the reference decode kernels (one work-group per row) for A/B runs. */
    static final String REFERENCE_DECODE_PROPERTY = "kimi.referenceDecodeKernels";
    private static final boolean REFERENCE_DECODE = Boolean.getBoolean(REFERENCE_DECODE_PROPERTY);
    /**
     * Work-group count below which the decode row kernels widen their rows (RowGroups.TARGET_GROUPS = 1024 by default);
     * {@code -Dkimi.decodeTargetGroups=512} keeps 2304-row projections (o_proj, experts_down) at 576 groups of 4 rows
     * instead of 1,152 groups of 2 (one wave of 8 × 132 resident groups on the H200 instead of 1.09).
     */
    private static final int DECODE_TARGET_GROUPS = Integer.getInteger("kimi.decodeTargetGroups", 1024);
    /**
     * Warp decode kernels or row kernels ({@link DecodeKernels}: {@code -Dkimi.decodeWarpKernels=auto|true|false}; auto
     * = warp kernels where shuffles are hardware, cuda and NVIDIA OpenCL). Warp kernels need work-groups of
     * {@link WarpRows#LOCAL} (not the JVM): linear() as {@link MatVecBf16Warp}, MLA attention as {@link MlaFlashDecodeWarp},
     * the MoE block as router GEMV with the post-attention norm folded in (writing xn) + {@link MoeRouterTopKWarp} + the
     * row experts, RMSNorm as {@link RmsNormRowsWarp}.
     */
    static final String WARP_DECODE_PROPERTY = DecodeKernels.PROPERTY;
    /**
     * Decode MoE gate/up as {@link MoeExpertsGateUpDeep} (eight loads in flight per lane; H200 06:12: 0.859 ms/token vs
     * 0.926 for MoeExpertsGateUpRows' four, TPOT 4.06 vs 4.10 ms); {@code -Dkimi.moeGateUpDeep=false} for the rows kernel.
     */
    private static final boolean GATE_UP_DEEP = Boolean.parseBoolean(System.getProperty("kimi.moeGateUpDeep", "true"));
    private final KernelContext ctx = new KernelContext();
    /** Largest work-group the reducing kernels use (a power of two): 256 on GPUs/OpenCL, small on the JVM. */
    private final int maxLocal;
    /** Work-group size of the MLA flash attention (4 warps: 4 groups of 47 KiB local memory fit one H200 SM). */
    private static final int FLASH_LOCAL = 128;
    /** Work-group size of the MLA prefill attention (MlaFlashPrefill's 4×4 / 4×2 register tiles fill 64). */
    private static final int FLASH_PREFILL_LOCAL = 64;
    private List<KernelLaunch> launches;
    private int capacity;
    /** Tensor-core or SIMT kernels for the chunk GEMMs (projections, grouped MoE): see {@link PrefillGemm}. */
    private final PrefillGemm prefillGemm;
    /** Whether the grouped MoE runs MoeGroupedGateUpMma/DownMma ({@link PrefillGemm#moeUsesMma}). */
    private final boolean moeMma;
    /** Whether decode (and the norms) may run the warp kernels ({@link DecodeKernels}). */
    private final boolean warpKernels;

    ForwardGraphBuilder(ModelDims d, ModelWeights w, SequenceState s, ChunkBuffers b, SamplingSpec sampling,
                        int maxLocal, PrefillGemm prefillGemm, DecodeKernels decodeKernels) {
        if (maxLocal < 1 || maxLocal > KernelLimits.MAX_LOCAL || Integer.bitCount(maxLocal) != 1) {
            throw new IllegalArgumentException("ForwardGraphBuilder: work-group limit " + maxLocal
                    + " must be a power of two in 1.." + KernelLimits.MAX_LOCAL);
        }
        this.maxLocal = maxLocal;
        this.prefillGemm = prefillGemm;
        this.moeMma = PrefillGemm.moeUsesMma(prefillGemm);
        this.warpKernels = decodeKernels == DecodeKernels.WARP && !REFERENCE_DECODE && maxLocal >= WarpRows.LOCAL;
        this.d = d;
        this.w = w;
        this.s = s;
        this.b = b;
        this.sampling = sampling;
    }

    ForwardGraph build(String name, int capacity, KdaForm kdaForm) {
        if (capacity > b.capacity) {
            throw new IllegalArgumentException("graph " + name + ": capacity " + capacity + " exceeds the buffers' " + b.capacity);
        }
        this.capacity = capacity;
        this.launches = new ArrayList<>();
        int hid = d.hidden();
        launch("embed", EmbeddingGather.class, "gather", grid1(capacity * hid),
                ctx, b.tokens, w.embedding(), b.h, b.meta, hid);
        capture(0, b.h);
        for (int l = 0; l < d.layers(); l++) {
            ModelWeights.Layer layer = w.layers().get(l);
            String p = "l" + l + "_";
            rmsNorm(p + "input_norm", b.h, layer.inputNorm(), b.xn);
            if (layer.kda() != null) {
                kda(p, l, layer.kda(), kdaForm);
            } else {
                mla(p, l, layer.mla());
            }
            boolean normInMoe = layer.moe() != null && warpDecode(); // folded into the router and gate/up kernels
            if (!normInMoe) {
                rmsNorm(p + "post_norm", b.h, layer.postNorm(), b.xn);
            }
            if (layer.dense() != null) {
                denseMlp(p, layer.dense());
            } else if (normInMoe) {
                moeWarpDecode(p, layer.moe(), layer.postNorm());
            } else {
                moe(p, layer.moe());
            }
            if (l + 1 < d.layers()) {
                capture(l + 1, b.h);
            }
        }
        rmsNorm("final_norm", b.h, w.finalNorm(), b.xn);
        capture(d.layers(), b.xn); // the last slot is after the final norm (transformers' hidden_states convention)
        lmHeadAndSample();
        List<NativeArray> onDemand = new ArrayList<>(List.of(b.logits));
        if (b.capture != null) {
            onDemand.add(b.capture);
        }
        return new ForwardGraph(name, capacity, List.copyOf(launches), w.arrays(), List.of(b.tokens, b.meta),
                List.of(b.sampledId), List.copyOf(onDemand));
    }

    /**
     * Dense SwiGLU MLP (layer 0). A chunk runs gate and up as GEMMs (each weight read once per 64 tokens, not once
     * per token as in the fused per-row {@link SwiGluGateUp}) and folds SiLU(gate)·up in one elementwise pass.
     */
    private void denseMlp(String p, ModelWeights.Mlp m) {
        int hid = d.hidden();
        int inter = d.denseInter();
        if (usesTiledGemm()) {
            linear(p + "mlp_gate", m.gate(), b.xn, b.denseGate, inter, hid, false);
            linear(p + "mlp_up", m.up(), b.xn, b.denseAct, inter, hid, false);
            launch(p + "mlp_silu_mul", SiluMulRows.class, "apply", grid1((long) capacity * inter),
                    ctx, b.denseGate, b.denseAct, b.meta, inter);
        } else if (capacity == 1 && !REFERENCE_DECODE) {
            RowGroups g = decodeRows(p + "mlp_gate_up", inter, hid);
            launch(p + "mlp_gate_up", SwiGluGateUpRows.class, "gateUp", rows(g),
                    ctx, m.gate(), m.up(), b.xn, b.denseAct, b.meta, inter, hid, g.rowThreads());
        } else {
            launch(p + "mlp_gate_up", SwiGluGateUp.class, "gateUp", rowGroups(inter, hid),
                    ctx, m.gate(), m.up(), b.xn, b.denseAct, b.meta, inter, hid);
        }
        linear(p + "mlp_down", m.down(), b.denseAct, b.h, hid, inter, true);
    }

    /** Whether chunk projections run as {@link GemmBf16Tiled} (capacity > 1 and 256-item work-groups exist). */
    private boolean usesTiledGemm() {
        return capacity > 1 && maxLocal >= GemmBf16Tiled.THREADS;
    }

    /**
     * Logits and the sampled id. A chunk keeps every row's logits only when asked ({@code allLogits}: forward,
     * verify); otherwise the LM head (vocab × hidden, the largest matrix) runs as a GEMV on the last valid row,
     * selected on the device with a one-token meta record that the GEMV and the sampler read.
     */
    private void lmHeadAndSample() {
        int hid = d.hidden();
        if (capacity == 1 || b.allLogits) {
            linear("lm_head", w.lmHead(), b.xn, b.logits, d.vocab(), hid, false);
        } else {
            launch("lm_head_row", LastRowSelect.class, "apply", grid1(hid), ctx, b.xn, b.lastRow, b.meta, b.headMeta, hid);
            if (!REFERENCE_DECODE && hid % 4 == 0) { // the decode GEMV: one token's row, headMeta's count is 1
                RowGroups g = decodeRows("lm_head", d.vocab(), hid);
                launch("lm_head", MatVecBf16Rows.class, "matVec", rows(g),
                        ctx, w.lmHead(), 0, b.lastRow, b.logits, b.headMeta, d.vocab(), hid, 0, g.rowThreads());
            } else {
                int local = pow2AtMost(hid, maxLocal);
                launch("lm_head", MatVecBf16.class, "matVec", new long[][] {{(long) d.vocab() * local, 1}, {local, 1}},
                        ctx, w.lmHead(), 0, b.lastRow, b.logits, b.headMeta, d.vocab(), hid, 0);
            }
        }
        IntArray sampleMeta = capacity == 1 || b.allLogits ? b.meta : b.headMeta; // which row of logits to sample
        int sampleLocal = pow2AtMost(d.vocab(), maxLocal);
        if (sampling.greedy()) {
            // split argmax: ~4 logits per work-item per group, at most ChunkBuffers.SAMPLE_GROUPS groups
            int groups = (int) Math.max(1, Math.min(ChunkBuffers.SAMPLE_GROUPS, (long) d.vocab() / (4L * sampleLocal)));
            launch("sample_partial", SampleArgmaxSplit.class, "partial", new long[][] {{(long) groups * sampleLocal}, {sampleLocal}},
                    ctx, b.logits, b.sampleBestValue, b.sampleBestId, sampleMeta, d.vocab());
            launch("sample", SampleArgmaxSplit.class, "finish", new long[][] {{sampleLocal}, {sampleLocal}},
                    ctx, b.sampleBestValue, b.sampleBestId, b.sampledId, groups);
        } else {
            launch("sample", SampleTopP.class, "apply", new long[][] {{sampleLocal}, {sampleLocal}},
                    ctx, b.logits, b.sampledId, sampleMeta, d.vocab(), 1f / sampling.temperature(), sampling.topP());
        }
    }

    private void kda(String p, int l, ModelWeights.Kda k, KdaForm form) {
        int hid = d.hidden();
        int ch = d.kdaChannels();
        int heads = d.kdaHeads();
        int dk = d.kdaHeadDim();
        projections(p + "qkv_fa_ga", b.xn, hid, new Projection(p + "q_proj", k.qProj(), b.qRaw, ch),
                new Projection(p + "k_proj", k.kProj(), b.kRaw, ch), new Projection(p + "v_proj", k.vProj(), b.vRaw, ch),
                new Projection(p + "f_a", k.faProj(), b.fLow, dk), new Projection(p + "g_a", k.gaProj(), b.gLow, dk));
        float qScale = (float) (1.0 / Math.sqrt(dk));
        int convLocal = pow2AtMost(dk, maxLocal);
        if (capacity == 1) { // decode: conv + q/k norm + history shift in one launch (a group per tensor and head)
            launch(p + "conv_norm", KdaConvSiluNorm.class, "apply", new long[][] {{3L * heads * convLocal}, {convLocal}},
                    ctx, b.qRaw, b.kRaw, b.vRaw, k.qConv(), k.kConv(), k.vConv(), s.convQ[l], s.convK[l], s.convV[l],
                    b.q, b.k, b.v, b.meta, heads, dk, d.convWidth(), qScale);
        } else { // prefill: a group per (tensor, head, token), then the history shift (it must follow every read)
            launch(p + "conv_norm", KdaConvSiluNorm.class, "perToken", headGroups(3 * heads, dk),
                    ctx, b.qRaw, b.kRaw, b.vRaw, k.qConv(), k.kConv(), k.vConv(), s.convQ[l], s.convK[l], s.convV[l],
                    b.q, b.k, b.v, b.meta, heads, dk, d.convWidth(), qScale);
            launch(p + "conv_history", KdaConvSiluNorm.class, "shiftHistory", grid1(3 * ch),
                    ctx, b.qRaw, b.kRaw, b.vRaw, s.convQ[l], s.convK[l], s.convV[l], b.meta, ch, d.convWidth());
        }
        boolean splitRecurrence = form == KdaForm.RECURRENT || KDA_PREFILL_BY_SPLIT_RECURRENCE;
        int rawGates = splitRecurrence && capacity > 1 ? 1 : 0;
        boolean gbInGates = rawGates == 0 && warpDecode();
        if (gbInGates) { // decode on warp kernels: forget gate, output gate (g_b) and β in one launch
            warpRows(p + "gates", 1, dk); // checks rank % 4
            warpRows(p + "b_proj", 1, hid);
            launch(p + "gates", KdaGatesWarp.class, "apply",
                    new long[][] {{KdaGatesWarp.groups(ch, heads) * KdaGatesWarp.LOCAL}, {KdaGatesWarp.LOCAL}},
                    ctx, b.fLow, k.fbProj(), k.dtBias(), k.aLog(), b.gLow, k.gbProj(), k.bProj(), b.xn, b.g, b.gate,
                    b.beta, b.meta, ch, dk, dk, heads, hid);
        } else if (rawGates == 0) { // decode: both gates with their epilogues in one launch
            launch(p + "gates", KdaGates.class, "apply", rowGroups(ch + heads, dk),
                    ctx, b.fLow, k.fbProj(), k.dtBias(), k.aLog(), k.bProj(), b.xn, b.g, b.beta, b.meta, ch, dk, dk, heads, hid);
        } else { // prefill: the gate projections as GEMMs; the recurrence applies softplus/exp and sigmoid
            linear(p + "f_b", k.fbProj(), b.fLow, b.g, ch, dk, false);
            linear(p + "b_proj", k.bProj(), b.xn, b.beta, heads, hid, false);
        }
        if (!gbInGates) {
            linear(p + "g_b", k.gbProj(), b.gLow, b.gate, ch, dk, false);
        }
        if (splitRecurrence) {
            // value columns split across work-groups: heads·dv/cols groups, the state slice in local memory
            int cols = Math.min(KdaRecurrentSplit.MAX_COLS, maxLocal);
            int local = pow2AtMost(cols * Math.min(dk, 16), maxLocal);
            long groups = (long) heads * ((dk + cols - 1) / cols);
            launch(p + "kda_recurrent", KdaRecurrentSplit.class, "run", new long[][] {{groups * local}, {local}},
                    ctx, b.q, b.k, b.v, b.g, b.beta, k.dtBias(), k.aLog(), s.kdaState[l], b.o, b.meta, heads, dk, dk, cols,
                    rawGates);
        } else {
            int local = Math.min(dk, maxLocal);
            launch(p + "kda_chunk", KdaChunkPrefill.class, "run", new long[][] {{(long) heads * local}, {local}},
                    ctx, b.q, b.k, b.v, b.g, b.beta, s.kdaState[l], b.o, b.cum, b.decays, b.pairs, b.wm, b.um,
                    b.meta, heads, dk, dk, Math.min(capacity, KdaChunkPrefill.SUB_CHUNK));
        }
        launch(p + "o_norm", GatedHeadRmsNorm.class, "apply", headGroups(heads, dk),
                ctx, b.o, b.gate, k.oNorm(), b.y, b.meta, heads, dk, d.rmsEps());
        linear(p + "o_proj", k.oProj(), b.y, b.h, hid, ch, true);
    }

    private void mla(String p, int l, ModelWeights.Mla m) {
        int hid = d.hidden();
        int heads = d.mlaHeads();
        int lora = d.kvLora();
        projections(p + "q_kv_a", b.xn, hid, new Projection(p + "q_proj", m.qProj(), b.mlaQ, d.mlaQueryWidth()),
                new Projection(p + "kv_a", m.kvAProj(), b.ckv, d.latentRow()));
        launch(p + "latent_norm_append", MlaLatentNormAppend.class, "apply",
                new long[][] {{(long) capacity * pow2AtMost(lora, maxLocal)}, {pow2AtMost(lora, maxLocal)}},
                ctx, b.ckv, m.kvANorm(), s.mlaCache[l], b.meta, lora, d.rope(), MlaLatentNormAppend.EPS, s.maxContext);
        if (capacity > 1 && b.mlaPrefillForm.expanded()) {
            mlaExpanded(p, l, m);
        } else {
            mlaAbsorbed(p, l, m);
        }
        linear(p + "o_proj", m.oProj(), b.attn, b.h, hid, heads * d.vDim(), true);
    }

    /**
     * MLA attention in the expanded form for a chunk ({@link MlaPrefillForm#EXPANDED}): every visible position of the
     * latent cache (the chunk's own latents appended above) through kv_b_proj into the scratch, then causal flash
     * attention per head with q·k over nope + rope and P·V over v, straight into b.attn (no q_absorb / value_up).
     */
    private void mlaExpanded(String p, int l, ModelWeights.Mla m) {
        int heads = d.mlaHeads();
        int lora = d.kvLora();
        if (maxLocal < MlaExpandedPrefill.THREADS) {
            throw new IllegalStateException("ForwardGraphBuilder.mlaExpanded " + p + ": MlaExpandedPrefill needs work-groups of "
                    + MlaExpandedPrefill.THREADS + " items, this device allows " + maxLocal);
        }
        int rows = heads * (d.nope() + d.vDim());
        // the expansion as a plain GEMM over every visible position (MlaHeadGemm.expandCache is its reference): the
        // visible latents gathered into dense rows, a meta counting them, then the chunk GEMM PrefillGemm chose
        launch(p + "kv_gather", MlaLatentGather.class, "apply", grid1((long) s.maxContext * lora),
                ctx, s.mlaCache[l], b.latentRows, b.meta, b.expandMeta, lora, d.latentRow());
        if (prefillGemm == PrefillGemm.MMA && lora % 4 == 0) { // position tiles past the visible ones exit at once
            launch(p + "kv_expand", GemmBf16Mma.class, "gemm",
                    new long[][] {{ceilDiv(rows, GemmBf16Mma.TILE_ROWS) * GemmBf16Mma.THREADS, ceilDiv(s.maxContext, GemmBf16Mma.TILE_TOKENS)},
                            {GemmBf16Mma.THREADS, 1}},
                    ctx, m.kvBProj(), 0, b.latentRows, b.kvExpanded, b.expandMeta, rows, lora, 0);
        } else {
            launch(p + "kv_expand", GemmBf16Tiled.class, "gemm",
                    new long[][] {{ceilDiv(rows, GemmBf16Tiled.TILE_ROWS) * GemmBf16Tiled.THREADS, ceilDiv(s.maxContext, GemmBf16Tiled.TILE_TOKENS)},
                            {GemmBf16Tiled.THREADS, 1}},
                    ctx, m.kvBProj(), 0, b.latentRows, b.kvExpanded, b.expandMeta, rows, lora, 0);
        }
        boolean mma = b.mlaPrefillForm == MlaPrefillForm.EXPANDED_MMA; // same contract, tensor-core MMAs
        long queryTiles = ceilDiv(capacity, MlaExpandedPrefill.QUERY_TILE);
        int threads = mma ? MlaExpandedPrefillMma.THREADS : MlaExpandedPrefill.THREADS;
        launch(p + "attn_expanded", mma ? MlaExpandedPrefillMma.class : MlaExpandedPrefill.class, "apply",
                new long[][] {{queryTiles * heads * threads}, {threads}},
                ctx, b.mlaQ, b.kvExpanded, s.mlaCache[l], b.attn, b.meta, heads, d.nope(), d.rope(), d.vDim(), lora,
                (float) (1.0 / Math.sqrt(d.nope() + d.rope())));
    }

    /** MLA attention in the absorbed form (decode, and chunks with {@link MlaPrefillForm#ABSORBED}). */
    private void mlaAbsorbed(String p, int l, ModelWeights.Mla m) {
        int heads = d.mlaHeads();
        int lora = d.kvLora();
        if (usesTiledGemm()) { // chunk: per-head GEMM (MlaQueryAbsorb, per token, stays for decode and as reference)
            launch(p + "q_absorb", MlaHeadGemm.class, "queryAbsorb", headGemmGrid(heads, lora),
                    ctx, b.mlaQ, m.kvBProj(), b.qLat, b.meta, heads, d.nope(), d.rope(), d.vDim(), lora);
        } else {
            launch(p + "q_absorb", MlaQueryAbsorb.class, "apply", grid2(heads * lora, capacity),
                    ctx, b.mlaQ, m.kvBProj(), b.qLat, b.meta, heads, d.nope(), d.rope(), d.vDim(), lora);
        }
        // absorbed attention as MQA over the latent cache (MlaFlashAttention); MlaAttentionPartial is its reference
        // (a chunk graph smaller than the buffers keeps their prefill tiling: its partials fit, capacity ≤ C)
        MlaTiling tiling = capacity == 1 ? b.mlaDecode : b.mlaPrefill;
        // decode: latency-bound, 128 work-items per group; prefill: throughput-bound, larger register tiles
        Class<?> flash = capacity == 1 ? MlaFlashAttention.class : MlaFlashPrefill.class;
        int local = pow2AtMost(capacity == 1 ? FLASH_LOCAL : FLASH_PREFILL_LOCAL, maxLocal);
        if (warpDecode() && lora <= MlaFlashDecodeWarp.MAX_LORA && d.rope() <= MlaFlashDecodeWarp.MAX_ROPE) {
            // decode (decode engineer): one warp per (range, head), same ranges and partials as MlaFlashAttention
            long warps = (long) tiling.splits() * heads;
            int flashLocal = MlaFlashDecodeWarp.LOCAL;
            launch(p + "attn_flash", MlaFlashDecodeWarp.class, "apply",
                    new long[][] {{roundUp(warps * KernelContext.WARP_SIZE, flashLocal)}, {flashLocal}},
                    ctx, b.qLat, b.mlaQ, s.mlaCache[l], b.partials, b.latentCtx, b.meta, heads, d.nope(), d.rope(), lora,
                    tiling.keyTile(), tiling.splits(), (float) (1.0 / Math.sqrt(d.nope() + d.rope())));
        } else {
            launch(p + "attn_flash", flash, "apply",
                    new long[][] {{tiling.groups(heads) * local, capacity}, {local, 1}},
                    ctx, b.qLat, b.mlaQ, s.mlaCache[l], b.partials, b.latentCtx, b.meta, heads, d.nope(), d.rope(), lora,
                    tiling.headBlock(), tiling.keyTile(), tiling.splits(), (float) (1.0 / Math.sqrt(d.nope() + d.rope())));
        }
        if (tiling.splits() > 1) {
            int combineLocal = pow2AtMost(KernelLimits.MAX_LOCAL, maxLocal);
            long columnBlocks = (long) heads * ((lora + MlaFlashCombine.COLUMNS - 1) / MlaFlashCombine.COLUMNS);
            launch(p + "attn_combine", MlaFlashCombine.class, "apply",
                    new long[][] {{columnBlocks * combineLocal, capacity}, {combineLocal, 1}},
                    ctx, b.partials, b.latentCtx, b.meta, heads, lora, tiling.splits());
        }
        if (usesTiledGemm()) { // chunk: per-head GEMM [C × kvLora]·[kvLora × v] (MlaValueUp stays for decode)
            launch(p + "value_up", MlaHeadGemm.class, "valueUp", headGemmGrid(heads, d.vDim()),
                    ctx, b.latentCtx, m.kvBProj(), b.attn, b.meta, heads, d.nope(), d.vDim(), lora);
        } else {
            launch(p + "value_up", MlaValueUp.class, "apply", rowGroups(heads * d.vDim(), lora),
                    ctx, b.latentCtx, m.kvBProj(), b.attn, b.meta, heads, d.nope(), d.vDim(), lora);
        }
    }

    /** Grid of {@link MlaHeadGemm}: per head ⌈rows/128⌉ row tiles of 256 work-items, ⌈C/64⌉ token tiles. */
    private long[][] headGemmGrid(int heads, int rows) {
        long rowTiles = (rows + MlaHeadGemm.TILE_ROWS - 1) / MlaHeadGemm.TILE_ROWS;
        long tokenTiles = (capacity + MlaHeadGemm.TILE_TOKENS - 1) / MlaHeadGemm.TILE_TOKENS;
        return new long[][] {{heads * rowTiles * MlaHeadGemm.THREADS, tokenTiles}, {MlaHeadGemm.THREADS, 1}};
    }

    private void moe(String p, ModelWeights.Moe m) {
        int hid = d.hidden();
        int slots = d.moeSlots();
        linear(p + "router", m.router(), b.xn, b.routerLogits, d.experts(), hid, false);
        int routerLocal = pow2AtMost(d.experts(), maxLocal);
        launch(p + "router_topk", MoeRouterTopK.class, "apply", new long[][] {{(long) capacity * routerLocal}, {routerLocal}},
                ctx, b.routerLogits, m.bias(), b.expertIds, b.expertWeights, b.meta, d.experts(), d.topK(), d.groups(),
                d.topkGroups(), d.renormalize() ? 1 : 0, d.routedScaling(), d.sharedExperts());
        if (capacity > 1 && maxLocal >= MoeExpertGroups.GEMM_THREADS) {
            moeGroupedByExpert(p, m);
            return;
        }
        if (capacity == 1 && !REFERENCE_DECODE) {
            int inter = d.moeInter();
            RowGroups gateUp = decodeRows(p + "experts_gate_up", slots * inter, hid);
            launch(p + "experts_gate_up", MoeExpertsGateUpRows.class, "apply", rows(gateUp),
                    ctx, m.w1(), m.w3(), b.xn, b.expertIds, b.moeAct, b.meta, slots, inter, hid, gateUp.rowThreads());
            decodeRows(p + "experts_down", hid, inter); // each slot's row of I bf16 is read as quads: I % 4 == 0
            RowGroups down = decodeRows(p + "experts_down", hid, slots * inter);
            launch(p + "experts_down", MoeExpertsDownRows.class, "apply", rows(down),
                    ctx, m.w2(), b.moeAct, b.expertIds, b.expertWeights, b.h, b.meta, slots, inter, hid, down.rowThreads());
            return;
        }
        launch(p + "experts_gate_up", MoeExpertsGateUp.class, "apply", rowGroups(slots * d.moeInter(), hid),
                ctx, m.w1(), m.w3(), b.xn, b.expertIds, b.moeAct, b.meta, slots, d.moeInter(), hid);
        launch(p + "experts_down", MoeExpertsDown.class, "apply", rowGroups(hid, d.moeInter()),
                ctx, m.w2(), b.moeAct, b.expertIds, b.expertWeights, b.h, b.meta, slots, d.moeInter(), hid);
    }

    /**
     * Decode MoE with the post-attention RMSNorm folded into the router GEMV (MatVecBf16Warp.matVecNormed: its rows
     * read all of h anyway, sum h², and it writes xn for the experts), the one-warp router top-k, then the row-layout
     * expert kernels reading xn (down walked slot-major: {@link MoeExpertsDownSlots}): 4 launches per MoE layer (was 5 with the norm). Warp-per-row expert kernels (gate/up with the
     * norm folded in, down) measured slower on the H200 (session 3, 05:25: 49 vs 35 µs and 31 vs 28 µs per layer) and
     * were deleted (bench/NOTES.md, decode engineer, session 3).
     */
    private void moeWarpDecode(String p, ModelWeights.Moe m, BFloat16Array postNorm) {
        int hid = d.hidden();
        int slots = d.moeSlots();
        int inter = d.moeInter();
        WarpRows router = warpRows(p + "router", d.experts(), hid);
        launch(p + "router", MatVecBf16Warp.class, "matVecNormed", rows(router), ctx, m.router(), b.h, postNorm,
                b.routerLogits, b.xn, b.meta, d.experts(), hid, d.rmsEps(), router.rowWarps());
        if (d.experts() > KernelLimits.MAX_EXPERTS) {
            throw new IllegalArgumentException("ForwardGraphBuilder.moeWarpDecode: " + d.experts()
                    + " experts exceed MoeRouterTopKWarp's local tables of " + KernelLimits.MAX_EXPERTS);
        }
        launch(p + "router_topk", MoeRouterTopKWarp.class, "apply",
                new long[][] {{KernelContext.WARP_SIZE}, {KernelContext.WARP_SIZE}},
                ctx, b.routerLogits, m.bias(), b.expertIds, b.expertWeights, b.meta, d.experts(), d.topK(), d.groups(),
                d.topkGroups(), d.renormalize() ? 1 : 0, d.routedScaling(), d.sharedExperts());
        RowGroups gateUp = decodeRows(p + "experts_gate_up", slots * inter, hid);
        launch(p + "experts_gate_up", GATE_UP_DEEP ? MoeExpertsGateUpDeep.class : MoeExpertsGateUpRows.class, "apply",
                rows(gateUp), ctx, m.w1(), m.w3(), b.xn, b.expertIds, b.moeAct, b.meta, slots, inter, hid,
                gateUp.rowThreads());
        decodeRows(p + "experts_down", hid, inter); // each slot's row of I bf16 is read as quads: I % 4 == 0
        RowGroups down = decodeRows(p + "experts_down", hid, slots * inter);
        launch(p + "experts_down", MoeExpertsDownSlots.class, "apply", rows(down),
                ctx, m.w2(), b.moeAct, b.expertIds, b.expertWeights, b.h, b.meta, slots, inter, hid, down.rowThreads());
    }

    /** Whether this graph is a decode graph on warp kernels (see {@link #WARP_DECODE_PROPERTY}). */
    private boolean warpDecode() {
        return capacity == 1 && warpKernels;
    }

    /**
     * Prefill MoE grouped by expert: every expert's weights are read once per tile of up to
     * {@link MoeExpertGroups#TILE_TOKENS} of its tokens instead of once per token. The launches cover the worst
     * case of tiles ({@link MoeExpertGroups#maxTiles}); tiles past the chunk's actual count exit at once.
     */
    private void moeGroupedByExpert(String p, ModelWeights.Moe m) {
        int hid = d.hidden();
        int slots = d.moeSlots();
        int packed = d.experts() + d.sharedExperts();
        if (packed > KernelLimits.MAX_EXPERTS + 1) {
            throw new IllegalArgumentException("ForwardGraphBuilder.moeGroupedByExpert: " + packed
                    + " packed experts exceed MoeExpertGroups' local table of " + (KernelLimits.MAX_EXPERTS + 1));
        }
        if (hid % 4 != 0 || d.moeInter() % 4 != 0) {
            throw new IllegalArgumentException("ForwardGraphBuilder.moeGroupedByExpert: hidden " + hid
                    + " and moe_intermediate_size " + d.moeInter() + " must be multiples of 4 (MoeGroupedGateUp/Down "
                    + "stage expert weights with 8-byte getBits4 loads)");
        }
        boolean mma = moeMma;
        // the MMA kernels take tiles of up to 64 pairs (an expert's ~32 tokens of a 1024-token chunk in one tile)
        int tileTokens = mma ? MoeGroupedGateUpMma.TILE_TOKENS : MoeExpertGroups.TILE_TOKENS;
        int maxTiles = MoeExpertGroups.maxTiles(capacity * slots, packed, tileTokens);
        int threads = MoeExpertGroups.GEMM_THREADS;
        // grouping by expert: a work-group per expert counts and scatters (MoeExpertGroups is the one-group reference)
        launch(p + "experts_count", MoeExpertGroupsSplit.class, "count", new long[][] {{(long) packed * threads}, {threads}},
                ctx, b.expertIds, b.moeCounts, b.meta, slots, packed);
        launch(p + "experts_layout", MoeExpertGroupsSplit.class, "layout", new long[][] {{threads}, {threads}},
                ctx, b.moeCounts, b.moeOffsets, b.moeTiles, packed, tileTokens);
        launch(p + "experts_scatter", MoeExpertGroupsSplit.class, "scatter", new long[][] {{(long) packed * threads}, {threads}},
                ctx, b.expertIds, b.moeOffsets, b.moePairs, b.meta, slots, packed);
        if (mma) {
            launch(p + "experts_grouped_gate_up", MoeGroupedGateUpMma.class, "apply",
                    new long[][] {{ceilDiv(d.moeInter(), MoeGroupedGateUpMma.GATE_UP_ROWS) * MoeGroupedGateUpMma.THREADS,
                            maxTiles}, {MoeGroupedGateUpMma.THREADS, 1}},
                    ctx, m.w1(), m.w3(), b.xn, b.moePairs, b.moeTiles, b.moeAct, b.meta, slots, d.moeInter(), hid,
                    capacity * slots);
            launch(p + "experts_grouped_down", MoeGroupedDownMma.class, "apply",
                    new long[][] {{ceilDiv(hid, MoeGroupedDownMma.DOWN_ROWS) * MoeGroupedDownMma.THREADS, maxTiles},
                            {MoeGroupedDownMma.THREADS, 1}},
                    ctx, m.w2(), b.moeAct, b.moePairs, b.moeTiles, b.moeSlotOut, b.meta, d.moeInter(), hid,
                    capacity * slots);
        } else {
            launch(p + "experts_grouped_gate_up", MoeGroupedGateUp.class, "apply",
                    new long[][] {{ceilDiv(d.moeInter(), MoeGroupedGateUp.GATE_UP_ROWS) * threads, maxTiles}, {threads, 1}},
                    ctx, m.w1(), m.w3(), b.xn, b.moePairs, b.moeTiles, b.moeAct, b.meta, slots, d.moeInter(), hid);
            launch(p + "experts_grouped_down", MoeGroupedDown.class, "apply",
                    new long[][] {{ceilDiv(hid, MoeGroupedDown.DOWN_ROWS) * threads, maxTiles}, {threads, 1}},
                    ctx, m.w2(), b.moeAct, b.moePairs, b.moeTiles, b.moeSlotOut, b.meta, d.moeInter(), hid);
        }
        launch(p + "experts_combine", MoeCombineSlots.class, "apply", grid1((long) capacity * hid),
                ctx, b.moeSlotOut, b.expertWeights, b.h, b.meta, slots, hid);
    }

    /**
     * y (+)= W·x: GEMV for a single token; for a chunk the tensor-core GEMM ({@link GemmBf16Mma}) or the register-blocked
     * SIMT GEMM ({@link GemmBf16Tiled}: 128-row × 64-token tiles of 256 work-items) as {@link PrefillGemm} chose, or GEMV
     * rows × tokens where work-groups cannot be that large (the JVM).
     */
    private void linear(String name, BFloat16Array weight, FloatArray x, FloatArray y, int rows, int cols, boolean accumulate) {
        int acc = accumulate ? 1 : 0;
        if (warpDecode()) {
            WarpRows g = warpRows(name, rows, cols);
            launch(name, MatVecBf16Warp.class, "matVec", rows(g), ctx, weight, 0, x, y, b.meta, rows, cols, acc, g.rowWarps());
        } else if (capacity == 1 && !REFERENCE_DECODE) {
            RowGroups g = decodeRows(name, rows, cols);
            launch(name, MatVecBf16Rows.class, "matVec", rows(g), ctx, weight, 0, x, y, b.meta, rows, cols, acc, g.rowThreads());
        } else if (capacity == 1 || maxLocal < GemmBf16Tiled.THREADS) {
            launch(name, MatVecBf16.class, "matVec", rowGroups(rows, cols), ctx, weight, 0, x, y, b.meta, rows, cols, acc);
        } else if (prefillGemm == PrefillGemm.MMA) {
            linearMma(name, weight, x, y, rows, cols, acc);
        } else {
            long rowTiles = (rows + GemmBf16Tiled.TILE_ROWS - 1) / GemmBf16Tiled.TILE_ROWS;
            long tokenTiles = (capacity + GemmBf16Tiled.TILE_TOKENS - 1) / GemmBf16Tiled.TILE_TOKENS;
            int splits = splitK(rowTiles * tokenTiles, cols);
            if (splits == 1) {
                launch(name, GemmBf16Tiled.class, "gemm",
                        new long[][] {{rowTiles * GemmBf16Tiled.THREADS, tokenTiles}, {GemmBf16Tiled.THREADS, 1}},
                        ctx, weight, 0, x, y, b.meta, rows, cols, acc);
            } else {
                int kSlice = (int) roundUp((cols + splits - 1) / splits, SPLIT_K_STEP);
                splits = (cols + kSlice - 1) / kSlice;
                int sliceStride = capacity * rows;
                if ((long) splits * sliceStride > b.gemmPartials.getSize()) {
                    throw new IllegalStateException("ForwardGraphBuilder.linear " + name + ": split-K needs " + splits + " x "
                            + sliceStride + " partial floats, ChunkBuffers.gemmPartials holds " + b.gemmPartials.getSize());
                }
                launch(name, GemmBf16Tiled.class, "gemmSplitK",
                        new long[][] {{rowTiles * splits * GemmBf16Tiled.THREADS, tokenTiles}, {GemmBf16Tiled.THREADS, 1}},
                        ctx, weight, 0, x, b.gemmPartials, b.meta, rows, cols, kSlice, sliceStride);
                launch(name + "_sum", GemmSplitKSum.class, "apply", grid1(sliceStride),
                        ctx, b.gemmPartials, y, b.meta, rows, splits, sliceStride, acc);
            }
        }
    }

    /** Work-groups a chunk MMA GEMM should have: 2 per SM of a 132-SM H200 (128 registers × 256 items: 2 fit an SM). */
    static final int MMA_SPLIT_K_TARGET_GROUPS = 264;

    /**
     * The chunk GEMM on tensor cores ({@link GemmBf16Mma}: 128-token × 128-row tiles), split over K where the grid has
     * too few tiles (e.g. o_proj 2304 rows at C = 1024: 144 tiles → 2 slices; the 256-row router: 16 tiles → 16).
     */
    private void linearMma(String name, BFloat16Array weight, FloatArray x, FloatArray y, int rows, int cols, int acc) {
        if (cols % 4 != 0) {
            throw new IllegalArgumentException("ForwardGraphBuilder.linear " + name + ": GemmBf16Mma stages weight rows"
                    + " of " + cols + " bf16 as 8-byte quads: the row length must be a multiple of 4 (start the JVM with -D"
                    + PrefillGemm.PROPERTY + "=simt for the SIMT GemmBf16Tiled)");
        }
        long rowTiles = ceilDiv(rows, GemmBf16Mma.TILE_ROWS);
        long tokenTiles = ceilDiv(capacity, GemmBf16Mma.TILE_TOKENS);
        int sliceStride = capacity * rows;
        int splits = Math.min(splitK(rowTiles * tokenTiles, cols, MMA_SPLIT_K_TARGET_GROUPS),
                (int) (b.gemmPartials.getSize() / sliceStride));
        if (splits <= 1) {
            launch(name, GemmBf16Mma.class, "gemm",
                    new long[][] {{rowTiles * GemmBf16Mma.THREADS, tokenTiles}, {GemmBf16Mma.THREADS, 1}},
                    ctx, weight, 0, x, y, b.meta, rows, cols, acc);
            return;
        }
        int kSlice = (int) roundUp((cols + splits - 1) / splits, GemmBf16Mma.TILE_K);
        splits = (cols + kSlice - 1) / kSlice;
        launch(name, GemmBf16Mma.class, "gemmSplitK",
                new long[][] {{rowTiles * splits * GemmBf16Mma.THREADS, tokenTiles}, {GemmBf16Mma.THREADS, 1}},
                ctx, weight, 0, x, b.gemmPartials, b.meta, rows, cols, kSlice, sliceStride);
        launch(name + "_sum", GemmSplitKSum.class, "apply", grid1(sliceStride),
                ctx, b.gemmPartials, y, b.meta, rows, splits, sliceStride, acc);
    }

    /** One projection {@code y [rows] = w [rows, cols] · x} of a group that reads the same input. */
    private record Projection(String name, BFloat16Array weight, FloatArray y, int rows) {
    }

    /**
     * Projections of the same input x [C, cols]: at decode ONE {@link MatVecBf16Fused} launch for 2 or 5 matrices
     * (the small ones ride along with the large ones), for a chunk one {@link #linear} each (same results).
     */
    private void projections(String name, FloatArray x, int cols, Projection... ps) {
        if (capacity == 1 && !REFERENCE_DECODE && (ps.length == 2 || ps.length == 5)) {
            List<Object> args = new ArrayList<>(List.of(ctx));
            int rows = 0;
            for (Projection pr : ps) {
                args.addAll(List.of(pr.weight(), pr.y(), pr.rows()));
                rows += pr.rows();
            }
            RowGroups g = decodeRows(name, rows, cols);
            args.addAll(List.of(x, b.meta, cols, g.rowThreads()));
            launch(name, MatVecBf16Fused.class, "project" + ps.length, rows(g), args.toArray());
            return;
        }
        for (Projection pr : ps) {
            linear(pr.name(), pr.weight(), x, pr.y(), pr.rows(), cols, false);
        }
    }

    /** Work-groups a chunk GEMM should have: 3 per SM of a 132-SM H200 (72 registers × 256 items: 3 fit an SM). */
    static final int SPLIT_K_TARGET_GROUPS = 396;
    /** Shortest column slice of a split-K GEMM (4 K steps of 16). */
    static final int SPLIT_K_STEP = 16;
    private static final int SPLIT_K_MIN_SLICE = 64;

    /**
     * Column slices for a GEMM of {@code tiles} output tiles: 1 when the grid already has 2/3 of the target groups,
     * else enough to reach the target (e.g. the 256-row router or a 128-row gate projection on a chunk of 512: 16
     * or 8 tiles), each slice at least {@value #SPLIT_K_MIN_SLICE} columns.
     */
    static int splitK(long tiles, int cols) {
        return splitK(tiles, cols, SPLIT_K_TARGET_GROUPS);
    }

    /** {@link #splitK(long, int)} for a kernel whose grid should have {@code target} work-groups. */
    static int splitK(long tiles, int cols, int target) {
        if (tiles * 3 >= target * 2L) {
            return 1;
        }
        long want = (target + tiles - 1) / tiles;
        return (int) Math.max(1, Math.min(want, cols / SPLIT_K_MIN_SLICE));
    }

    /**
     * Launch plan of a decode row kernel: {@code rows} outputs, each a dot over {@code cols} bf16 read as quads (four
     * bf16, one 8-byte load), so cols must be a multiple of 4 (every Kimi Linear projection is).
     */
    private RowGroups decodeRows(String name, int rows, int cols) {
        if (cols % 4 != 0) {
            throw new IllegalArgumentException("ForwardGraphBuilder: decode kernel " + name + " reads rows of " + cols
                    + " bf16 as 8-byte quads: the row length must be a multiple of 4 (start the JVM with -D"
                    + REFERENCE_DECODE_PROPERTY + "=true for the one-row-per-group reference kernels)");
        }
        return RowGroups.plan(rows, cols / 4, maxLocal, DECODE_TARGET_GROUPS);
    }

    /** Launch plan of a warp-per-row decode kernel; the same quad rule as {@link #decodeRows}. */
    private WarpRows warpRows(String name, int rows, int cols) {
        decodeRows(name, rows, cols);
        return WarpRows.plan(rows, cols / 4, WarpRows.LOCAL);
    }

    private static long[][] rows(WarpRows g) {
        return new long[][] {{g.global()}, {g.local()}};
    }

    private static long[][] rows(RowGroups g) {
        return new long[][] {{g.global()}, {g.local()}};
    }

    private void rmsNorm(String name, FloatArray x, BFloat16Array weight, FloatArray y) {
        if (warpKernels) { // four loads in flight, warp sums
            launch(name, RmsNormRowsWarp.class, "apply", new long[][] {{(long) capacity * WarpRows.LOCAL}, {WarpRows.LOCAL}},
                    ctx, x, weight, y, b.meta, d.hidden(), d.rmsEps());
            return;
        }
        int local = pow2AtMost(d.hidden(), maxLocal);
        launch(name, RmsNormRows.class, "apply", new long[][] {{(long) capacity * local}, {local}},
                ctx, x, weight, y, b.meta, d.hidden(), d.rmsEps());
    }

    private void capture(int slot, FloatArray source) {
        if (b.capture != null) {
            launch("capture" + slot, CopyRows.class, "apply", grid1(capacity * d.hidden()),
                    ctx, source, b.capture, b.meta, slot * b.capacity * d.hidden(), d.hidden());
        }
    }

    /** A work-group per output row (x) and per token (y); the group strides over {@code cols}. */
    private long[][] rowGroups(int rows, int cols) {
        int local = pow2AtMost(cols, maxLocal);
        return new long[][] {{(long) rows * local, capacity}, {local, 1}};
    }

    /** A work-group per head (x) and per token (y); the group strides over the head dim. */
    private long[][] headGroups(int heads, int dim) {
        int local = pow2AtMost(dim, maxLocal);
        return new long[][] {{(long) heads * local, capacity}, {local, 1}};
    }

    /** One work-item per element (no local memory): groups of 64, or fewer where groups must be small. */
    private long[][] grid1(long n) {
        int local = Math.min(64, maxLocal);
        return new long[][] {{roundUp(n, local)}, {local}};
    }

    private long[][] grid2(long nx, int ny) {
        int local = Math.min(64, maxLocal);
        return new long[][] {{roundUp(nx, local), ny}, {local, 1}};
    }

    private void launch(String name, Class<?> owner, String method, long[][] grid, Object... args) {
        launches.add(new KernelLaunch(name, Kernels.of(owner, method), args, grid[0], grid[1]));
    }

    static long roundUp(long n, long m) {
        return (n + m - 1) / m * m;
    }

    static long ceilDiv(long n, long m) {
        return (n + m - 1) / m;
    }

    static int pow2AtMost(int n, int cap) {
        int p = 1;
        while (p * 2 <= Math.min(n, cap)) {
            p *= 2;
        }
        return p;
    }
}
