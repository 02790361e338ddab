package ai.kimitornado.cli;

import ai.kimitornado.tasks.runtime.Backend;
import ai.kimitornado.tasks.runtime.Device;
import ai.kimitornado.tasks.runtime.DeviceInfo;
import ai.kimitornado.tasks.runtime.DeviceRegistry;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code devices [--extensions]}: every device of every backend with its memory and limits. */
@Command(name = "devices", mixinStandardHelpOptions = true,
        description = "List every device of every backend (java, opencl, cuda, spirv) with memory and limits.")
final class DevicesCommand implements Callable<Integer> {

    @Option(names = "--extensions", description = "Also print every OpenCL extension of each device.")
    boolean extensions;

    @Override
    public Integer call() {
        for (Backend b : DeviceRegistry.get().backends()) {
            List<? extends Device> devices = b.devices();
            if (devices.isEmpty()) {
                System.out.println(b.name() + ": no devices (" + b.unavailableReason().orElse("none found") + ")");
                continue;
            }
            for (Device d : devices) print(d.info());
        }
        return 0;
    }

    private void print(DeviceInfo i) {
        System.out.println(i.id() + "  " + i.name());
        row("backend", i.backend() + " (" + i.type() + ")");
        row("vendor", i.vendor());
        row("driver", i.driverVersion());
        if (!i.deviceVersion().isEmpty()) row("version", i.deviceVersion());
        row("global memory", mib(i.globalMemBytes()) + " (largest allocation " + mib(i.maxAllocBytes()) + ")");
        row("local memory", i.localMemBytes() == 0 ? "n/a" : String.format(Locale.ROOT, "%d KiB", i.localMemBytes() / 1024));
        row("compute units", Integer.toString(i.computeUnits()));
        row("max work-group", i.maxWorkGroupSize() + " " + Arrays.toString(i.maxWorkItemSizes()));
        if (!i.openclCVersion().isEmpty()) row("OpenCL C", i.openclCVersion());
        row("fp16 / fp64 / subgroups", yes(i.fp16()) + " / " + yes(i.fp64()) + " / " + yes(i.subgroups()));
        if (i.backend().equals("opencl") || i.backend().equals("spirv")) {
            row("IL versions", i.ilVersions().isEmpty() ? "none (no clCreateProgramWithIL)" : String.join(" ", i.ilVersions()));
        }
        for (Map.Entry<String, String> e : i.extra().entrySet()) row(e.getKey(), e.getValue());
        if (extensions && !i.extensions().isEmpty()) row("extensions", String.join(" ", i.extensions()));
        System.out.println();
    }

    private static void row(String key, String value) {
        System.out.printf(Locale.ROOT, "  %-24s %s%n", key, value);
    }

    private static String yes(boolean b) {
        return b ? "yes" : "no";
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.0f MiB", bytes / (1024.0 * 1024.0));
    }
}
