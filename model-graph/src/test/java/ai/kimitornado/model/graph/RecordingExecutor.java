package ai.kimitornado.model.graph;

import ai.kimitornado.tasks.types.arrays.NativeArray;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Passes everything to another executor and remembers the graphs it prepares (which kernels a choice put in). */
final class RecordingExecutor implements GraphExecutor {
    private final GraphExecutor inner;
    private final List<ForwardGraph> prepared = new ArrayList<>();

    RecordingExecutor(GraphExecutor inner) {
        this.inner = inner;
    }

    /** {@code Class.method} of every launch in the prepared graphs named {@code graphName} ("prefill", "decode"). */
    Set<String> kernels(String graphName) {
        Set<String> names = new TreeSet<>();
        for (ForwardGraph g : prepared) {
            if (g.name().equals(graphName)) {
                for (KernelLaunch l : g.launches()) {
                    names.add(l.kernel().getDeclaringClass().getSimpleName() + "." + l.kernel().getName());
                }
            }
        }
        return names;
    }

    @Override
    public void prepare(List<ForwardGraph> graphs) {
        prepared.addAll(graphs);
        inner.prepare(graphs);
    }

    @Override
    public void execute(ForwardGraph graph) {
        inner.execute(graph);
    }

    @Override
    public void download(NativeArray... arrays) {
        inner.download(arrays);
    }

    @Override
    public String deviceId() {
        return inner.deviceId();
    }

    @Override
    public int maxWorkGroupSize() {
        return inner.maxWorkGroupSize();
    }

    @Override
    public boolean nativeMmaBf16() {
        return inner.nativeMmaBf16();
    }

    @Override
    public boolean nativeWarpShuffles() {
        return inner.nativeWarpShuffles();
    }

    @Override
    public long deviceMemoryBytes() {
        return inner.deviceMemoryBytes();
    }

    @Override
    public void close() {
        inner.close();
    }
}
