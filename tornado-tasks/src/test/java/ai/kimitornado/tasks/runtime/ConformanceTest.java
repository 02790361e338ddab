package ai.kimitornado.tasks.runtime;

import ai.kimitornado.tasks.catalogue.Catalogue;
import ai.kimitornado.tasks.catalogue.CatalogueEntry;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The JIT catalogue through the whole runtime (TaskGraph → plan → device) on every available device
 * (java, every OpenCL device, and any plugged-in backend), against the same method run as plain Java.
 * Fresh random inputs per run (seed printed); outputs start poisoned (the catalogue's generators);
 * @Parallel kernels run twice on devices, the second time with a tiny grid. Float outputs within the
 * entry's tolerance (NaN equals NaN), everything else bit-exact.
 */
class ConformanceTest {

    static Stream<Arguments> cases() {
        List<Arguments> all = new ArrayList<>();
        for (Device d : DeviceRegistry.get().devices()) {
            for (CatalogueEntry e : Catalogue.ENTRIES) all.add(Arguments.of(e, d.id()));
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("cases")
    void matchesPlainJava(CatalogueEntry e, String deviceId) {
        Device device = DeviceRegistry.get().device(deviceId);
        if (!device.info().fp64()) assumeTrue(!CatalogueRunner.usesDoubles(e), "device has no fp64");
        long seed = System.nanoTime();
        System.out.println(e.name() + " on " + deviceId + " seed=" + seed);
        CatalogueRunner.Outcome o = CatalogueRunner.run(e, device, seed);
        assertNull(o.failure(), o.failure());
    }
}
