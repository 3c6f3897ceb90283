package ai.mlpzoo.bench;

import ai.mlpzoo.config.MixerConfig;

/**
 * Matmul FLOPs counted analytically (2 per multiply-add; element-wise ops, norms, GELU, softmax and
 * the optimiser are not counted). A training step is counted as the forward plus two matmuls per
 * forward matmul in the backward (input and weight gradients), less the input gradient of the first
 * layer, whose input needs none.
 */
final class Flops {

    private Flops() {}

    /**
     * Forward matmul FLOPs of an MLP-Mixer ({@code block = mixer}).
     *
     * @param c the config
     * @param batch the batch size
     * @return {stem, total} FLOPs
     */
    static double[] mixerForward(MixerConfig c, long batch) {
        double t = c.numTokens();
        double dim = c.embedDim;
        double[] r = c.mlpRatio == null ? new double[] {0.5, 4.0} : c.mlpRatio;
        double dt = (int) (r[0] * dim);
        double dc = (int) (r[1] * dim);
        double p = (double) c.patchSize * c.patchSize * c.inChans;
        double stem = 2 * batch * t * p * dim;
        double block = 2 * batch * dim * t * dt * 2 + 2 * batch * t * dim * dc * 2;
        double head = 2 * batch * dim * c.numClasses;
        return new double[] {stem, stem + c.numBlocks * block + head};
    }

    /**
     * Training-step matmul FLOPs of an MLP-Mixer.
     *
     * @param c the config
     * @param batch the batch size
     * @return FLOPs
     */
    static double mixerTrain(MixerConfig c, long batch) {
        double[] f = mixerForward(c, batch);
        return 3 * f[1] - f[0];
    }

    /**
     * Training-step matmul FLOPs of an efficient-kan KAN: per layer the base linear and the spline
     * linear over (grid + order) bases, 2 B in out (G + k + 1) forward.
     *
     * @param widths the layer widths
     * @param numBases grid size + spline order
     * @param batch the batch size
     * @return FLOPs
     */
    static double kanTrain(int[] widths, int numBases, long batch) {
        double total = 0;
        for (int l = 0; l + 1 < widths.length; l++) {
            double f = 2.0 * batch * widths[l] * widths[l + 1] * (numBases + 1);
            total += l == 0 ? 2 * f : 3 * f;
        }
        return total;
    }
}
