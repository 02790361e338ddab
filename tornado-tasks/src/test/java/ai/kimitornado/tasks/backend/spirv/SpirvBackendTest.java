package ai.kimitornado.tasks.backend.spirv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.kimitornado.tasks.backend.opencl.OpenClBackend;
import ai.kimitornado.tasks.backend.opencl.OpenClDevice;
import ai.kimitornado.tasks.catalogue.Catalogue;
import ai.kimitornado.tasks.catalogue.CatalogueEntry;
import ai.kimitornado.tasks.emit.spirv.SpirvTools;
import ai.kimitornado.tasks.jit.KernelCompiler;
import ai.kimitornado.tasks.runtime.CatalogueRunner;
import ai.kimitornado.tasks.runtime.CompileOptions;
import ai.kimitornado.tasks.runtime.CompileRequest;
import ai.kimitornado.tasks.runtime.Device;
import ai.kimitornado.tasks.runtime.DeviceInfo;
import ai.kimitornado.tasks.runtime.DeviceRegistry;
import ai.kimitornado.tasks.runtime.LoadedKernel;
import ai.kimitornado.tasks.runtime.TornadoRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spirv backend as the runtime sees it: which route a device gets, that PoCL is listed as spirv:P:D when
 * the translator is installed (so the runtime's ConformanceTest runs the whole catalogue there), a few
 * catalogue kernels through the full runtime, the kernel printout and disk cache, and the native-IL route's
 * refusal on a device without IL (the only part of that route testable here).
 */
class SpirvBackendTest {

    private static DeviceInfo info(List<String> ils, List<String> extensions) {
        return new DeviceInfo("opencl:3:1", "opencl", "Test GPU", "vendor", "1.0", "OpenCL 3.0", "GPU", 1 << 30, 65536,
                1 << 28, 8, 256, new long[]{256, 256, 64}, "OpenCL C 1.2", false, true, false, ils, extensions, Map.of());
    }

    @Test
    void nativeIlIsPreferredWhenTheDeviceListsSpirv() {
        DeviceInfo il = info(List.of("SPIR-V_1.2"), List.of("cl_khr_il_program"));
        assertEquals(Optional.of(SpirvRoute.NATIVE_IL), SpirvRoute.choose(il, true));
        assertTrue(SpirvRoute.NATIVE_IL.describe(il).contains("clCreateProgramWithIL (SPIR-V_1.2)"));
        assertEquals("", SpirvRoute.NATIVE_IL.buildOptions());
        // an ICD loader without clCreateProgramWithIL cannot use the device's IL support
        assertEquals(Optional.empty(), SpirvRoute.choose(il, false));
        assertTrue(SpirvRoute.whyNot(il, false).contains("lacks clCreateProgramWithIL"), SpirvRoute.whyNot(il, false));
    }

    @Test
    void translatorNeedsClKhrSpirAndTheTranslator() {
        DeviceInfo spir = info(List.of(), List.of("cl_khr_spir", "cl_khr_fp64"));
        Optional<SpirvRoute> route = SpirvRoute.choose(spir, true);
        if (SpirvTools.findTranslator().isPresent()) {
            assertEquals(Optional.of(SpirvRoute.TRANSLATOR), route);
            assertEquals("-x spir -spir-std=1.2", SpirvRoute.TRANSLATOR.buildOptions());
        } else {
            assertEquals(Optional.empty(), route);
            assertTrue(SpirvRoute.whyNot(spir, true).contains("llvm-spirv-15 is not on PATH"), SpirvRoute.whyNot(spir, true));
        }
        DeviceInfo neither = info(List.of(), List.of("cl_khr_fp64"));
        assertEquals(Optional.empty(), SpirvRoute.choose(neither, true));
        String why = SpirvRoute.whyNot(neither, true);
        assertTrue(why.startsWith("opencl:3:1 (Test GPU): no SPIR-V in CL_DEVICE_IL_VERSION, no cl_khr_spir"), why);
    }

    private static List<OpenClDevice> spirCapable() {
        return new OpenClBackend().devices().stream().filter(d -> d.info().extensions().contains("cl_khr_spir")).toList();
    }

    /** Where the translator and a cl_khr_spir device exist (CI: PoCL), the registry must list spirv:P:D. */
    @Test
    void registryListsSpirDevicesThroughTheTranslator() {
        assumeTrue(SpirvTools.findTranslator().isPresent(), "llvm-spirv-15 not on PATH");
        List<OpenClDevice> spir = spirCapable();
        assumeTrue(!spir.isEmpty(), "no OpenCL device with cl_khr_spir");
        for (OpenClDevice d : spir) {
            String id = "spirv:" + d.info().id().substring("opencl:".length());
            Device device = DeviceRegistry.get().device(id);
            assertEquals(SpirvRoute.TRANSLATOR, ((SpirvDevice) device).route(), id);
            assertTrue(device.info().extra().get("spirv route").startsWith("translator: "), device.info().extra().toString());
            assertEquals("spirv", device.info().backend());
        }
    }

    static Stream<CatalogueEntry> sample() {
        List<String> names = List.of("GridKernels.reduceLocal", "GridKernels.atomics", "MathKernels.halfConversions",
                "ArithmeticKernels.floatCasts", "ControlFlowKernels.switchLookup");
        return Catalogue.ENTRIES.stream().filter(e -> names.contains(e.name()));
    }

    /** A few catalogue kernels through TaskGraph → plan → spirv device (the runtime's ConformanceTest runs all). */
    @Test
    void sampleOfTheCatalogueRunsThroughTheRuntime() {
        Optional<SpirvDevice> device = new SpirvBackend().devices().stream().findFirst();
        assumeTrue(device.isPresent(), "no spirv device: " + new SpirvBackend().unavailableReason().orElse(""));
        List<String> failures = new ArrayList<>();
        List<CatalogueEntry> entries = sample().toList();
        assertEquals(5, entries.size(), "sample names must exist in the catalogue");
        for (CatalogueEntry e : entries) {
            long seed = System.nanoTime();
            System.out.println("spirv backend " + e.name() + " seed=" + seed);
            CatalogueRunner.Outcome outcome = CatalogueRunner.run(e, DeviceRegistry.get().device(device.get().id()), seed);
            if (outcome.failure() != null) {
                failures.add(outcome.failure());
            }
        }
        assertEquals(List.of(), failures);
    }

    @Test
    void printsDisassemblyAndCachesBitcodeOnDisk(@TempDir Path cache) throws Exception {
        List<SpirvDevice> fresh = new SpirvBackend().devices();
        assumeTrue(!fresh.isEmpty(), "no spirv device");
        SpirvDevice device = fresh.getFirst();
        assumeTrue(device.route() == SpirvRoute.TRANSLATOR, "disk cache holds translator bitcode only");
        CatalogueEntry entry = sample().filter(e -> e.name().equals("GridKernels.reduceLocal")).findFirst().orElseThrow();
        StringBuilder printed = new StringBuilder();
        CompileOptions options = CompileOptions.defaults().withPrintKernel(printed::append).withKernelCacheDir(cache);
        CompileRequest request = new CompileRequest(entry.kernel(), KernelCompiler.frontEnd(entry.kernel()), "g.t", options);
        try {
            LoadedKernel first = device.compile(request);
            assertTrue(printed.toString().contains("route: TRANSLATOR"), printed.toString());
            if (SpirvTools.find("spirv-dis").isPresent()) {
                assertTrue(printed.toString().contains("OpControlBarrier"), printed.toString());
                assertTrue(first.generatedCode().contains("OpEntryPoint Kernel"), first.generatedCode());
            }
            List<Path> bitcode;
            try (Stream<Path> files = Files.list(cache.resolve("spirv"))) {
                bitcode = files.filter(p -> p.toString().endsWith(".bc")).toList();
            }
            assertEquals(1, bitcode.size(), "one cached bitcode file");
            assertTrue(Files.exists(Path.of(bitcode.getFirst().toString().replace(".bc", ".spv"))));
            // a damaged cache entry is a miss: a fresh device rebuilds from the module and rewrites it
            Files.write(bitcode.getFirst(), new byte[]{1, 2, 3, 4});
            SpirvDevice other = new SpirvBackend().devices().getFirst();
            try {
                other.compile(request);
                byte[] rewritten = Files.readAllBytes(bitcode.getFirst());
                assertEquals('B', rewritten[0]);
                assertEquals('C', rewritten[1]);
            } finally {
                other.close();
            }
        } finally {
            device.close();
        }
    }

    /** The native-IL route on a device that lists no IL must fail naming kernel, device, route and reason. */
    @Test
    void nativeIlRouteOnADeviceWithoutIlFailsClearly() {
        List<OpenClDevice> devices = new OpenClBackend().devices().stream().filter(d -> d.info().ilVersions().isEmpty()).toList();
        assumeTrue(!devices.isEmpty(), "every OpenCL device here takes IL");
        SpirvDevice forced = new SpirvDevice(devices.getFirst(), SpirvRoute.NATIVE_IL);
        CatalogueEntry entry = sample().findFirst().orElseThrow();
        CompileRequest request = new CompileRequest(entry.kernel(), KernelCompiler.frontEnd(entry.kernel()), "g.t",
                CompileOptions.defaults());
        try {
            TornadoRuntimeException e = assertThrows(TornadoRuntimeException.class, () -> forced.compile(request));
            assertTrue(e.getMessage().contains("route NATIVE_IL"), e.getMessage());
            assertTrue(e.getMessage().contains("CL_DEVICE_IL_VERSION"), e.getMessage());
            assertTrue(e.getMessage().contains(entry.kernel().method().getName()), e.getMessage());
        } finally {
            forced.close();
        }
    }

    @Test
    void optionalCapabilitiesMustBeDeviceExtensions() {
        CatalogueEntry doubles = Catalogue.ENTRIES.stream().filter(e -> e.name().equals("ArithmeticKernels.doubleArith")).findFirst().orElseThrow();
        var ir = KernelCompiler.frontEnd(doubles.kernel());
        byte[] module = ai.kimitornado.tasks.emit.spirv.SpirvEmitter.emit(ir).module();
        DeviceInfo noFp64 = new DeviceInfo("opencl:3:1", "opencl", "Test GPU", "vendor", "1.0", "OpenCL 3.0", "GPU", 1 << 30,
                65536, 1 << 28, 8, 256, new long[]{256, 256, 64}, "OpenCL C 1.2", false, false, false, List.of("SPIR-V_1.2"),
                List.of(), Map.of());
        TornadoRuntimeException e = assertThrows(TornadoRuntimeException.class,
                () -> SpirvKernelCompiler.requireDeviceSupport(module, ir.usesFp64(), noFp64, doubles.name()));
        assertTrue(e.getMessage().contains("ArithmeticKernels.doubleArith") && e.getMessage().contains("cl_khr_fp64"), e.getMessage());

        CatalogueEntry atomics = Catalogue.ENTRIES.stream().filter(x -> x.name().equals("GridKernels.atomics")).findFirst().orElseThrow();
        var atomicIr = KernelCompiler.frontEnd(atomics.kernel());
        byte[] atomicModule = ai.kimitornado.tasks.emit.spirv.SpirvEmitter.emit(atomicIr).module();
        if (ai.kimitornado.tasks.emit.spirv.SpirvTools.declaresCapability(atomicModule, ai.kimitornado.tasks.emit.spirv.Spv.Capability.Int64Atomics)) {
            DeviceInfo fp64Only = info(List.of("SPIR-V_1.2"), List.of("cl_khr_fp64"));
            TornadoRuntimeException a = assertThrows(TornadoRuntimeException.class,
                    () -> SpirvKernelCompiler.requireDeviceSupport(atomicModule, false, fp64Only, atomics.name()));
            assertTrue(a.getMessage().contains("cl_khr_int64_base_atomics"), a.getMessage());
        }
    }
}
