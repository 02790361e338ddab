package ai.kimitornado.model.graph;

import ai.kimitornado.model.kernels.KdaChunkPrefill;
import ai.kimitornado.model.kernels.KernelLimits;
import ai.kimitornado.model.kernels.MoeExpertGroups;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;
import ai.kimitornado.tasks.types.arrays.NativeArray;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;

/**
 * Fixed activation buffers for chunks of up to {@code capacity} tokens (C), shared by the prefill graph (C rows)
 * and the decode graph (row 0), reused by every layer. Only {@code tokens} and {@code meta} go to the device per
 * step and only {@code sampledId} comes back; {@code logits} and {@code capture} are read on demand. Unless
 * {@code allLogits}, logits hold one row: prefill runs the LM head (163840 × 2304 for the real model) on the chunk's
 * last valid row only.
 */
public final class ChunkBuffers {
    /**
     * Floats of the split-K scratch: splits are chosen so that splits × row tiles × token tiles stays below
     * 2 × ForwardGraphBuilder.SPLIT_K_TARGET_GROUPS tiles of 128 rows × 64 tokens.
     */
    static final int SPLIT_K_PARTIALS = 2 * 396 * 128 * 64;
    /** Most work-groups of the split argmax (greedy sampling). */
    static final int SAMPLE_GROUPS = 256;
    final int capacity;
    final IntArray tokens;          // [C] token ids of the chunk
    final IntArray meta;            // [META_SIZE] position, count, seed
    final FloatArray h;             // [C*D] residual stream
    final FloatArray xn;            // [C*D] normed input of the current sub-block
    // KDA
    final FloatArray qRaw, kRaw, vRaw;   // [C * H*dk] pre-conv projections
    final FloatArray q, k, v;            // [C * H*dk] after conv + SiLU (q, k then L2-normalised)
    final FloatArray fLow, gLow;         // [C*dk] low-rank forget / output gate
    final FloatArray g;                  // [C * H*dk] log decay
    final FloatArray beta;               // [C*H]
    final FloatArray gate;               // [C * H*dv] output gate logits
    final FloatArray o, y;               // [C * H*dv] attention output, gated-normed output
    final FloatArray cum, decays, pairs, wm, um; // chunkwise scratch (see KdaChunkPrefill); null when prefill uses KdaRecurrentSplit
    // MLA
    final FloatArray mlaQ;          // [C * H*(nope+rope)]
    final FloatArray ckv;           // [C * (kvLora+rope)]
    final FloatArray qLat;          // [C * H*kvLora] ([1 * H*kvLora] with an EXPANDED prefill)
    final MlaTiling mlaDecode;      // tiling of the decode graph (1 token)
    final MlaTiling mlaPrefill;     // tiling of the prefill graph (C tokens)
    final FloatArray partials;      // [max(1·H·decode splits, C·H·prefill splits) * (kvLora+2)] (≥ 1 float)
    final FloatArray latentCtx;     // [C * H*kvLora] ([1 * H*kvLora] with an EXPANDED prefill)
    final FloatArray attn;          // [C * H*v]
    final MlaPrefillForm mlaPrefillForm; // attention form of the prefill graph (decode is always absorbed)
    final FloatArray kvExpanded;    // [maxContext * H*(nope+v)] keys/values expanded per chunk (EXPANDED only, else null)
    final FloatArray latentRows;    // [maxContext * kvLora] the visible latents, dense rows for the expansion GEMM (or null)
    final IntArray expandMeta;      // [META_SIZE] the expansion GEMM's meta: count = position + count (or null)
    // MLP / MoE
    final FloatArray denseAct;      // [C * I_dense]
    final FloatArray denseGate;     // [C * I_dense] gate projection of a chunk (GEMM path; SiluMulRows folds it in)
    final FloatArray routerLogits;  // [C*E]
    final IntArray expertIds;       // [C*slots]
    final FloatArray expertWeights; // [C*slots]
    final FloatArray moeAct;        // [(C*slots + 1) * I]: + a sink row for the MMA MoE kernels' padding tokens
    // MoE prefill grouped by expert (MoeExpertGroups; packed experts P = E + shared)
    final IntArray moeCounts;       // [P] pairs routed to each expert
    final IntArray moeOffsets;      // [P+1] first pair of each expert in moePairs
    final IntArray moePairs;        // [C*slots] (token, slot) pair indices sorted by expert
    final IntArray moeTiles;        // [1 + 3*maxTiles] tile count, then (expert, first, n) per tile
    final FloatArray moeSlotOut;    // [(C*slots + 1) * D] unweighted down-projection row per pair (+ the sink row)
    // split-K GEMM (ForwardGraphBuilder.linear on grids of few tiles)
    final FloatArray gemmPartials;  // [≤ SPLIT_K_PARTIALS] column slices' partial products [splits][C][rows]
    // head
    final boolean allLogits;        // logits of every chunk row (forward/verify); else only the last valid row
    final FloatArray logits;        // [C*V] with allLogits, else [V] (the last valid row, or the decode token)
    final FloatArray lastRow;       // [D] the normed last valid row the prefill LM head reads (see LastRowSelect)
    final IntArray headMeta;        // [META_SIZE] a one-token chunk at the last valid row's position
    final IntArray sampledId;       // [1]
    final FloatArray sampleBestValue; // [SAMPLE_GROUPS] per-group best logit of the split argmax
    final IntArray sampleBestId;      // [SAMPLE_GROUPS] its token id
    final FloatArray capture;       // [(L+1) * C*D] hidden after the embedding and each layer (null: off)

    ChunkBuffers(ModelDims d, int capacity, int maxContext, boolean captureHidden, boolean allLogits,
                 MlaPrefillForm mlaPrefillForm) {
        this.capacity = capacity;
        this.mlaPrefillForm = mlaPrefillForm;
        this.allLogits = allLogits;
        int c = capacity;
        int ch = d.kdaChannels();
        int dk = d.kdaHeadDim();
        tokens = new IntArray(c);
        meta = new IntArray(KernelLimits.META_SIZE);
        h = new FloatArray(c * d.hidden());
        xn = new FloatArray(c * d.hidden());
        qRaw = new FloatArray(c * ch);
        kRaw = new FloatArray(c * ch);
        vRaw = new FloatArray(c * ch);
        q = new FloatArray(c * ch);
        k = new FloatArray(c * ch);
        v = new FloatArray(c * ch);
        fLow = new FloatArray(c * dk);
        gLow = new FloatArray(c * dk);
        g = new FloatArray(c * ch);
        beta = new FloatArray(c * d.kdaHeads());
        gate = new FloatArray(c * ch);
        o = new FloatArray(c * ch);
        y = new FloatArray(c * ch);
        if (ForwardGraphBuilder.KDA_PREFILL_BY_SPLIT_RECURRENCE) {
            cum = decays = pairs = wm = um = null; // the split recurrence needs no scratch (pairs alone is H·3·C²)
        } else {
            int sub = Math.min(c, KdaChunkPrefill.SUB_CHUNK); // scratch per KDA sub-chunk, independent of C
            cum = new FloatArray(d.kdaHeads() * sub * dk);
            decays = new FloatArray(d.kdaHeads() * 2 * sub * dk);
            pairs = new FloatArray(d.kdaHeads() * 3 * sub * sub);
            wm = new FloatArray(d.kdaHeads() * sub * dk);
            um = new FloatArray(d.kdaHeads() * sub * dk);
        }
        mlaQ = new FloatArray(c * d.mlaQueryWidth());
        ckv = new FloatArray(c * d.latentRow());
        // the expanded prefill needs no absorbed query or latent context: those keep decode's one row
        int absorbedRows = mlaPrefillForm.expanded() ? 1 : c;
        qLat = new FloatArray(absorbedRows * d.mlaHeads() * d.kvLora());
        mlaDecode = MlaTiling.forChunk(1, maxContext, d.mlaHeads());
        mlaPrefill = MlaTiling.forChunk(c, maxContext, d.mlaHeads());
        long partialFloats = Math.max(mlaDecode.partialFloats(1, d.mlaHeads(), d.kvLora()),
                mlaPrefill.partialFloats(c, d.mlaHeads(), d.kvLora()));
        partials = new FloatArray((int) Math.max(1, partialFloats));
        latentCtx = new FloatArray(absorbedRows * d.mlaHeads() * d.kvLora());
        attn = new FloatArray(c * d.mlaHeads() * d.vDim());
        kvExpanded = mlaPrefillForm.expanded()
                ? new FloatArray(Math.toIntExact(MlaPrefillForm.scratchBytes(d, maxContext) / Float.BYTES)) : null;
        latentRows = mlaPrefillForm.expanded() ? new FloatArray(maxContext * d.kvLora()) : null;
        expandMeta = mlaPrefillForm.expanded() ? new IntArray(KernelLimits.META_SIZE) : null;
        denseAct = new FloatArray(c * Math.max(1, d.denseInter()));
        denseGate = new FloatArray(c > 1 ? c * Math.max(1, d.denseInter()) : 1);
        routerLogits = new FloatArray(c * Math.max(1, d.experts()));
        expertIds = new IntArray(c * Math.max(1, d.moeSlots()));
        expertWeights = new FloatArray(c * Math.max(1, d.moeSlots()));
        moeAct = new FloatArray((c * Math.max(1, d.moeSlots()) + 1) * Math.max(1, d.moeInter()));
        int packedExperts = d.experts() + d.sharedExperts();
        int pairs = c * Math.max(1, d.moeSlots());
        moeCounts = new IntArray(packedExperts);
        moeOffsets = new IntArray(packedExperts + 1);
        moePairs = new IntArray(pairs);
        moeTiles = new IntArray(1 + 3 * MoeExpertGroups.maxTiles(pairs, packedExperts, MoeExpertGroups.TILE_TOKENS));
        moeSlotOut = new FloatArray((pairs + 1) * d.hidden());
        logits = new FloatArray((allLogits ? c : 1) * d.vocab());
        lastRow = new FloatArray(d.hidden());
        gemmPartials = new FloatArray(c > 1 ? SPLIT_K_PARTIALS : 1);
        headMeta = new IntArray(KernelLimits.META_SIZE);
        sampledId = new IntArray(1);
        sampleBestValue = new FloatArray(SAMPLE_GROUPS);
        sampleBestId = new IntArray(SAMPLE_GROUPS);
        capture = captureHidden ? new FloatArray((d.layers() + 1) * c * d.hidden()) : null;
    }

    /** Bytes of every buffer by field name, largest first (for the memory estimate). */
    java.util.LinkedHashMap<String, Long> bytesByName() {
        java.util.Map<String, Long> out = new java.util.HashMap<>();
        for (Field f : ChunkBuffers.class.getDeclaredFields()) {
            if (NativeArray.class.isAssignableFrom(f.getType())) {
                try {
                    Object a = f.get(this);
                    if (a != null) {
                        out.put(f.getName(), ((NativeArray) a).getNumBytes());
                    }
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        java.util.LinkedHashMap<String, Long> sorted = new java.util.LinkedHashMap<>();
        out.entrySet().stream().sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }

    /** Every buffer (for the memory estimate). */
    List<NativeArray> arrays() {
        List<NativeArray> out = new ArrayList<>();
        for (Field f : ChunkBuffers.class.getDeclaredFields()) {
            if (NativeArray.class.isAssignableFrom(f.getType())) {
                try {
                    Object a = f.get(this);
                    if (a != null) {
                        out.add((NativeArray) a);
                    }
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return out;
    }
}
