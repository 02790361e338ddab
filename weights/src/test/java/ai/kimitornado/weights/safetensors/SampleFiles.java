package ai.kimitornado.weights.safetensors;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Small valid safetensors contents covering every dtype, a scalar and an empty tensor. */
final class SampleFiles {
    private SampleFiles() {
    }

    static List<TensorData> tensors(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<TensorData> out = new ArrayList<>();
        out.add(TensorData.bf16("w.bf16", new long[] {3, 5}, gaussians(r, 15)));
        out.add(TensorData.f32("w.f32", new long[] {2, 2, 3}, gaussians(r, 12)));
        out.add(TensorData.f64("w.f64", new long[] {4}, new double[] {r.nextDouble(), -1.5, 1e300, Double.MIN_VALUE}));
        out.add(TensorData.i32("ids", new long[] {7}, r.ints(7).toArray()));
        out.add(TensorData.i64("pos", new long[] {2, 2}, r.longs(4).toArray()));
        out.add(TensorData.of("scalar", DType.F32, new long[] {}, floatBytes(3.25f)));
        out.add(TensorData.of("empty", DType.BF16, new long[] {0, 4}, new byte[0]));
        for (DType d : new DType[] {DType.F16, DType.I8, DType.U8, DType.BOOL, DType.F8_E4M3, DType.F8_E5M2}) {
            byte[] b = new byte[6 * d.byteSize()];
            r.nextBytes(b);
            if (d == DType.BOOL) {
                for (int i = 0; i < b.length; i++) {
                    b[i] = (byte) (b[i] & 1);
                }
            }
            out.add(TensorData.of("t." + d.name().toLowerCase(), d, new long[] {2, 3}, b));
        }
        return out;
    }

    static float[] gaussians(SplittableRandom r, int n) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (float) r.nextGaussian();
        }
        return f;
    }

    static byte[] floatBytes(float v) {
        MemorySegment s = MemorySegment.ofArray(new byte[4]);
        s.set(TensorView.F32_LE, 0, v);
        return s.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
    }
}
