package ai.kimitornado.model.reference;

import java.util.ArrayList;
import java.util.List;

/**
 * MLA cache of one layer: per token the post-norm latent c_t [kvLora] and the shared, unrotated
 * key part kr_t [rope] (576 values per token for the 48B model).
 */
public final class MlaLatentCache {
    private final int kvLoraRank;
    private final int ropeDim;
    private final List<float[]> latents = new ArrayList<>(); // [T][kvLora]
    private final List<float[]> ropeKeys = new ArrayList<>(); // [T][rope]

    public MlaLatentCache(int kvLoraRank, int ropeDim) {
        this.kvLoraRank = kvLoraRank;
        this.ropeDim = ropeDim;
    }

    public int size() {
        return latents.size();
    }

    public void append(float[] latent, float[] ropeKey) {
        if (latent.length != kvLoraRank || ropeKey.length != ropeDim) {
            throw new IllegalArgumentException("MlaLatentCache.append: got latent [" + latent.length + "], key ["
                    + ropeKey.length + "], expected [" + kvLoraRank + "], [" + ropeDim + "]");
        }
        latents.add(latent);
        ropeKeys.add(ropeKey);
    }

    /** c_s [kvLora] (not a copy). */
    public float[] latent(int s) {
        return latents.get(s);
    }

    /** kr_s [rope] (not a copy). */
    public float[] ropeKey(int s) {
        return ropeKeys.get(s);
    }

    public void reset() {
        latents.clear();
        ropeKeys.clear();
    }
}
