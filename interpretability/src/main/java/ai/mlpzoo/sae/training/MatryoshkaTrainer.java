package ai.mlpzoo.sae.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.mlpzoo.blocks.common.Checks;
import ai.mlpzoo.blocks.common.Scalars;
import ai.mlpzoo.blocks.sae.MatryoshkaBatchTopKSae;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * dictionary_learning's {@code MatryoshkaBatchTopKTrainer} (Bussmann et al. 2025, "Learning
 * Multi-Level Features with Matryoshka Sparse Autoencoders"), step for step, so that its training
 * runs can be continued or reproduced in Java. One {@link #update}:
 *
 * <ol>
 *   <li>BatchTopK: {@code post = ReLU((x - b_dec) W_enc + b_enc)}, the k B largest of the (B, F)
 *       matrix kept across the whole batch;
 *   <li>after {@code thresholdStartStep}, the inference threshold moves towards the smallest kept
 *       value ({@code -1} at first, then an exponential average with rate 1 - beta, in float32);
 *   <li>the Matryoshka loss: the group-by-group cumulative reconstruction, and for each group its
 *       weighted {@code mean_b sum_d (x - rec)^2}; the loss is the <em>mean</em> of these terms;
 *   <li>firing counters in tokens, dead latents at {@code deadTokens}, and AuxK on them (top k_aux
 *       of the dead latents' post-ReLU values, decoded without b_dec, normalised by the residual's
 *       variance) times {@code auxkAlpha};
 *   <li>backward; the decoder gradient loses its component along each decoder row; all gradients
 *       clipped to a total norm of 1; Adam (PyTorch's form, bias-corrected) with the warm-up and
 *       decay schedule; k annealing; decoder rows renormalised.
 * </ol>
 *
 * <p>The SAELens form of the loss (inner prefixes added with weight 1) is the {@code
 * matryoshka_batchtopk} architecture's term in {@link SaeTrainer}. Not thread-safe: one update at a
 * time, one gradient collector per JVM.
 */
public final class MatryoshkaTrainer {

    /**
     * dictionary_learning's hyperparameters, with its defaults.
     *
     * @param lr the base learning rate ({@code 2e-4 / sqrt(dict_size / 2^14)} by default)
     * @param steps the total steps (for the decay)
     * @param warmupSteps linear warm-up steps
     * @param decayStart the step where the linear decay to 0 begins, or -1 for none
     * @param kTarget the trainer's k (the annealing target)
     * @param kAnnealSteps steps of annealing k from d_in to kTarget, or -1 for none
     * @param groupWeights the weight of each group's term
     * @param auxkAlpha the AuxK coefficient
     * @param topKAux dead latents used by AuxK
     * @param deadTokens tokens without firing after which a latent is dead
     * @param thresholdBeta the threshold's averaging factor
     * @param thresholdStartStep the threshold moves only at steps after this one
     */
    public record Config(
            float lr,
            int steps,
            int warmupSteps,
            int decayStart,
            int kTarget,
            int kAnnealSteps,
            float[] groupWeights,
            float auxkAlpha,
            int topKAux,
            long deadTokens,
            double thresholdBeta,
            int thresholdStartStep) {

        /**
         * The trainer's defaults for an SAE: lr by dictionary size, equal group weights, AuxK alpha
         * 1/32 on d_in / 2 latents, dead after 10M tokens, beta 0.999 from step 1000.
         *
         * @param sae the SAE
         * @param steps the total steps
         * @return the defaults
         */
        public static Config defaults(MatryoshkaBatchTopKSae sae, int steps) {
            int groups = sae.getGroupSizes().length;
            float[] w = new float[groups];
            Arrays.fill(w, (float) (1.0 / groups));
            double scale = sae.getDims().dSae() / Math.pow(2, 14);
            return new Config(
                    (float) (2e-4 / Math.sqrt(scale)),
                    steps,
                    1000,
                    -1,
                    sae.getK(),
                    -1,
                    w,
                    1f / 32,
                    sae.getDims().dIn() / 2,
                    10_000_000L,
                    0.999,
                    1000);
        }
    }

    /**
     * What one update computed, copied out of the engine.
     *
     * @param featureActs the BatchTopK latents (B, F), row-major
     * @param output the full reconstruction (B, D)
     * @param groupRecons the cumulative reconstruction after each group, (G, B, D)
     * @param groupL2Terms each group's weighted term (G)
     * @param l2Loss their mean
     * @param auxkLoss the normalised AuxK loss (0 when nothing is dead)
     * @param preNormAuxkLoss AuxK before normalising, -1 when nothing is dead
     * @param loss {@code l2Loss + auxkAlpha auxkLoss}
     * @param gradRaw the gradients after backward, by SAELens name
     * @param gradBeforeClipNorm their total norm after the projection
     * @param grad what Adam received (projected, clipped)
     * @param lrUsed the learning rate of the step
     * @param deadMask the dead latents after the update of the counters
     */
    public record Result(
            float[] featureActs,
            float[] output,
            float[] groupRecons,
            float[] groupL2Terms,
            float l2Loss,
            float auxkLoss,
            float preNormAuxkLoss,
            float loss,
            Map<String, float[]> gradRaw,
            float gradBeforeClipNorm,
            Map<String, float[]> grad,
            float lrUsed,
            boolean[] deadMask) {}

    /** PyTorch's Adam defaults, as dictionary_learning builds it. */
    private static final double BETA1 = 0.9;

    private static final double BETA2 = 0.999;
    private static final float ADAM_EPS = 1e-8f;
    private static final float CLIP = 1f;
    private static final float PROJECTION_EPS = 1e-6f;

    /** torch.finfo(float32).eps, dictionary_learning's decoder-norm eps. */
    private static final float DECODER_EPS = Math.ulp(1f);

    private final MatryoshkaBatchTopKSae sae;
    private final Config cfg;
    private final List<Parameter> params;
    private final NDManager manager;
    private final Map<Parameter, NDArray[]> moments = new LinkedHashMap<>();
    private final long[] tokensSinceFired;
    private float threshold = -1f;
    private int k;
    private int adamSteps;

    /**
     * Starts training an initialised SAE.
     *
     * @param sae the SAE (its threshold and k are the dictionary's buffers)
     * @param cfg the hyperparameters
     * @throws IllegalArgumentException when the group weights do not match the groups
     */
    public MatryoshkaTrainer(MatryoshkaBatchTopKSae sae, Config cfg) {
        if (!sae.isInitialized()) {
            throw new IllegalStateException("initialise the SAE block before training it");
        }
        int groups = sae.getGroupSizes().length;
        if (cfg.groupWeights().length != groups) {
            throw new IllegalArgumentException(
                    "group_weights has "
                            + cfg.groupWeights().length
                            + " entries but the SAE has "
                            + groups
                            + " groups "
                            + Arrays.toString(sae.getGroupSizes()));
        }
        this.sae = sae;
        this.cfg = cfg;
        this.k = sae.getK();
        this.params = List.of(sae.getWEnc(), sae.getBEnc(), sae.getWDec(), sae.getBDec());
        this.manager = sae.getWDec().getArray().getManager();
        for (Parameter p : params) {
            p.getArray().setRequiresGradient(true);
        }
        this.tokensSinceFired = new long[sae.getDims().dSae()];
    }

    /**
     * @return the dictionary's current k
     */
    public int k() {
        return k;
    }

    /**
     * Sets the dictionary's k buffer (as loaded from a checkpoint).
     *
     * @param k the value
     */
    public void setK(int k) {
        Checks.positive(k, "k");
        this.k = k;
    }

    /**
     * @return the inference threshold (-1 until the first update after the start step)
     */
    public float threshold() {
        return threshold;
    }

    /**
     * Sets the threshold (as loaded from a checkpoint) and writes it to the block.
     *
     * @param t the value
     */
    public void setThreshold(float t) {
        threshold = t;
        writeThreshold();
    }

    /**
     * @return the firing counters in tokens (a copy)
     */
    public long[] tokensSinceFired() {
        return tokensSinceFired.clone();
    }

    /**
     * Sets the firing counters (state that the checkpoint does not hold).
     *
     * @param counts one per latent
     */
    public void setTokensSinceFired(long[] counts) {
        if (counts.length != tokensSinceFired.length) {
            throw new IllegalArgumentException(
                    "num_tokens_since_fired has "
                            + counts.length
                            + " entries, the SAE "
                            + tokensSinceFired.length
                            + " latents");
        }
        System.arraycopy(counts, 0, tokensSinceFired, 0, counts.length);
    }

    /**
     * The learning-rate factor at a step ({@code get_lr_schedule} without resampling).
     *
     * @param step the step
     * @return the factor
     */
    public float schedule(int step) {
        if (step < cfg.warmupSteps()) {
            return step / (float) cfg.warmupSteps();
        }
        if (cfg.decayStart() >= 0 && step >= cfg.decayStart()) {
            return (cfg.steps() - step) / (float) (cfg.steps() - cfg.decayStart());
        }
        return 1f;
    }

    /**
     * One training step on a batch.
     *
     * @param step the step's number (&gt; 0: at step 0 the reference first sets b_dec to the
     *     geometric median, which {@link GeometricMedian} and {@link SaeTrainer#initialize} do)
     * @param x the batch (B, d_in)
     * @return what the step computed
     */
    public Result update(int step, NDArray x) {
        int dIn = sae.getDims().dIn();
        int dSae = sae.getDims().dSae();
        Checks.requireShape(x, "Matryoshka training input", -1, dIn);
        Checks.requireFinite(x, "Matryoshka training input activations");
        int[] groups = sae.getGroupSizes();
        long b = x.getShape().get(0);
        try (NDManager m = manager.newSubManager()) {
            NDArray xs = x.toType(DataType.FLOAT32, true); // (B, D)
            xs.attach(m);
            ParameterStore ps = new ParameterStore(m, false);
            float[] acts;
            float[] out;
            float[] recons = new float[(int) (groups.length * b * dIn)];
            float[] terms = new float[groups.length];
            float l2;
            float aux;
            float preNormAux = -1f;
            float loss;
            boolean[] dead = new boolean[dSae];
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray wEnc = ps.getValue(sae.getWEnc(), xs.getDevice(), true); // (D, F)
                NDArray bEnc = ps.getValue(sae.getBEnc(), xs.getDevice(), true); // (F)
                NDArray wDec = ps.getValue(sae.getWDec(), xs.getDevice(), true); // (F, D)
                NDArray bDec = ps.getValue(sae.getBDec(), xs.getDevice(), true); // (D)
                NDArray post = Activation.relu(xs.sub(bDec).matMul(wEnc).add(bEnc)); // (B, F)
                NDArray flat = post.reshape(b * dSae); // row-major
                NDList top = flat.topK((int) Math.min(k * b, b * dSae), 0, true, false);
                NDArray f =
                        m.zeros(new Shape(b * dSae))
                                .scatter(top.get(1), top.get(0), 0)
                                .reshape(b, dSae); // (B, F)
                acts = f.stopGradient().toFloatArray();
                if (step > cfg.thresholdStartStep()) {
                    updateThreshold(acts);
                }
                NDArray rec = m.zeros(new Shape(b, dIn)).add(bDec); // (B, D), b_dec to start
                NDArray termSum = null;
                int start = 0;
                for (int g = 0; g < groups.length; g++) {
                    int end = start + groups[g];
                    NDArray rows = wDec.get(new NDIndex("{}:{}", start, end)); // (size, D)
                    rows.attach(m); // a slice of a parameter: owned by the step
                    NDArray part = f.get(new NDIndex(":, {}:{}", start, end)).matMul(rows);
                    rec = rec.add(part); // (B, D)
                    NDArray term =
                            Scalars.mul(
                                    xs.sub(rec).square().sum(new int[] {1}).mean(),
                                    cfg.groupWeights()[g]);
                    terms[g] = term.getFloat();
                    System.arraycopy(
                            rec.stopGradient().toFloatArray(),
                            0,
                            recons,
                            (int) (g * b * dIn),
                            (int) (b * dIn));
                    termSum = termSum == null ? term : termSum.add(term);
                    start = end;
                }
                NDArray l2Loss = Scalars.div(termSum, groups.length);
                l2 = l2Loss.getFloat();
                out = rec.stopGradient().toFloatArray();
                // counters: every latent ages by B tokens, the fired ones restart at 0
                for (int j = 0; j < dSae; j++) {
                    tokensSinceFired[j] += b;
                }
                for (int i = 0; i < acts.length; i++) {
                    if (acts[i] > 0) {
                        tokensSinceFired[i % dSae] = 0;
                    }
                }
                int nDead = 0;
                for (int j = 0; j < dSae; j++) {
                    dead[j] = tokensSinceFired[j] >= cfg.deadTokens();
                    nDead += dead[j] ? 1 : 0;
                }
                NDArray total = l2Loss;
                if (nDead > 0) {
                    NDArray resid = xs.sub(rec).stopGradient(); // (B, D)
                    int kAux = Math.min(cfg.topKAux(), nDead);
                    NDArray deadMask = m.create(dead).toType(DataType.FLOAT32, false); // (F)
                    // live latents far below any post-ReLU value: top-k picks dead ones only
                    NDArray masked = post.add(Scalars.mul(deadMask.sub(1f), 1e30f)); // (B, F)
                    NDList auxTop = masked.topK(kAux, 1, true, false);
                    NDArray auxActs =
                            m.zeros(post.getShape())
                                    .scatter(auxTop.get(1), auxTop.get(0), 1); // (B, F)
                    NDArray xAux = auxActs.matMul(wDec); // (B, D), no b_dec
                    NDArray pre = resid.sub(xAux).square().sum(new int[] {1}).mean();
                    NDArray mu = resid.mean(new int[] {0}, true); // (1, D)
                    NDArray denom = resid.sub(mu).square().sum(new int[] {1}).mean();
                    NDArray norm = pre.div(denom);
                    preNormAux = pre.getFloat();
                    float nv = norm.getFloat();
                    if (Float.isNaN(nv)) {
                        aux = 0f; // the reference's nan_to_num(0)
                    } else {
                        aux = nv;
                        total = total.add(Scalars.mul(norm, cfg.auxkAlpha()));
                    }
                } else {
                    aux = 0f;
                }
                loss = total.getFloat();
                if (!Float.isFinite(loss)) {
                    throw new IllegalStateException(
                            "Matryoshka training diverged at step "
                                    + step
                                    + ": loss is "
                                    + loss
                                    + "; lower the learning rate");
                }
                gc.backward(total);
            }
            Map<String, float[]> gradRaw = new LinkedHashMap<>();
            Map<String, NDArray> grads = new LinkedHashMap<>();
            for (Parameter p : params) {
                NDArray g = p.getArray().getGradient().duplicate(); // detached copy
                g.attach(m);
                gradRaw.put(p.getName(), g.toFloatArray());
                grads.put(p.getName(), g);
            }
            // the decoder gradient loses its part along each row (direction with eps 1e-6)
            NDArray w = sae.getWDec().getArray();
            NDArray rowNorms = w.norm(new int[] {1}, true); // (F, 1)
            rowNorms.attach(m); // ops on a parameter's array land in its manager: move them
            NDArray unit = w.div(rowNorms.add(PROJECTION_EPS)); // (F, D)
            unit.attach(m);
            NDArray gDec = grads.get("W_dec");
            NDArray dots = gDec.mul(unit).sum(new int[] {1}, true); // (F, 1)
            grads.put("W_dec", gDec.sub(dots.mul(unit)));
            double sq = 0;
            for (NDArray g : grads.values()) {
                sq += g.square().sum().getFloat();
            }
            float totalNorm = (float) Math.sqrt(sq);
            float clip = Math.min(1f, CLIP / (totalNorm + 1e-6f));
            Map<String, float[]> gradUsed = new LinkedHashMap<>();
            float lrUsed = cfg.lr() * schedule(step);
            adamSteps++;
            for (Parameter p : params) {
                NDArray g = Scalars.mul(grads.get(p.getName()), clip);
                gradUsed.put(p.getName(), g.toFloatArray());
                adam(p, g, lrUsed);
                p.getArray().getGradient().subi(p.getArray().getGradient());
            }
            if (cfg.kAnnealSteps() >= 0) {
                int s = Math.min(step, cfg.kAnnealSteps());
                double r = s / (double) cfg.kAnnealSteps();
                k = (int) (dIn * (1 - r) + cfg.kTarget() * r);
            }
            // decoder rows back to unit norm (eps: float32's)
            NDArray norms = w.norm(new int[] {1}, true);
            norms.attach(m);
            w.divi(norms.addi(DECODER_EPS));
            return new Result(
                    acts,
                    out,
                    recons,
                    terms,
                    l2,
                    aux,
                    preNormAux,
                    loss,
                    gradRaw,
                    totalNorm,
                    gradUsed,
                    lrUsed,
                    dead);
        }
    }

    /** PyTorch's Adam: moments, bias corrections, eps added after the corrected sqrt. */
    private void adam(Parameter p, NDArray g, float lr) {
        NDArray[] mv =
                moments.computeIfAbsent(
                        p,
                        q -> {
                            NDArray m1 = manager.zeros(q.getArray().getShape());
                            NDArray m2 = manager.zeros(q.getArray().getShape());
                            return new NDArray[] {m1, m2};
                        });
        // m = b1 m + (1 - b1) g ; v = b2 v + (1 - b2) g^2, in place on the moments
        // the scalars as PyTorch casts Python floats: (float) of the double expression
        Scalars.muli(mv[0], (float) BETA1).addi(Scalars.mul(g, (float) (1 - BETA1)));
        Scalars.muli(mv[1], (float) BETA2).addi(Scalars.mul(g.square(), (float) (1 - BETA2)));
        double bc1 = 1 - Math.pow(BETA1, adamSteps);
        double bc2Sqrt = Math.sqrt(1 - Math.pow(BETA2, adamSteps));
        float stepSize = (float) (lr / bc1);
        try (NDManager s = manager.newSubManager()) {
            NDArray denom = Scalars.div(mv[1].sqrt(), (float) bc2Sqrt).add(ADAM_EPS);
            denom.attach(s);
            NDArray upd = Scalars.mul(mv[0].div(denom), stepSize);
            upd.attach(s);
            p.getArray().subi(upd);
        }
    }

    /** The reference's update_threshold, in float32. */
    private void updateThreshold(float[] acts) {
        float min = Float.POSITIVE_INFINITY;
        boolean any = false;
        for (float a : acts) {
            if (a > 0) {
                any = true;
                min = Math.min(min, a);
            }
        }
        float minAct = any ? min : 0f;
        if (threshold < 0) {
            threshold = minAct;
        } else {
            // torch: beta * thr + (1 - beta) * min, each product in float32
            float decay = (float) cfg.thresholdBeta() * threshold;
            float rise = (float) (1.0 - cfg.thresholdBeta()) * minAct;
            threshold = decay + rise;
        }
        writeThreshold();
    }

    private void writeThreshold() {
        NDArray t = sae.getThreshold().getArray();
        float[] v = new float[(int) t.size()];
        Arrays.fill(v, threshold);
        t.set(v);
    }
}
