package ai.mlpzoo.analysis.studies;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/** The MLSAE study's per-token measure, counted by hand on three layers and two tokens. */
class MultiLayerStudyTest {

    @Test
    void perTokenCountsLayersPerTokenAndLatent() {
        // k = 2 slots per row, 2 tokens, 3 layers; -1 is an empty slot
        int[][] activeAt = {
            {5, 7, /* token 1 */ 5, -1}, // layer 0
            {5, -1, /* token 1 */ 2, -1}, // layer 1
            {5, 9, /* token 1 */ 2, 7} // layer 2
        };
        // token 0: latent 5 at 3 layers, 7 at 1, 9 at 1; token 1: 5 at 1, 2 at 2, 7 at 1
        // pairs 6, layers 3 + 1 + 1 + 1 + 2 + 1 = 9, single-layer pairs 4
        double[] r = MultiLayerStudy.perToken(activeAt, 2, 2, 10);
        assertArrayEquals(new double[] {9 / 6.0, 4 / 6.0, 6}, r, 1e-12);
    }

    @Test
    void noActiveLatentGivesNaNAndNoPairs() {
        double[] r = MultiLayerStudy.perToken(new int[][] {{-1, -1}}, 1, 2, 4);
        assertArrayEquals(new double[] {Double.NaN, Double.NaN, 0}, r, 0);
    }
}
