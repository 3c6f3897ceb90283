package ai.mlpzoo.loading;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Copies a PyTorch state dict (named arrays) onto the parameters of an initialised block. Every
 * expected tensor must be present with its exact shape, and no tensor may be left over: a
 * checkpoint for another architecture fails with the names it gets wrong. Every weight must be
 * finite: this is the one check on import of timm, KAN and SAE checkpoints.
 */
public final class StateDicts {

    private StateDicts() {}

    /**
     * Loads {@code tensors} into {@code params}.
     *
     * @param params the block's parameters by state-dict name (see NamedParameters)
     * @param tensors the checkpoint's arrays, named
     * @param source the checkpoint, for messages
     * @throws CheckpointException naming missing, unexpected or misshapen tensors
     */
    public static void load(Map<String, Parameter> params, NDList tensors, String source) {
        Map<String, NDArray> byName = new LinkedHashMap<>();
        for (NDArray t : tensors) {
            byName.put(t.getName(), t);
        }
        List<String> missing = new ArrayList<>();
        for (String name : params.keySet()) {
            if (!byName.containsKey(name)) {
                missing.add(name + " " + params.get(name).getShape());
            }
        }
        if (!missing.isEmpty()) {
            throw new CheckpointException(
                    source
                            + ": missing tensor(s) "
                            + summarise(missing)
                            + " that the architecture needs");
        }
        List<String> extra = new ArrayList<>();
        for (String name : byName.keySet()) {
            if (!params.containsKey(name)) {
                extra.add(name);
            }
        }
        if (!extra.isEmpty()) {
            throw new CheckpointException(
                    source
                            + ": unexpected tensor(s) "
                            + summarise(extra)
                            + " that the architecture lacks");
        }
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            NDArray src = byName.get(e.getKey());
            NDArray dst = e.getValue().getArray();
            if (!src.getShape().equals(dst.getShape())) {
                throw new CheckpointException(
                        source
                                + ": tensor '"
                                + e.getKey()
                                + "' has shape "
                                + src.getShape()
                                + " but the architecture needs "
                                + dst.getShape());
            }
            if (!src.getDataType().isFloating()) {
                throw new CheckpointException(
                        source
                                + ": tensor '"
                                + e.getKey()
                                + "' is "
                                + src.getDataType()
                                + ", not floating point");
            }
            try (NDArray converted = src.toType(DataType.FLOAT32, true)) {
                // A NaN or infinite weight makes every prediction NaN: refuse it here, naming the
                // tensor, rather than let the model import and answer NaN without a word.
                try (NDArray bad = converted.isNaN().logicalOr(converted.isInfinite()).any()) {
                    if (bad.getBoolean()) {
                        throw new CheckpointException(
                                source
                                        + ": tensor '"
                                        + e.getKey()
                                        + "' holds NaN or infinite values; the checkpoint is"
                                        + " corrupt or diverged");
                    }
                }
                converted.copyTo(dst);
            }
        }
    }

    private static String summarise(List<String> names) {
        int shown = Math.min(names.size(), 5);
        String list = String.join(", ", names.subList(0, shown));
        return names.size() > shown ? list + " and " + (names.size() - shown) + " more" : list;
    }
}
