package ai.mlpzoo.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.optimizer.Optimizer;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongToDoubleFunction;

/**
 * AdamW (Loshchilov and Hutter 2019, "Decoupled Weight Decay Regularization") whose state can be
 * saved and restored, so that a resumed run continues exactly where it stopped; DJL's own keeps its
 * moments private under per-process parameter ids. The learning rate follows a schedule of the
 * global step; weight decay skips vectors (biases, norms, layer-scales), as timm's parameter groups
 * do. The update itself is the engine's fused Adam kernel.
 */
public class AdamW extends Optimizer {

    private final LongToDoubleFunction schedule;
    private final LongToDoubleFunction beta1Schedule;
    private final float beta2;
    private final float epsilon;
    private final float weightDecay;
    private final Map<String, NDArray> means = new HashMap<>();
    private final Map<String, NDArray> variances = new HashMap<>();
    private Map<String, String> names = Map.of();
    private long step;

    /**
     * Creates the optimiser.
     *
     * @param schedule learning rate by global step (from 0)
     * @param weightDecay decoupled weight decay for matrices and kernels
     */
    public AdamW(LongToDoubleFunction schedule, float weightDecay) {
        this(schedule, step -> 0.9, weightDecay);
    }

    /**
     * Creates the optimiser with a scheduled beta1, as PyTorch's {@code OneCycleLR} cycles it
     * ({@link Schedules#oneCycleBeta1}); the bias correction uses the current beta1, as torch's
     * Adam does.
     *
     * @param schedule learning rate by global step (from 0)
     * @param beta1Schedule the first moment's coefficient by global step
     * @param weightDecay decoupled weight decay for matrices and kernels (0: plain Adam)
     */
    public AdamW(
            LongToDoubleFunction schedule, LongToDoubleFunction beta1Schedule, float weightDecay) {
        super(new Builder());
        this.schedule = schedule;
        this.beta1Schedule = beta1Schedule;
        this.beta2 = 0.999f;
        this.epsilon = 1e-8f;
        this.weightDecay = weightDecay;
    }

    /**
     * @param step the global step the next update belongs to (from 0)
     */
    public void setStep(long step) {
        this.step = step;
    }

    /**
     * Names the parameters in error messages (otherwise they are named by their ids).
     *
     * @param idToName parameter id to state-dict name
     */
    public void setParameterNames(Map<String, String> idToName) {
        this.names = Map.copyOf(idToName);
    }

    /**
     * @return the learning rate of the current step
     */
    public double currentLearningRate() {
        return schedule.applyAsDouble(step);
    }

    @Override
    public void update(String parameterId, NDArray weight, NDArray grad) {
        long t = step + 1;
        float lr = (float) schedule.applyAsDouble(step);
        float beta1 = (float) beta1Schedule.applyAsDouble(step);
        double coef1 = 1.0 - Math.pow(beta1, t);
        double coef2 = 1.0 - Math.pow(beta2, t);
        float lrCorrected = (float) (lr * Math.sqrt(coef2) / coef1);
        long nonUnit = 0;
        for (long d : weight.getShape().getShape()) {
            nonUnit += d > 1 ? 1 : 0;
        }
        float wd = nonUnit >= 2 ? weightDecay : 0f;
        NDArray m = means.computeIfAbsent(parameterId, k -> detached(weight.zerosLike()));
        NDArray v = variances.computeIfAbsent(parameterId, k -> detached(weight.zerosLike()));
        weight.getNDArrayInternal()
                .adamUpdate(
                        new NDList(weight, grad, m, v),
                        new NDList(weight),
                        lr,
                        lrCorrected,
                        wd,
                        1f,
                        Float.POSITIVE_INFINITY,
                        beta1,
                        beta2,
                        epsilon,
                        true,
                        true);
        requireFinite(parameterId, grad, v);
    }

    /**
     * Stops a run whose second moment is no longer finite. Once one element of v is infinite, m /
     * sqrt(v) is 0 there for the rest of the run: that weight never moves again but for weight
     * decay, and the loss creeps up while nothing says why (a PoolFormer run did this for 11
     * epochs). A NaN or infinite gradient does it, and so does a finite one above about 6e20, for
     * which (1 - beta2) g² overflows float32. One max per parameter per step (its cost on the
     * benchmarks' train cases is not measured yet).
     */
    private void requireFinite(String parameterId, NDArray grad, NDArray v) {
        // v is detached, so what it computes belongs to no closing manager: close it here, or
        // one scalar per parameter per step would outlive the run
        try (NDArray vMax = v.max()) {
            if (Float.isFinite(vMax.getFloat())) {
                return;
            }
        }
        String name = names.getOrDefault(parameterId, "parameter " + parameterId);
        float g;
        try (NDArray abs = grad.abs();
                NDArray gMax = abs.max()) {
            g = gMax.getFloat();
        }
        throw new IllegalStateException(
                String.format(
                        java.util.Locale.ROOT,
                        "training diverged at step %d: AdamW's second moment of %s is no longer"
                                + " finite (its gradient's largest magnitude is %g%s); every later"
                                + " update of it would be zero. Lower --lr, or look for an"
                                + " operation whose gradient is unbounded (a norm or square root"
                                + " at zero)",
                        step,
                        name,
                        g,
                        Float.isFinite(g) ? ", whose square overflows float32" : ""));
    }

    private static NDArray detached(NDArray a) {
        a.detach();
        return a;
    }

    /**
     * Exports the moments under the parameters' names.
     *
     * @param idToName parameter id to state-dict name
     * @return named arrays {@code <name>.exp_avg} and {@code <name>.exp_avg_sq}
     */
    public NDList exportState(Map<String, String> idToName) {
        NDList out = new NDList();
        for (Map.Entry<String, NDArray> e : means.entrySet()) {
            String name = idToName.get(e.getKey());
            if (name == null) {
                continue;
            }
            NDArray m = e.getValue().duplicate();
            m.setName(name + ".exp_avg");
            NDArray v = variances.get(e.getKey()).duplicate();
            v.setName(name + ".exp_avg_sq");
            out.add(m);
            out.add(v);
        }
        return out;
    }

    /**
     * Restores moments exported by {@link #exportState}.
     *
     * @param state the named arrays
     * @param nameToId state-dict name to parameter id
     * @param manager unused owner hint; the moments are detached and owned by this optimiser
     */
    public void importState(NDList state, Map<String, String> nameToId, NDManager manager) {
        for (NDArray a : state) {
            String name = a.getName();
            boolean mean = name.endsWith(".exp_avg");
            String param = name.substring(0, name.lastIndexOf('.'));
            String id = nameToId.get(param);
            if (id == null) {
                throw new IllegalArgumentException(
                        "optimizer state names unknown parameter " + param);
            }
            NDArray copy = detached(a.duplicate());
            NDArray old = (mean ? means : variances).put(id, copy);
            if (old != null) {
                old.close();
            }
        }
    }

    /** Releases the moments. */
    public void close() {
        means.values().forEach(NDArray::close);
        variances.values().forEach(NDArray::close);
        means.clear();
        variances.clear();
    }

    private static final class Builder extends OptimizerBuilder<Builder> {
        @Override
        protected Builder self() {
            return this;
        }
    }
}
