package ai.kimitornado.tasks.emit.ptx;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.kimitornado.tasks.backend.cuda.PtxListing;
import org.junit.jupiter.api.Test;

/** The harness itself: accepts valid PTX, and a rejection names the line and shows the PTX there. */
class PtxasHarnessTest {
    private static final String SAXPY = PtxTarget.SM_90.header() + """
            .visible .entry saxpy(.param .u64 x, .param .u64 y, .param .f32 a, .param .u32 n)
            {
              .reg .pred %p<2>;
              .reg .b32 %r<6>;
              .reg .f32 %f<5>;
              .reg .b64 %rd<7>;
              ld.param.u64 %rd1, [x];
              ld.param.u64 %rd2, [y];
              ld.param.f32 %f1, [a];
              ld.param.u32 %r1, [n];
              mov.u32 %r2, %ctaid.x;
              mov.u32 %r3, %ntid.x;
              mov.u32 %r4, %tid.x;
              mad.lo.s32 %r5, %r2, %r3, %r4;
              setp.ge.u32 %p1, %r5, %r1;
              @%p1 bra DONE;
              cvta.to.global.u64 %rd3, %rd1;
              cvta.to.global.u64 %rd4, %rd2;
              mul.wide.u32 %rd5, %r5, 4;
              add.s64 %rd6, %rd3, %rd5;
              ld.global.nc.f32 %f2, [%rd6];
              add.s64 %rd6, %rd4, %rd5;
              ld.global.f32 %f3, [%rd6];
              fma.rn.f32 %f4, %f1, %f2, %f3;
              st.global.f32 [%rd6], %f4;
            DONE:
              ret;
            }
            """;

    @Test
    void assemblesValidPtxForSm90() {
        Ptxas.Result result = Ptxas.assemble(SAXPY, "sm_90", "hand-written saxpy");
        assertTrue(result.output().contains("saxpy"), "ptxas -v reports the kernel's resources: " + result.output());
    }

    @Test
    void rejectionNamesTheLineAndShowsThePtx() {
        String broken = SAXPY.replace("fma.rn.f32 %f4, %f1, %f2, %f3;", "fma.rn.f32 %f4, %f1, %rd2, %f3;");
        Ptxas.Result result = Ptxas.run(broken, "sm_90");
        assertFalse(result.ok(), "ptxas must reject a type mismatch");
        int line = PtxListing.mentionedLines(result.output()).getFirst();
        String explained = PtxListing.explain(broken, result.output(), 2);
        assertTrue(broken.split("\n")[line - 1].contains("%rd2"), "the named line is the broken one: " + explained);
        assertTrue(explained.contains(">>") && explained.contains("fma.rn.f32 %f4, %f1, %rd2"), explained);
    }
}
