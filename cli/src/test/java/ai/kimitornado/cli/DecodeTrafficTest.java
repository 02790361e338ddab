package ai.kimitornado.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.kimitornado.model.graph.ModelDims;
import ai.kimitornado.model.graph.ModelWeights;
import ai.kimitornado.weights.config.KimiLinearConfig;
import ai.kimitornado.weights.safetensors.SafeTensors;
import org.junit.jupiter.api.Test;

/** The bytes-per-token count behind the bandwidth floor, checked against what the engine actually loads. */
class DecodeTrafficTest {

    @Test
    void allWeightBytesMatchTheEnginesWeights() {
        KimiLinearConfig config = KimiLinearConfig.load(CliCommandsTest.TINY.resolve("config.json"));
        ModelWeights loaded = ModelWeights.load(config, ModelDims.of(config), SafeTensors.open(CliCommandsTest.TINY));
        DecodeTraffic t = DecodeTraffic.of(config);
        assertEquals(loaded.bytes(), t.allWeightBytes(), "counted weight bytes vs ModelWeights.bytes() of tiny-a");
        assertTrue(t.weightBytes() < t.allWeightBytes(), "a decode step reads top-k experts only: " + t);
        assertEquals(t.bytesPerToken(10) + 5 * t.cacheRowBytes(), t.bytesPerToken(15), "MLA cache reads grow with context");
    }

    @Test
    void real48BFloorIsAboutSixGigabytesPerToken() {
        DecodeTraffic t = DecodeTraffic.of(KimiLinearConfig.real48B());
        // ~3B activated parameters in bf16 (issue 7: a 1.45 ms floor at ~4.2 TB/s)
        assertTrue(t.weightBytes() > 5.5e9 && t.weightBytes() < 7e9, "decode weight bytes " + t.weightBytes());
        assertTrue(t.allWeightBytes() > 90e9 && t.allWeightBytes() < 105e9, "all weight bytes " + t.allWeightBytes());
    }
}
