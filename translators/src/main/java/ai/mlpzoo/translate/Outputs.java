package ai.mlpzoo.translate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.translate.TranslateException;
import java.util.ArrayList;
import java.util.List;

/** Picks a block output by name: mlp-zoo blocks name theirs (output, pre_logits, feature_acts). */
final class Outputs {

    private Outputs() {}

    /**
     * @param values an output, flattened
     * @param what its name
     * @return the values
     * @throws TranslateException when one is NaN or infinite
     */
    static float[] finite(float[] values, String what) throws TranslateException {
        try {
            Finite.requireFiniteOutput(values, what);
        } catch (IllegalStateException e) {
            throw new TranslateException(e.getMessage(), e);
        }
        return values;
    }

    /**
     * Finds the array named {@code name}; an unnamed single output also answers to {@code output},
     * so that blocks from elsewhere work too.
     *
     * @param list the block's outputs
     * @param name the wanted name
     * @return the array
     * @throws TranslateException naming the outputs there are
     */
    static NDArray named(NDList list, String name) throws TranslateException {
        List<String> names = new ArrayList<>();
        for (NDArray a : list) {
            if (name.equals(a.getName())) {
                return a;
            }
            names.add(a.getName() == null ? "(unnamed)" : a.getName());
        }
        if ("output".equals(name)
                && !list.isEmpty()
                && (list.get(0).getName() == null || list.get(0).getName().isEmpty())) {
            return list.get(0);
        }
        throw new TranslateException(
                "the model has no output named '"
                        + name
                        + "'; its outputs are "
                        + String.join(", ", names));
    }
}
