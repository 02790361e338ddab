package ai.kimitornado.model.reference;

/**
 * Per-sequence state of one KDA layer: the conv histories (last W−1 raw, pre-conv projections of q, k, v)
 * and the recurrent state S[key][value] per head, in double.
 */
public final class KdaState {
    final float[][] qHistory; // [W-1][H*dk], oldest first
    final float[][] kHistory; // [W-1][H*dk]
    final float[][] vHistory; // [W-1][H*dv]
    final double[] recurrent; // [H * dk * dv], S_h[i][j] at (h*dk + i)*dv + j

    public KdaState(int heads, int headDim, int kernel) {
        int channels = heads * headDim;
        qHistory = new float[kernel - 1][channels];
        kHistory = new float[kernel - 1][channels];
        vHistory = new float[kernel - 1][channels];
        recurrent = new double[heads * headDim * headDim];
    }

    /** Zeroes everything (start of a new sequence). */
    public void reset() {
        for (float[][] history : new float[][][] {qHistory, kHistory, vHistory}) {
            for (float[] row : history) {
                java.util.Arrays.fill(row, 0f);
            }
        }
        java.util.Arrays.fill(recurrent, 0.0);
    }

    /** Copies of the conv histories [W-1][C] (oldest first) of q, k and v, in that order. */
    public float[][][] convHistories() {
        float[][][] out = new float[3][][];
        float[][][] src = {qHistory, kHistory, vHistory};
        for (int i = 0; i < 3; i++) {
            out[i] = new float[src[i].length][];
            for (int r = 0; r < src[i].length; r++) {
                out[i][r] = src[i][r].clone();
            }
        }
        return out;
    }

    /** A copy of the recurrent state, [H * dk * dv] as (h*dk + i)*dv + j, in float. */
    public float[] recurrentStateAsFloat() {
        float[] out = new float[recurrent.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) recurrent[i];
        }
        return out;
    }
}
