package ai.mlpzoo.blocks.timeseries.patchtsmixer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.mlpzoo.blocks.common.Scalars;
import java.util.Locale;

/**
 * PatchTSMixer's input scalers, over time, per sample and channel (Hugging Face's {@code
 * PatchTSMixerStdScaler}, {@code PatchTSMixerMeanScaler}, {@code PatchTSMixerNOPScaler}, with every
 * step observed). The forecast is scaled back with the same loc and scale.
 */
public enum Scaling {
    /**
     * loc = mean, scale = sqrt(population variance + 1e-5) (the 1e-5 inside the root, not a clamp);
     * what {@code scaling: "std"} and {@code scaling: true} select.
     */
    STD,
    /** loc = 0, scale = max(mean(|x|), 1e-10). */
    MEAN,
    /** loc = 0, scale = 1. */
    NONE;

    /** The std scaler's minimum_scale, added to the variance. */
    static final float STD_MIN = 1e-5f;

    /** The mean scaler's minimum_scale, a clamp. */
    static final float MEAN_MIN = 1e-10f;

    /**
     * Parses the config's {@code scaling}, which Hugging Face lets be a string, a boolean or null.
     *
     * @param value "std", "mean", "none", true, false or null
     * @return the scaler
     * @throws IllegalArgumentException naming the field and the values it takes
     */
    public static Scaling parse(Object value) {
        if (value == null || Boolean.FALSE.equals(value)) {
            return NONE;
        }
        if (Boolean.TRUE.equals(value)) {
            // the config's docstring says true selects the mean scaler; the model's code (what
            // the hub checkpoints were trained with) selects the std scaler
            return STD;
        }
        if (value instanceof String) {
            switch (((String) value).toLowerCase(Locale.ROOT)) {
                case "std":
                    return STD;
                case "mean":
                    return MEAN;
                case "none":
                    return NONE;
                default:
                    break;
            }
        }
        throw new IllegalArgumentException(
                "field 'scaling' must be \"std\", \"mean\", true (std), false or null (none), got "
                        + (value instanceof String ? "\"" + value + "\"" : value));
    }

    /**
     * @return the config spelling
     */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Scales a batch of windows.
     *
     * @param x (B, L, C)
     * @return NDList(scaled (B, L, C), loc (B, 1, C), scale (B, 1, C))
     */
    public NDList apply(NDArray x) {
        switch (this) {
            case STD:
                {
                    NDArray loc = x.mean(new int[] {1}, true); // (B, 1, C)
                    NDArray var = x.sub(loc).square().mean(new int[] {1}, true); // (B, 1, C)
                    NDArray scale = var.add(STD_MIN).sqrt(); // (B, 1, C)
                    return new NDList(x.sub(loc).div(scale), loc, scale);
                }
            case MEAN:
                {
                    NDArray scale =
                            Scalars.maximum(
                                    x.abs().mean(new int[] {1}, true), MEAN_MIN); // (B, 1, C)
                    return new NDList(x.div(scale), scale.zerosLike(), scale);
                }
            default:
                {
                    NDArray ones =
                            x.getManager()
                                    .ones(
                                            new ai.djl.ndarray.types.Shape(
                                                    x.getShape().get(0), 1, x.getShape().get(2)),
                                            x.getDataType(),
                                            x.getDevice()); // (B, 1, C)
                    return new NDList(x, ones.zerosLike(), ones);
                }
        }
    }
}
