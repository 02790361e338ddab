package ai.kimitornado.tasks.runtime;

import ai.kimitornado.tasks.types.arrays.NativeArray;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Residency by object identity: one device buffer per Java array object per plan, shared by every
 * graph of the plan. Also remembers which arrays have had their FIRST_EXECUTION upload.
 */
final class ResidencyTable {
    /** One array's device copy. {@code uploaded}: the plan has copied it in at least once. */
    static final class Resident {
        final NativeArray array;
        final DeviceBuffer buffer; // shape: array.getNumBytes() bytes, same layout as the host segment
        boolean uploaded;

        Resident(NativeArray array, DeviceBuffer buffer) {
            this.array = array;
            this.buffer = buffer;
        }
    }

    private final Map<NativeArray, Resident> byIdentity = new IdentityHashMap<>();
    private Device device;

    /** The array's buffer on {@code device}, allocated on first use. */
    Resident of(NativeArray array, Device device, String label) {
        if (this.device != device) {
            if (!byIdentity.isEmpty()) throw new IllegalStateException("residency table holds buffers of another device");
            this.device = device;
        }
        Resident r = byIdentity.get(array);
        if (r == null) {
            r = new Resident(array, device.allocate(array.getNumBytes(), label));
            byIdentity.put(array, r);
        }
        return r;
    }

    /** The array's buffer, or null when it never reached the device. */
    Resident find(NativeArray array) {
        return byIdentity.get(array);
    }

    long bytes() {
        long sum = 0;
        for (Resident r : byIdentity.values()) sum += r.buffer.bytes();
        return sum;
    }

    int size() {
        return byIdentity.size();
    }

    /** Frees every buffer (plan close or device change). */
    void freeAll() {
        List<RuntimeException> errors = new ArrayList<>();
        for (Resident r : byIdentity.values()) {
            try {
                device.free(r.buffer);
            } catch (RuntimeException e) {
                errors.add(e);
            }
        }
        byIdentity.clear();
        device = null;
        if (!errors.isEmpty()) {
            RuntimeException first = errors.getFirst();
            errors.stream().skip(1).forEach(first::addSuppressed);
            throw first;
        }
    }
}
