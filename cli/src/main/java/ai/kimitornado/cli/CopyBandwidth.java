package ai.kimitornado.cli;

import ai.kimitornado.tasks.api.DataTransferMode;
import ai.kimitornado.tasks.api.GridScheduler;
import ai.kimitornado.tasks.api.TaskGraph;
import ai.kimitornado.tasks.api.TornadoExecutionPlan;
import ai.kimitornado.tasks.api.TornadoProfilerResult;
import ai.kimitornado.tasks.api.WorkerGrid1D;
import ai.kimitornado.tasks.runtime.DeviceInfo;
import ai.kimitornado.tasks.types.arrays.FloatArray;

/**
 * Device copy bandwidth, measured by {@link BenchCopyKernel} over a large buffer: (bytes read + bytes written) ÷
 * kernel time, best of several launches after a warm-up. Kernel time is the device event; the java backend has none
 * and runs the kernel inside the launch, so its launch wall time is used. One work-item per element: the default
 * capped grid-stride launch strides 256 KiB between neighbouring items, which on a CPU OpenCL device (PoCL) measured
 * 0.3 GB/s instead of 13 GB/s.
 *
 * @param bufferBytes bytes of one buffer (source and destination each)
 * @param bestGBs     best launch, GB/s (10^9 bytes)
 * @param medianGBs   median launch, GB/s
 */
record CopyBandwidth(long bufferBytes, double bestGBs, double medianGBs) {

    static CopyBandwidth measure(DeviceInfo device, long bufferBytes, int launches) {
        int n = (int) Math.min(1 << 30, bufferBytes / Float.BYTES / 256 * 256); // a whole number of 256-item groups
        FloatArray src = new FloatArray(n); // [n] any values: only the traffic matters
        FloatArray dst = new FloatArray(n); // [n]
        for (int i = 0; i < n; i += 1024) src.set(i, i);
        TaskGraph g = new TaskGraph("bw")
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, src)
                .task("copy", BenchCopyKernel::copy, src, dst);
        double[] gbs = new double[launches];
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(g.snapshot()).withDevice(device.id()).withProfiler()) {
            if (!"java".equals(device.backend())) {
                long local = Long.highestOneBit(Math.min(256, device.maxWorkGroupSize() > 0 ? device.maxWorkGroupSize() : 256));
                plan.withGridScheduler(new GridScheduler("bw.copy", new WorkerGrid1D(n).setLocalWork(local)));
            }
            plan.execute(); // compile + upload
            for (int r = 0; r < launches; r++) {
                TornadoProfilerResult p = plan.execute().getProfilerResult();
                TornadoProfilerResult.TaskProfile t = p.task("bw.copy");
                long ns = t.kernelNanos() >= 0 ? t.kernelNanos() : t.launchNanos();
                gbs[r] = 2.0 * n * Float.BYTES / ns;
            }
        }
        Spread s = Spread.of(gbs);
        return new CopyBandwidth((long) n * Float.BYTES, s.max(), s.median());
    }
}
