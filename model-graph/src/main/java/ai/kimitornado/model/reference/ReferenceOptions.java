package ai.kimitornado.model.reference;

import java.util.Objects;

/**
 * How a {@link ReferenceSession} runs. All choices compute the same function; they exist so each form can be
 * checked against the others and used as the oracle of the matching device kernel.
 *
 * @param kdaPrefill          KDA over several tokens: token recurrence or chunkwise (decode is always one step)
 * @param mlaPrefill          MLA form for prefill calls
 * @param mlaDecode           MLA form for decode calls
 * @param captureHiddenStates keep the hidden states (embedding + after each layer) of the latest call
 */
public record ReferenceOptions(KdaPrefillMode kdaPrefill, MlaForm mlaPrefill, MlaForm mlaDecode,
                               boolean captureHiddenStates) {

    public ReferenceOptions {
        Objects.requireNonNull(kdaPrefill, "kdaPrefill");
        Objects.requireNonNull(mlaPrefill, "mlaPrefill");
        Objects.requireNonNull(mlaDecode, "mlaDecode");
    }

    /** Chunkwise KDA prefill, expanded MLA prefill, absorbed MLA decode, no capture. */
    public static ReferenceOptions defaults() {
        return new ReferenceOptions(KdaPrefillMode.CHUNKWISE, MlaForm.EXPANDED, MlaForm.ABSORBED, false);
    }

    public ReferenceOptions withKdaPrefill(KdaPrefillMode mode) {
        return new ReferenceOptions(mode, mlaPrefill, mlaDecode, captureHiddenStates);
    }

    public ReferenceOptions withMlaForms(MlaForm prefill, MlaForm decode) {
        return new ReferenceOptions(kdaPrefill, prefill, decode, captureHiddenStates);
    }

    public ReferenceOptions withCaptureHiddenStates(boolean capture) {
        return new ReferenceOptions(kdaPrefill, mlaPrefill, mlaDecode, capture);
    }
}
