package ai.mlpzoo.sae.training;

import ai.mlpzoo.blocks.common.Checks;
import ai.mlpzoo.blocks.sae.SaeTerms;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Hyper-parameters of SAE and transcoder training. Defaults follow the trainers they come from:
 * OpenAI's TopK recipe (Gao et al. 2024: unit-norm decoder rows, tied encoder initialisation, AuxK
 * with coefficient 1/32 and k_aux = d_in / 2), Anthropic's April 2024 update for the L1 SAE (L1
 * weighted by decoder-row norms, coefficient warm-up) and SAELens for JumpReLU and gated SAEs. The
 * loss coefficients are kept by name, as SAELens' {@code get_coefficients}: an architecture's
 * training term asks for the ones it uses ({@link SaeTerms#L1}, {@link SaeTerms#L0}, {@link
 * SaeTerms#AUXK}, or its own, set with {@link #coefficient(String, float)}). Fluent setters; {@link
 * #validate()} names the first bad field.
 */
public final class SaeTrainingConfig {

    /** How b_dec is initialised before the first step. */
    public enum BDecInit {
        /** The geometric median of a sample (Weiszfeld's algorithm), as OpenAI and sparsify. */
        GEOMETRIC_MEDIAN,
        /** The mean of a sample. */
        MEAN,
        /** Zero. */
        ZERO
    }

    float learningRate = 4e-4f;
    float beta1 = 0.9f;
    float beta2 = 0.999f;

    /** Loss coefficients by name, with their defaults. */
    private final Map<String, Float> coefficients = new LinkedHashMap<>();

    /** Warm-up steps by coefficient name; absent means none. */
    private final Map<String, Integer> warmups = new LinkedHashMap<>();

    {
        coefficients.put(SaeTerms.L1, 5f);
        coefficients.put(SaeTerms.L0, 1f);
        coefficients.put(SaeTerms.AUXK, 1f / 32f);
    }

    int kAux = -1;
    long deadTokens = 10_000_000L;
    boolean normalizeDecoder = true;
    boolean tiedInit = true;
    BDecInit bDecInit = BDecInit.GEOMETRIC_MEDIAN;
    float lrDecayFraction;
    int logEvery = 50;
    boolean progress = true;
    boolean manualTopK = true;

    /**
     * @param v Adam's learning rate @return this
     */
    public SaeTrainingConfig learningRate(float v) {
        learningRate = v;
        return this;
    }

    /**
     * Decays the learning rate linearly to zero over the final fraction of the steps given to
     * {@code fit} (as SAELens' lr_decay_steps): the last steps then refine directions instead of
     * jittering around them.
     *
     * @param v a fraction in [0, 1]
     * @return this
     */
    public SaeTrainingConfig lrDecayFraction(float v) {
        lrDecayFraction = v;
        return this;
    }

    /**
     * @param b1 Adam beta1 @param b2 Adam beta2 @return this
     */
    public SaeTrainingConfig betas(float b1, float b2) {
        beta1 = b1;
        beta2 = b2;
        return this;
    }

    /**
     * Sets a loss coefficient by name.
     *
     * @param name the name an architecture's training term asks for, such as {@link SaeTerms#L1}
     * @param value its value, &gt;= 0
     * @return this
     */
    public SaeTrainingConfig coefficient(String name, float value) {
        coefficients.put(name, value);
        return this;
    }

    /**
     * Ramps a coefficient linearly from 0 over the first steps.
     *
     * @param name the coefficient's name
     * @param steps the warm-up steps, &gt;= 0
     * @return this
     */
    public SaeTrainingConfig coefficientWarmupSteps(String name, int steps) {
        warmups.put(name, steps);
        return this;
    }

    /**
     * @param v the L1 coefficient of the standard and gated SAEs @return this
     */
    public SaeTrainingConfig l1Coefficient(float v) {
        return coefficient(SaeTerms.L1, v);
    }

    /**
     * @param v steps over which the L1 coefficient ramps linearly from 0 @return this
     */
    public SaeTrainingConfig l1WarmupSteps(int v) {
        return coefficientWarmupSteps(SaeTerms.L1, v);
    }

    /**
     * @param v the L0 coefficient of the JumpReLU SAE @return this
     */
    public SaeTrainingConfig l0Coefficient(float v) {
        return coefficient(SaeTerms.L0, v);
    }

    /**
     * @param v steps over which the L0 coefficient ramps from 0 @return this
     */
    public SaeTrainingConfig l0WarmupSteps(int v) {
        return coefficientWarmupSteps(SaeTerms.L0, v);
    }

    /**
     * @param v the AuxK loss coefficient (OpenAI: 1/32) @return this
     */
    public SaeTrainingConfig auxKCoefficient(float v) {
        return coefficient(SaeTerms.AUXK, v);
    }

    /**
     * A coefficient's value at a step, after its warm-up.
     *
     * @param name the coefficient's name
     * @param step the step
     * @param architecture who asks, for the message
     * @return the value
     * @throws IllegalArgumentException when no coefficient has that name
     */
    float coefficientAt(String name, int step, String architecture) {
        Float v = coefficients.get(name);
        if (v == null) {
            throw new IllegalArgumentException(
                    "the "
                            + architecture
                            + " architecture's loss needs the coefficient '"
                            + name
                            + "'; set it with SaeTrainingConfig.coefficient(\""
                            + name
                            + "\", value) (known: "
                            + String.join(", ", coefficients.keySet())
                            + ")");
        }
        return warm(v, warmups.getOrDefault(name, 0), step);
    }

    /**
     * Whether TopK SAE steps without AuxK (no dead latent) use the hand-written gradients of {@code
     * TopKManualStep} (the default: the same update, faster) or autograd, as every other step.
     *
     * @param v true for the hand-written gradients
     * @return this
     */
    public SaeTrainingConfig manualTopK(boolean v) {
        manualTopK = v;
        return this;
    }

    /**
     * @param v dead latents used by AuxK; -1 for d_in / 2 @return this
     */
    public SaeTrainingConfig kAux(int v) {
        kAux = v;
        return this;
    }

    /**
     * @param v a latent is dead after this many rows (tokens) without firing @return this
     */
    public SaeTrainingConfig deadTokens(long v) {
        deadTokens = v;
        return this;
    }

    /**
     * @param v keep decoder rows at unit norm (OpenAI) @return this
     */
    public SaeTrainingConfig normalizeDecoder(boolean v) {
        normalizeDecoder = v;
        return this;
    }

    /**
     * @param v initialise W_enc as W_dec^T @return this
     */
    public SaeTrainingConfig tiedInit(boolean v) {
        tiedInit = v;
        return this;
    }

    /**
     * @param v how b_dec starts @return this
     */
    public SaeTrainingConfig bDecInit(BDecInit v) {
        bDecInit = v;
        return this;
    }

    /**
     * @param v steps between progress-bar updates @return this
     */
    public SaeTrainingConfig logEvery(int v) {
        logEvery = v;
        return this;
    }

    /**
     * @param v whether to draw the progress bar on stderr @return this
     */
    public SaeTrainingConfig progress(boolean v) {
        progress = v;
        return this;
    }

    /**
     * Checks every field.
     *
     * @return this
     * @throws IllegalArgumentException naming the first bad field
     */
    public SaeTrainingConfig validate() {
        Checks.positive(learningRate, "learning_rate");
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException(
                    "betas must be in [0, 1), got " + beta1 + ", " + beta2);
        }
        coefficients.forEach((name, v) -> Checks.nonNegative(v, name + "_coefficient"));
        warmups.forEach(
                (name, steps) -> {
                    if (steps < 0) {
                        throw new IllegalArgumentException(
                                "warm-up steps must be >= 0, got " + steps + " for " + name);
                    }
                });
        if (kAux == 0 || kAux < -1) {
            throw new IllegalArgumentException(
                    "k_aux must be positive (or -1 for d_in / 2), got " + kAux);
        }
        if (deadTokens <= 0) {
            throw new IllegalArgumentException("dead_tokens must be positive, got " + deadTokens);
        }
        if (!(lrDecayFraction >= 0 && lrDecayFraction <= 1)) {
            throw new IllegalArgumentException(
                    "lr_decay_fraction must be in [0, 1], got " + lrDecayFraction);
        }
        if (logEvery <= 0) {
            throw new IllegalArgumentException("log_every must be positive, got " + logEvery);
        }
        return this;
    }

    /** Linear warm-up from 0 to {@code value} over {@code steps}. */
    static float warm(float value, int steps, int step) {
        return steps <= 0 ? value : value * Math.min(1f, (step + 1f) / steps);
    }
}
