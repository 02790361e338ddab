package ai.kimitornado.model.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class MoeRouterTest {

    private static double[] sigmoidScores(Matrix gate, float[] m) {
        double[] s = new double[gate.rows()];
        for (int e = 0; e < s.length; e++) {
            s[e] = 1 / (1 + Math.exp(-gate.dotRow(e, m, 0)));
        }
        return s;
    }

    @Test
    void biasSelectsButDoesNotWeight() {
        TestData data = TestData.fresh("MoeRouter ungrouped");
        int experts = 16;
        int hidden = 24;
        Matrix gate = data.matrix("gate", experts, hidden);
        float[] bias = data.gaussian(experts, 0.3);
        MoeRouter router = new MoeRouter(gate, bias, 4, true, 2.446, "sigmoid", true, 1, 1);
        for (int trial = 0; trial < 50; trial++) {
            float[] m = data.gaussian(hidden, 1.0);
            double[] s = sigmoidScores(gate, m);
            Integer[] order = IntStream.range(0, experts).boxed().toArray(Integer[]::new);
            Arrays.sort(order, Comparator.comparingDouble(e -> -(s[e] + bias[e])));
            MoeRouter.Routing routing = router.route(m);
            int[] expected = Arrays.stream(order, 0, 4).mapToInt(Integer::intValue).toArray();
            assertArrayEquals(expected, routing.experts());
            double sum = Arrays.stream(expected).mapToDouble(e -> s[e]).sum();
            for (int i = 0; i < 4; i++) {
                assertEquals(s[expected[i]] / sum * 2.446, routing.weights()[i], 1e-6);
            }
        }
    }

    @Test
    void groupedTopKKeepsOnlyTheBestGroups() {
        TestData data = TestData.fresh("MoeRouter grouped");
        int experts = 16; // 4 groups of 4, keep 2 groups, top-3
        int hidden = 24;
        Matrix gate = data.matrix("gate", experts, hidden);
        float[] bias = data.gaussian(experts, 0.3);
        MoeRouter router = new MoeRouter(gate, bias, 3, true, 1.0, "sigmoid", true, 4, 2);
        for (int trial = 0; trial < 50; trial++) {
            float[] m = data.gaussian(hidden, 1.0);
            double[] s = sigmoidScores(gate, m);
            double[] groupScore = new double[4];
            for (int grp = 0; grp < 4; grp++) {
                double[] members = new double[4];
                for (int i = 0; i < 4; i++) {
                    members[i] = s[grp * 4 + i] + bias[grp * 4 + i];
                }
                Arrays.sort(members);
                groupScore[grp] = members[3] + members[2];
            }
            Integer[] groups = {0, 1, 2, 3};
            Arrays.sort(groups, Comparator.comparingDouble(grp -> -groupScore[grp]));
            Integer[] allowed = IntStream.range(0, experts).boxed()
                    .filter(e -> e / 4 == groups[0] || e / 4 == groups[1]).toArray(Integer[]::new);
            Arrays.sort(allowed, Comparator.comparingDouble(e -> -(s[e] + bias[e])));
            int[] expected = Arrays.stream(allowed, 0, 3).mapToInt(Integer::intValue).toArray();
            MoeRouter.Routing routing = router.route(m);
            assertArrayEquals(expected, routing.experts());
            double total = 0;
            for (float w : routing.weights()) {
                total += w;
            }
            assertTrue(Math.abs(total - 1.0) < 1e-6, "renormalised weights sum to " + total);
        }
    }
}
