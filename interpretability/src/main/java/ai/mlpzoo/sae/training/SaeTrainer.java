package ai.mlpzoo.sae.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.mlpzoo.blocks.common.Checks;
import ai.mlpzoo.blocks.common.NamedParameters;
import ai.mlpzoo.blocks.sae.Latents;
import ai.mlpzoo.blocks.sae.SaeArchitecture;
import ai.mlpzoo.blocks.sae.SaeArchitectures;
import ai.mlpzoo.blocks.sae.SaeDims;
import ai.mlpzoo.blocks.sae.SaeTerms;
import ai.mlpzoo.blocks.sae.SaeTrainingStep;
import ai.mlpzoo.blocks.sae.SparseCoder;
import ai.mlpzoo.blocks.sae.TopKSae;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Trains a sparse autoencoder or transcoder with DJL's Adam and GradientCollector. Per step:
 * reconstruction loss (squared error summed over features, averaged over rows) plus the training
 * term its architecture declares in {@link SaeArchitectures} (L1 weighted by decoder norms with
 * warm-up, AuxK on dead latents, JumpReLU's L0 through the straight-through estimator, the gated
 * SAE's auxiliary loss, or a registered architecture's own); the decoder gradient loses its
 * component parallel to each row and the rows are renormalised after the update (OpenAI's recipe);
 * dead latents are counted in rows since they last fired.
 *
 * <p>Only one trainer may step at a time in a JVM (DJL allows one open GradientCollector).
 */
public final class SaeTrainer {

    private final SparseCoder sae;
    private final SaeArchitecture architecture;
    private final SaeTrainingConfig cfg;
    private final Optimizer adam;
    private final List<Parameter> trainable = new ArrayList<>();
    private final DeadLatents dead;
    private final NDManager manager;
    private int step;
    private int decayStart = Integer.MAX_VALUE;
    private int decayEnd = Integer.MAX_VALUE;

    /**
     * Creates the trainer for an initialised block.
     *
     * @param sae the block, initialised (its parameters are trained in place)
     * @param cfg the hyper-parameters
     * @throws IllegalArgumentException when the block's exact class is not a registered
     *     architecture
     */
    public SaeTrainer(SparseCoder sae, SaeTrainingConfig cfg) {
        this.sae = sae;
        this.architecture = SaeArchitectures.require(sae);
        this.cfg = cfg.validate();
        if (!sae.isInitialized()) {
            throw new IllegalStateException("initialise the SAE block before training it");
        }
        this.manager = sae.getWDec().getArray().getManager();
        adam =
                Optimizer.adam()
                        .optLearningRateTracker((Tracker) t -> learningRate())
                        .optBeta1(cfg.beta1)
                        .optBeta2(cfg.beta2)
                        .build();
        for (Parameter p : NamedParameters.of(sae).values()) {
            if (p.requiresGradient()) {
                p.getArray().setRequiresGradient(true);
                trainable.add(p);
            }
        }
        dead = new DeadLatents(sae.getDims().dSae(), cfg.deadTokens);
    }

    /** The learning rate at the current step: constant, then the linear decay set up by fit. */
    private float learningRate() {
        if (step < decayStart) {
            return cfg.learningRate;
        }
        float left = (decayEnd - step) / (float) Math.max(1, decayEnd - decayStart);
        return cfg.learningRate * Math.max(0f, left);
    }

    /**
     * @return the dead-latent tracker
     */
    public DeadLatents deadLatents() {
        return dead;
    }

    /**
     * @return the number of steps taken
     */
    public int steps() {
        return step;
    }

    /**
     * Initialises from a sample before training: b_dec to the geometric median (or mean) of the
     * targets, decoder rows to unit norm, and W_enc = W_dec^T when input and output spaces agree.
     *
     * @param x inputs (M, d_in)
     * @param y targets (M, d_out), or null for an autoencoder
     */
    public void initialize(NDArray x, NDArray y) {
        NDArray target = y == null ? x : y;
        checkBatch(x, target);
        SaeDims d = sae.getDims();
        try (NDManager scratch = manager.newSubManager()) {
            NDArray wDec = sae.getWDec().getArray();
            if (cfg.normalizeDecoder) {
                normalizeRows(wDec, scratch);
            }
            if (cfg.tiedInit && d.dIn() == d.dOut()) {
                NDArray t = wDec.transpose();
                t.attach(scratch);
                sae.getWEnc().getArray().set(t.toFloatArray());
            }
            NDArray b;
            switch (cfg.bDecInit) {
                case GEOMETRIC_MEDIAN:
                    NDArray sample = target.duplicate();
                    sample.attach(scratch);
                    b = GeometricMedian.of(sample, 50);
                    break;
                case MEAN:
                    b = target.mean(new int[] {0});
                    b.attach(scratch);
                    break;
                default:
                    b = scratch.zeros(sae.getBDec().getShape());
            }
            sae.getBDec().getArray().set(b.toFloatArray());
        }
    }

    /**
     * One optimisation step.
     *
     * @param x inputs (N, d_in)
     * @param y targets (N, d_out), or null for an autoencoder
     * @return the step's metrics
     */
    public SaeMetrics step(NDArray x, NDArray y) {
        NDArray target = y == null ? x : y;
        checkBatch(x, target);
        SaeMetrics metrics;
        try (NDManager m = manager.newSubManager()) {
            NDArray xs = x.duplicate();
            NDArray ys = y == null ? xs : target.duplicate();
            xs.attach(m);
            ys.attach(m);
            ParameterStore ps = new ParameterStore(m, false);
            boolean[] deadMask = dead.deadMask();
            NDArray yHat;
            float loss;
            long active;
            boolean[] fired = new boolean[sae.getDims().dSae()];
            Map<Parameter, NDArray> grads = null;
            if (cfg.manualTopK
                    && TopKManualStep.applies(
                            sae,
                            deadMask,
                            cfg.coefficientAt(SaeTerms.AUXK, step, architecture.name()))) {
                TopKManualStep.Result r = TopKManualStep.run((TopKSae) sae, xs, ys, m);
                loss = checkFinite(r.loss());
                yHat = r.yHat();
                grads = r.gradients();
                active = fired(r.indices(), r.values(), fired);
            } else {
                Latents z;
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    z = sae.encode(ps, xs, true);
                    yHat = sae.reconstruct(ps, xs, z, true);
                    int at = step;
                    SaeTrainingStep view =
                            new SaeTrainingStep(
                                    sae,
                                    ps,
                                    xs,
                                    ys,
                                    z,
                                    yHat,
                                    deadMask,
                                    cfg.kAux,
                                    m,
                                    name -> cfg.coefficientAt(name, at, architecture.name()));
                    NDArray total =
                            SaeTerms.rowSquaredError(yHat, ys)
                                    .add(architecture.training().loss(view));
                    loss = checkFinite(total.getFloat());
                    gc.backward(total);
                }
                active = firedLatents(z, fired);
            }
            // update from each gradient (autograd's accumulated one is zeroed in place after)
            for (Parameter p : trainable) {
                NDArray g = grads != null ? grads.get(p) : p.getArray().getGradient();
                g.attach(m);
                NDArray update =
                        p == sae.getWDec() && cfg.normalizeDecoder
                                ? removeParallel(g, p.getArray())
                                : g;
                adam.update(p.getId(), p.getArray(), update);
                if (grads == null) {
                    g.subi(g);
                }
            }
            if (cfg.normalizeDecoder) {
                normalizeRows(sae.getWDec().getArray(), m);
            }
            architecture.training().afterUpdate(sae, m);
            long rows = x.getShape().get(0);
            dead.update(fired, rows);
            metrics =
                    SaeMetrics.of(
                            step, loss, ys, yHat, active / (double) rows, dead.deadFraction());
        }
        step++;
        return metrics;
    }

    /**
     * Trains for a number of steps, drawing batches from a source, with a progress bar on stderr.
     *
     * @param source the batches
     * @param steps the number of steps
     * @param onStep called with every step's metrics, or null
     * @return the last step's metrics
     */
    public SaeMetrics fit(BatchSource source, int steps, Consumer<SaeMetrics> onStep) {
        Checks.positive(steps, "steps");
        // the project's one progress bar: redrawn on a terminal, a line per 10% in a log
        ai.mlpzoo.train.ProgressBar bar =
                cfg.progress ? new ai.mlpzoo.train.ProgressBar("train-sae", steps) : null;
        if (cfg.lrDecayFraction > 0) {
            decayEnd = step + steps;
            decayStart = decayEnd - Math.round(steps * cfg.lrDecayFraction);
        }
        SaeMetrics last = null;
        try (ai.mlpzoo.train.ShutdownGuard guard = new ai.mlpzoo.train.ShutdownGuard()) {
            for (int i = 0; i < steps; i++) {
                try (NDManager m = manager.newSubManager()) {
                    NDList batch = source.next(m);
                    last = step(batch.get(0), batch.size() > 1 ? batch.get(1) : null);
                }
                int done = i + 1;
                guard.checkpoint(
                        () ->
                                System.err.printf(
                                        java.util.Locale.ROOT,
                                        "%nstopped after %d of %d steps; nothing was saved (train-sae"
                                                + " writes the SAE at the end only and cannot"
                                                + " resume): run it again%n",
                                        done,
                                        steps));
                if (onStep != null) {
                    onStep.accept(last);
                }
                if (bar != null && ((i + 1) % cfg.logEvery == 0 || i + 1 == steps)) {
                    bar.update(i + 1, last.summary());
                }
            }
        }
        if (bar != null && last != null) {
            bar.finish(last.summary());
        }
        return last;
    }

    /**
     * Evaluates without training (inference form of the nonlinearity).
     *
     * @param x inputs (N, d_in)
     * @param y targets (N, d_out), or null for an autoencoder
     * @return the metrics (loss NaN, step -1), with the trainer's dead fraction
     */
    public SaeMetrics evaluate(NDArray x, NDArray y) {
        NDArray target = y == null ? x : y;
        checkBatch(x, target);
        try (NDManager m = manager.newSubManager()) {
            NDArray xs = x.duplicate();
            xs.attach(m);
            NDArray ys = target.duplicate();
            ys.attach(m);
            ParameterStore ps = new ParameterStore(m, false);
            Latents z = sae.encode(ps, xs, false);
            NDArray yHat = sae.reconstruct(ps, xs, z, false);
            return SaeMetrics.of(-1, Double.NaN, ys, yHat, z.dense(), dead.deadFraction());
        }
    }

    private float checkFinite(float loss) {
        if (!Float.isFinite(loss)) {
            throw new IllegalStateException(
                    "training diverged at step "
                            + step
                            + ": loss is "
                            + loss
                            + "; lower the learning rate");
        }
        return loss;
    }

    /** Marks the latents among (index, value) pairs that fired; returns the active pairs. */
    private static long fired(long[] idx, float[] val, boolean[] fired) {
        long active = 0;
        for (int i = 0; i < idx.length; i++) {
            if (val[i] > 0) {
                fired[(int) idx[i]] = true;
                active++;
            }
        }
        return active;
    }

    private void checkBatch(NDArray x, NDArray y) {
        SaeDims d = sae.getDims();
        Checks.requireShape(x, "SAE training input", -1, d.dIn());
        Checks.requireShape(y, "SAE training target", x.getShape().get(0), d.dOut());
        Checks.requireFinite(x, "SAE training input activations");
        if (y != x) {
            Checks.requireFinite(y, "SAE training target activations");
        }
    }

    /** g - (g . w_i) w_i per row: the component that would only change a unit row's norm. */
    static NDArray removeParallel(NDArray g, NDArray w) {
        NDArray dots = g.mul(w).sum(new int[] {1}, true); // (d_sae, 1)
        return g.sub(dots.mul(w));
    }

    /** Rows to unit norm, in place; temporaries in m. */
    static void normalizeRows(NDArray w, NDManager m) {
        NDArray norms = w.norm(new int[] {1}, true);
        norms.attach(m);
        w.divi(norms.addi(1e-8f));
    }

    /**
     * Marks the latents that fired (value > 0) on some row; sparse latents are read as their k
     * (index, value) pairs, without the dense (N, d_sae) matrix.
     *
     * @return the number of active (row, latent) pairs
     */
    private static long firedLatents(Latents z, boolean[] fired) {
        if (z.isSparse()) {
            long[] idx = z.topIndices().toType(DataType.INT64, false).toLongArray();
            float[] val = z.topValues().stopGradient().toFloatArray();
            return fired(idx, val, fired);
        }
        NDArray acts = z.dense().stopGradient();
        NDArray positive = acts.gt(0f);
        float[] counts = positive.sum(new int[] {0}).toType(DataType.FLOAT32, false).toFloatArray();
        long active = 0;
        for (int i = 0; i < counts.length; i++) {
            fired[i] = counts[i] > 0;
            active += (long) counts[i];
        }
        return active;
    }
}
