package ai.mlpzoo.blocks.timeseries.patchtsmixer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import java.util.Locale;

/**
 * PatchTSMixer's positional encoding ({@code PatchTSMixerPositionalEncoding}): a (num_patches,
 * d_model) table added to every channel's patch embeddings. The table is a parameter whatever its
 * type, read from the checkpoint; the type only sets its initial value: {@code random} N(0, 1),
 * trained; {@code sincos} the sine/cosine table minus its mean, divided by 10 times its unbiased
 * std, frozen, as the reference initialises it.
 *
 * <p>Parameter {@code position_enc}. Shapes: (B, C, P, d_model) to the same.
 */
public class PositionalEncoding extends AbstractBlock {

    private static final byte VERSION = 1;

    private final String type;
    private final Parameter table;

    /**
     * Creates the encoding.
     *
     * @param numPatches the patches
     * @param dModel d_model
     * @param type "sincos" or "random"
     * @throws IllegalArgumentException naming {@code positional_encoding_type} when unknown
     */
    public PositionalEncoding(int numPatches, int dModel, String type) {
        super(VERSION);
        String t = type == null ? "" : type.toLowerCase(Locale.ROOT);
        if (!t.equals("sincos") && !t.equals("random")) {
            throw new IllegalArgumentException(
                    "field 'positional_encoding_type' must be \"sincos\" or \"random\", got "
                            + (type == null ? "null" : "\"" + type + "\""));
        }
        this.type = t;
        boolean sincos = t.equals("sincos");
        table =
                addParameter(
                        Parameter.builder()
                                .setName("position_enc")
                                .setType(Parameter.Type.WEIGHT)
                                .optShape(new Shape(numPatches, dModel))
                                .optRequiresGrad(!sincos)
                                .optInitializer(
                                        sincos
                                                ? PositionalEncoding::sincos
                                                : new NormalInitializer(1f))
                                .build());
    }

    /** The reference's sincos table, normalised as it does. */
    private static NDArray sincos(NDManager manager, Shape shape, DataType dataType) {
        int p = (int) shape.get(0);
        int d = (int) shape.get(1);
        double[] v = new double[p * d];
        for (int pos = 0; pos < p; pos++) {
            for (int i = 0; i < d; i += 2) {
                double div = Math.exp(i * -(Math.log(10000.0) / d));
                v[pos * d + i] = Math.sin(pos * div);
                if (i + 1 < d) {
                    v[pos * d + i + 1] = Math.cos(pos * div);
                }
            }
        }
        double mean = 0;
        for (double x : v) {
            mean += x / v.length;
        }
        double ss = 0;
        for (double x : v) {
            ss += (x - mean) * (x - mean);
        }
        double std = Math.sqrt(ss / Math.max(1, v.length - 1));
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) ((v[i] - mean) / (std * 10));
        }
        return manager.create(f, shape).toType(dataType, false);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.head(); // (B, C, P, D)
        NDArray pe = ps.getValue(table, x.getDevice(), training); // (P, D)
        return new NDList(x.add(pe)); // (B, C, P, D), broadcast
    }

    /**
     * @return "sincos" or "random"
     */
    public String getType() {
        return type;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
