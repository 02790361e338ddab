package ai.kimitornado.model.graph;

import ai.kimitornado.tasks.types.arrays.NativeArray;
import java.util.List;

/**
 * A forward pass over one chunk as an ordered list of kernel launches with fixed buffers, plus what moves:
 * {@code resident} arrays are uploaded once (weights) or live only on the device (state, scratch: never
 * transferred), {@code perStepInputs} go up before every execution (token ids, meta), {@code perStepOutputs} come
 * back after every execution (the sampled id), {@code onDemand} are read only when asked (logits, hidden capture).
 */
public record ForwardGraph(String name, int capacity, List<KernelLaunch> launches, List<NativeArray> uploadOnce,
                           List<NativeArray> perStepInputs, List<NativeArray> perStepOutputs,
                           List<NativeArray> onDemand) {
}
