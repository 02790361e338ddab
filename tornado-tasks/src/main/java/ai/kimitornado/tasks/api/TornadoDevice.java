package ai.kimitornado.tasks.api;

import ai.kimitornado.tasks.runtime.Device;
import ai.kimitornado.tasks.runtime.DeviceInfo;
import ai.kimitornado.tasks.runtime.DeviceRegistry;

import java.util.List;

/** A device to run a plan on, by id: {@code java}, {@code opencl:P:D}, {@code cuda:N}, {@code spirv:P:D}. */
public final class TornadoDevice {
    private final Device device;

    private TornadoDevice(Device device) {
        this.device = device;
    }

    /** The device with this id; an unknown id is an error that lists the available ones. */
    public static TornadoDevice of(String id) {
        return new TornadoDevice(DeviceRegistry.get().device(id));
    }

    /** The default: the first CUDA device, else the first OpenCL GPU, else the first OpenCL device, else java. */
    public static TornadoDevice defaultDevice() {
        return new TornadoDevice(DeviceRegistry.get().defaultDevice());
    }

    /** Every device of every backend. */
    public static List<TornadoDevice> all() {
        return DeviceRegistry.get().devices().stream().map(TornadoDevice::new).toList();
    }

    public String getId() {
        return device.id();
    }

    public DeviceInfo info() {
        return device.info();
    }

    /**
     * Whether {@code KernelContext.mmaBf16} runs on tensor cores here (cuda / NVIDIA OpenCL, compute capability
     * 8.0+); elsewhere it is the exact emulation. See {@link DeviceInfo#nativeMmaBf16()}.
     */
    public boolean nativeMmaBf16() {
        return device.info().nativeMmaBf16();
    }

    /** The runtime's device behind this handle. */
    public Device device() {
        return device;
    }

    @Override
    public String toString() {
        return device.id() + " (" + device.info().name() + ")";
    }
}
