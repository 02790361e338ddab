package ai.kimitornado.model.reference;

import java.util.List;

/**
 * Mixture of experts: {@code MoE(m) = Σ_{e ∈ idx} w_e · Expert_e(m) + Shared(m)} (the shared experts have no gate).
 */
public record MoeBlock(MoeRouter router, List<SwiGluMlp> experts, SwiGluMlp shared) {

    public MoeBlock {
        experts = List.copyOf(experts);
        if (experts.size() != router.gate().rows()) {
            throw new IllegalArgumentException("MoeBlock: " + experts.size() + " experts but the router scores "
                    + router.gate().rows());
        }
    }

    /** m: [D] → new [D]. */
    public float[] forward(float[] m) {
        MoeRouter.Routing routing = router.route(m);
        double[] acc = new double[m.length]; // [D]
        for (int i = 0; i < routing.experts().length; i++) {
            float[] y = experts.get(routing.experts()[i]).forward(m);
            double w = routing.weights()[i];
            for (int d = 0; d < acc.length; d++) {
                acc[d] += w * y[d];
            }
        }
        if (shared != null) {
            float[] y = shared.forward(m);
            for (int d = 0; d < acc.length; d++) {
                acc[d] += y[d];
            }
        }
        float[] out = new float[m.length];
        for (int d = 0; d < out.length; d++) {
            out[d] = (float) acc[d];
        }
        return out;
    }
}
