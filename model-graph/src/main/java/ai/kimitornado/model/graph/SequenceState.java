package ai.kimitornado.model.graph;

import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.NativeArray;
import java.util.ArrayList;
import java.util.List;

/**
 * What one sequence carries between chunks and steps, resident on the device, shared by the prefill and decode
 * graphs: per KDA layer the fp32 recurrent state S[key][value] and the conv histories, per MLA layer the latent
 * cache. A chunk at position 0 starts a new sequence (the kernels read state and history as zero), so a reset
 * costs nothing.
 */
public final class SequenceState {
    /** Per layer (null for the other mixer kind). */
    final FloatArray[] kdaState;   // [H*dk*dv] S_h[i][j] at (h*dk + i)*dv + j
    final FloatArray[] convQ;      // [(W−1) * H*dk] raw pre-conv q of the last W−1 tokens, oldest first
    final FloatArray[] convK;      // [(W−1) * H*dk]
    final FloatArray[] convV;      // [(W−1) * H*dv]
    final FloatArray[] mlaCache;   // [maxContext * (kvLora+rope)] normalised latent | unrotated rope key
    final int maxContext;

    SequenceState(ModelDims d, boolean[] isKda, int maxContext) {
        this.maxContext = maxContext;
        int layers = d.layers();
        kdaState = new FloatArray[layers];
        convQ = new FloatArray[layers];
        convK = new FloatArray[layers];
        convV = new FloatArray[layers];
        mlaCache = new FloatArray[layers];
        int history = (d.convWidth() - 1) * d.kdaChannels();
        for (int l = 0; l < layers; l++) {
            if (isKda[l]) {
                kdaState[l] = new FloatArray(d.kdaHeads() * d.kdaHeadDim() * d.kdaHeadDim());
                convQ[l] = new FloatArray(history);
                convK[l] = new FloatArray(history);
                convV[l] = new FloatArray(history);
            } else {
                mlaCache[l] = new FloatArray(maxContext * d.latentRow());
            }
        }
    }

    List<NativeArray> arrays() {
        List<NativeArray> out = new ArrayList<>();
        for (FloatArray[] group : new FloatArray[][] {kdaState, convQ, convK, convV, mlaCache}) {
            for (FloatArray a : group) {
                if (a != null) {
                    out.add(a);
                }
            }
        }
        return out;
    }

    /** Host view of layer {@code l}'s KDA state (valid after a download). */
    public FloatArray kdaState(int l) {
        return kdaState[l];
    }
}
