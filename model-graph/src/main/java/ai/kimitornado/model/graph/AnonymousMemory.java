package ai.kimitornado.model.graph;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Host address space that costs no memory: anonymous private {@code mmap} with MAP_NORESERVE, so pages exist only
 * once touched. Random-weight arrays wrap such segments: the device buffers are allocated by identity and filled
 * on the device, the host side is never written (except by the java backend, which runs on host memory) — so a
 * 98 GB model needs no 98 GB of host RAM. Linux only (the flag values are Linux's on x86-64 and aarch64).
 */
final class AnonymousMemory {
    private static final int PROT_READ = 1;
    private static final int PROT_WRITE = 2;
    private static final int MAP_PRIVATE = 2;
    private static final int MAP_ANONYMOUS = 0x20;
    private static final int MAP_NORESERVE = 0x4000;
    private static final MethodHandle MMAP;
    private static final MethodHandle MUNMAP;

    static {
        Linker linker = Linker.nativeLinker();
        SymbolLookup libc = linker.defaultLookup();
        MMAP = linker.downcallHandle(libc.find("mmap").orElseThrow(() -> new IllegalStateException("libc has no mmap")),
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT,
                        ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
        MUNMAP = linker.downcallHandle(libc.find("munmap").orElseThrow(() -> new IllegalStateException("libc has no munmap")),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
    }

    private AnonymousMemory() {
    }

    /** {@code bytes} (> 0) of zero-on-touch, unreserved, page-aligned host memory; release with {@link #unmap}. */
    static MemorySegment map(long bytes, String what) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("AnonymousMemory.map: " + what + " needs a positive size, got " + bytes);
        }
        MemorySegment address;
        try {
            address = (MemorySegment) MMAP.invokeExact(MemorySegment.NULL, bytes, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0L);
        } catch (Throwable t) {
            throw new IllegalStateException("AnonymousMemory.map: mmap of " + bytes + " bytes for " + what + " failed", t);
        }
        if (address.address() == -1L || address.address() == 0L) {
            throw new IllegalStateException("AnonymousMemory.map: mmap of " + bytes + " bytes for " + what
                    + " returned MAP_FAILED (address space or vm.overcommit_memory=2?)");
        }
        return address.reinterpret(bytes);
    }

    static void unmap(MemorySegment segment) {
        int rc;
        try {
            rc = (int) MUNMAP.invokeExact(segment, segment.byteSize());
        } catch (Throwable t) {
            throw new IllegalStateException("AnonymousMemory.unmap: munmap of " + segment.byteSize() + " bytes failed", t);
        }
        if (rc != 0) {
            throw new IllegalStateException("AnonymousMemory.unmap: munmap of " + segment.byteSize() + " bytes returned " + rc);
        }
    }
}
