package ai.mlpzoo.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Convolution;
import ai.djl.nn.core.Linear;
import ai.djl.training.initializer.Initializer;
import ai.mlpzoo.blocks.timeseries.timemixer.TokenEmbedding;

/**
 * PyTorch's default initialisation, for models whose reference trains from it (the forecasters:
 * torchtsmixer, Hugging Face's PatchTSMixer with {@code post_init} false, TimeMixer): a Linear or
 * convolution's weight and bias are drawn from U(-1/sqrt(fan_in), 1/sqrt(fan_in)) ({@code
 * reset_parameters}: kaiming_uniform with a = sqrt(5), and the bias bound from the weight's
 * fan-in). DJL's own default (Xavier) draws weights several times larger: a TimeMixer then starts
 * with outputs in the hundreds on z-scored data and spends its short one-cycle schedule unlearning
 * them. TimeMixer's token convolution is kaiming_normal (fan-in, leaky_relu) as its code sets it.
 */
public final class TorchInit {

    private TorchInit() {}

    /**
     * Sets the initialisers of every Linear and convolution in a block tree; call before the block
     * (or the trainer) initialises.
     *
     * @param root the model
     */
    public static void apply(Block root) {
        if (root instanceof TokenEmbedding t) {
            t.tokenConv()
                    .getParameters()
                    .get("weight")
                    .setInitializer(
                            (manager, shape, type) -> {
                                // kaiming_normal_(mode='fan_in', nonlinearity='leaky_relu'):
                                // gain sqrt(2 / (1 + 0.01^2)) over sqrt(fan_in)
                                double gain = Math.sqrt(2.0 / (1 + 0.01 * 0.01));
                                double std = gain / Math.sqrt(fanIn(shape));
                                return manager.randomNormal(0f, (float) std, shape, type);
                            });
            return;
        }
        if (root instanceof Linear || root instanceof Convolution) {
            Parameter weight = root.getParameters().get("weight");
            weight.setInitializer(uniform(null));
            if (root.getParameters().contains("bias")) {
                // DJL initialises a block's parameters in order: the weight exists by now
                root.getParameters().get("bias").setInitializer(uniform(weight));
            }
            return;
        }
        for (Block child : root.getChildren().values()) {
            apply(child);
        }
    }

    /** U(-b, b) with b = 1 / sqrt(fan_in), the fan-in from the shape or from the weight's. */
    private static Initializer uniform(Parameter weightOfBias) {
        return (manager, shape, type) -> {
            long fan;
            if (weightOfBias == null) {
                fan = fanIn(shape);
            } else {
                NDArray w = weightOfBias.getArray();
                fan = fanIn(w.getShape());
            }
            float bound = (float) (1.0 / Math.sqrt(Math.max(1, fan)));
            return manager.randomUniform(-bound, bound, shape, type);
        };
    }

    /** PyTorch's fan-in of a weight: dimension 1 times the receptive field. */
    private static long fanIn(Shape shape) {
        long fan = shape.dimension() > 1 ? shape.get(1) : shape.get(0);
        for (int i = 2; i < shape.dimension(); i++) {
            fan *= shape.get(i);
        }
        return fan;
    }
}
