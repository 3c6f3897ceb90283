package ai.mlpzoo.loading;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.mlpzoo.config.KatConfig;
import ai.mlpzoo.config.ModelConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * KAT's timm state dict to our names: the shared attention block has separate {@code query, key,
 * value} projections and an {@code output} one, where timm's {@code Attention} fuses the first
 * three into {@code qkv} (3D, D), whose rows are [q | k | v] (each then cut by head, as ours), and
 * calls the last {@code proj}. Every other key is the same.
 */
final class KatTimm {

    private static final String[] PARTS = {"query", "key", "value"};

    private KatTimm() {}

    static NDList adapt(ModelConfig config, NDList tensors, String source) {
        KatConfig kat = (KatConfig) config;
        long d = kat.embedDim;
        Map<String, NDArray> byName = new LinkedHashMap<>();
        for (NDArray t : tensors) {
            byName.put(t.getName(), t);
        }
        NDList out = new NDList();
        for (int i = 0; i < kat.depth; i++) {
            String prefix = "blocks." + i + ".attn.";
            for (String kind : new String[] {"weight", "bias"}) {
                String key = prefix + "qkv." + kind;
                NDArray qkv = byName.remove(key);
                long[] want = kind.equals("weight") ? new long[] {3 * d, d} : new long[] {3 * d};
                if (qkv == null) {
                    throw new CheckpointException(
                            source
                                    + ": missing tensor "
                                    + key
                                    + " "
                                    + new ai.djl.ndarray.types.Shape(want)
                                    + " that the architecture needs");
                }
                if (!qkv.getShape().equals(new ai.djl.ndarray.types.Shape(want))) {
                    throw new CheckpointException(
                            source
                                    + ": tensor '"
                                    + key
                                    + "' has shape "
                                    + qkv.getShape()
                                    + " but the architecture needs "
                                    + new ai.djl.ndarray.types.Shape(want));
                }
                for (int p = 0; p < 3; p++) {
                    // rows p*D .. (p+1)*D - 1: timm reads qkv's output as (3, heads, head_dim)
                    NDArray part = qkv.get(new NDIndex("{}:{}", p * d, (p + 1) * d));
                    part.setName(prefix + PARTS[p] + "." + kind);
                    out.add(part);
                }
            }
        }
        for (Map.Entry<String, NDArray> e : byName.entrySet()) {
            String name = e.getKey();
            if (name.matches("blocks\\.\\d+\\.attn\\.proj\\.(weight|bias)")) {
                name = name.replace(".attn.proj.", ".attn.output.");
            }
            e.getValue().setName(name);
            out.add(e.getValue());
        }
        return out;
    }
}
