package ai.mlpzoo.sae.training;

import ai.djl.ndarray.NDArray;
import ai.mlpzoo.blocks.common.Scalars;
import java.util.Locale;

/**
 * What SAE trainers report: MSE (mean over elements), FVU (the fraction of variance unexplained,
 * {@code sum |y - y_hat|^2 / sum |y - mean(y)|^2} over the batch, as sparsify and OpenAI compute
 * it, i.e. 1 - explained variance), L0 (mean active latents per row), the dead fraction and the
 * mean cosine similarity between rows of y and y_hat.
 *
 * @param step the step (or -1 for an evaluation)
 * @param loss the total training loss (NaN for an evaluation)
 * @param mse mean squared error per element
 * @param fvu fraction of variance unexplained
 * @param l0 mean number of active latents per row
 * @param deadFraction fraction of dead latents
 * @param cosine mean cosine similarity of reconstructions
 */
public record SaeMetrics(
        int step,
        double loss,
        double mse,
        double fvu,
        double l0,
        double deadFraction,
        double cosine) {

    /**
     * Computes the metrics of a batch (no gradient; temporaries live in the arrays' manager).
     *
     * @param step the step
     * @param loss the loss
     * @param y targets (N, d)
     * @param yHat reconstructions (N, d)
     * @param acts latents (N, d_sae)
     * @param deadFraction the tracker's dead fraction
     * @return the metrics
     */
    public static SaeMetrics of(
            int step, double loss, NDArray y, NDArray yHat, NDArray acts, double deadFraction) {
        double l0 =
                acts.stopGradient()
                                .gt(0f)
                                .sum()
                                .toType(ai.djl.ndarray.types.DataType.FLOAT32, false)
                                .getFloat()
                        / (double) acts.getShape().get(0);
        return of(step, loss, y, yHat, l0, deadFraction);
    }

    /**
     * Computes the metrics of a batch whose L0 is already known (sparse latents).
     *
     * @param step the step
     * @param loss the loss
     * @param y targets (N, d)
     * @param yHat reconstructions (N, d)
     * @param l0 mean number of active latents per row
     * @param deadFraction the tracker's dead fraction
     * @return the metrics
     */
    public static SaeMetrics of(
            int step, double loss, NDArray y, NDArray yHat, double l0, double deadFraction) {
        NDArray yt = y.stopGradient();
        NDArray e = yt.sub(yHat.stopGradient());
        double sse = e.square().sum().getFloat();
        double var = yt.sub(yt.mean(new int[] {0})).square().sum().getFloat();
        double mse = sse / yt.size();
        NDArray dot = yt.mul(yHat.stopGradient()).sum(new int[] {1});
        NDArray norms =
                Scalars.maximum(
                        yt.norm(new int[] {1}).mul(yHat.stopGradient().norm(new int[] {1})),
                        1e-12f);
        double cos = dot.div(norms).mean().getFloat();
        return new SaeMetrics(
                step, loss, mse, var > 0 ? sse / var : Double.NaN, l0, deadFraction, cos);
    }

    /**
     * @return one line for logs and the progress bar
     */
    public String summary() {
        return String.format(
                Locale.ROOT,
                "mse %.4g fvu %.4f L0 %.2f dead %.1f%% cos %.4f",
                mse,
                fvu,
                l0,
                100 * deadFraction,
                cosine);
    }
}
