package ai.kimitornado.tasks.api;

import ai.kimitornado.tasks.runtime.GraphSpec;

/** A frozen {@link TaskGraph}, ready for a {@link TornadoExecutionPlan}. */
public final class ImmutableTaskGraph {
    private final GraphSpec spec;

    ImmutableTaskGraph(GraphSpec spec) {
        this.spec = spec;
    }

    public String getName() {
        return spec.name();
    }

    /** The graph's steps, for the runtime. */
    public GraphSpec spec() {
        return spec;
    }
}
