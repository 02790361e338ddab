package ai.kimitornado.tasks.runtime;

import ai.kimitornado.tasks.backend.java.JavaBackend;
import ai.kimitornado.tasks.backend.opencl.OpenClBackend;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Every backend of the process and their devices, by id. Built once (devices own native contexts).
 * {@code java} and {@code opencl} are built in; other backends plug in by class name (a public
 * no-argument constructor implementing {@link Backend}): if the class is on the class path it is
 * used, so a backend needs no registration file. See tornado-tasks/RUNTIME.md.
 */
public final class DeviceRegistry {
    /** Optional backends, in listing order; absent classes are skipped. */
    static final List<String> PLUGGABLE = List.of(
            "ai.kimitornado.tasks.backend.cuda.CudaBackend",
            "ai.kimitornado.tasks.backend.spirv.SpirvBackend");

    private static volatile DeviceRegistry instance;

    private final List<Backend> backends;

    private DeviceRegistry(List<Backend> backends) {
        this.backends = List.copyOf(backends);
    }

    public static DeviceRegistry get() {
        DeviceRegistry r = instance;
        if (r == null) {
            synchronized (DeviceRegistry.class) {
                if (instance == null) {
                    instance = new DeviceRegistry(discover());
                    warnWithoutSignalChaining(instance);
                }
                r = instance;
            }
        }
        return r;
    }

    private static List<Backend> discover() {
        List<Backend> list = new ArrayList<>();
        list.add(new JavaBackend());
        list.add(new OpenClBackend());
        for (String cls : PLUGGABLE) {
            Class<?> c;
            try {
                c = Class.forName(cls);
            } catch (ClassNotFoundException e) {
                continue; // that backend is not built into this jar
            }
            try {
                list.add((Backend) c.getConstructor().newInstance());
            } catch (ReflectiveOperationException | RuntimeException e) {
                list.add(new BrokenBackend(cls, e));
            }
        }
        return list;
    }

    /**
     * GPU driver stacks loaded into the JVM (seen on the H200 with CUDA + NVIDIA OpenCL + PoCL) can
     * install their own SIGSEGV handler over the JVM's, which then dies at a safepoint poll with no
     * hs_err file (2 of 3 catalogue runs there). libjsig chains the handlers; say so once.
     */
    private static void warnWithoutSignalChaining(DeviceRegistry r) {
        boolean gpu = r.devices().stream().anyMatch(d -> "GPU".equals(d.info().type()) || d.id().startsWith("cuda:"));
        String preload = System.getenv("LD_PRELOAD");
        if (gpu && (preload == null || !preload.contains("libjsig"))) {
            System.err.println("kimi-tornado: GPU drivers are loaded without signal chaining; embedders should run the JVM with "
                    + "LD_PRELOAD=$JAVA_HOME/lib/libjsig.so so that driver signal handlers cannot crash it (the kimi-tornado "
                    + "CLI restarts itself that way; see tornado-tasks/RUNTIME.md)");
        }
    }

    public List<Backend> backends() {
        return backends;
    }

    /** All devices of all backends, in backend order. */
    public List<Device> devices() {
        List<Device> all = new ArrayList<>();
        for (Backend b : backends) all.addAll(b.devices());
        return all;
    }

    /** The device with this id; an unknown id is an error that lists the available ones. */
    public Device device(String id) {
        for (Device d : devices()) if (d.id().equals(id)) return d;
        throw new TornadoRuntimeException("unknown device id '" + id + "'; available: " + describeAvailable());
    }

    /** The default device: the first CUDA device, else the first OpenCL GPU, else the first OpenCL device, else java. */
    public Device defaultDevice() {
        List<Device> all = devices();
        for (String prefix : List.of("cuda:", "opencl:")) {
            for (Device d : all) if (d.id().startsWith(prefix) && (!prefix.equals("opencl:") || "GPU".equals(d.info().type()))) return d;
        }
        for (Device d : all) if (d.id().startsWith("opencl:")) return d;
        return device("java");
    }

    public String describeAvailable() {
        String ids = devices().stream().map(d -> d.id() + " (" + d.info().name() + ")").collect(Collectors.joining(", "));
        String missing = backends.stream().filter(b -> b.unavailableReason().isPresent())
                .map(b -> b.name() + ": " + b.unavailableReason().get()).collect(Collectors.joining("; "));
        return ids + (missing.isEmpty() ? "" : " [unavailable backends: " + missing + "]");
    }

    /** A pluggable backend whose class is present but could not be constructed: listed, with why. */
    private record BrokenBackend(String cls, Exception error) implements Backend {
        @Override
        public String name() {
            String simple = cls.substring(cls.lastIndexOf('.') + 1);
            return simple.replace("Backend", "").toLowerCase(java.util.Locale.ROOT);
        }

        @Override
        public List<Device> devices() {
            return List.of();
        }

        @Override
        public java.util.Optional<String> unavailableReason() {
            return java.util.Optional.of("cannot construct " + cls + ": " + error);
        }
    }
}
