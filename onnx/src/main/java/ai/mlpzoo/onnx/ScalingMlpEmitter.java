package ai.mlpzoo.onnx;

import ai.mlpzoo.blocks.scalingmlp.BottleneckBlock;
import ai.mlpzoo.blocks.scalingmlp.BottleneckMlp;
import java.util.List;

/**
 * ONNX emitters of Scaling MLPs' {@link BottleneckMlp} (Bachmann et al. 2023): {@code linear_in},
 * then per block {@code x + block(norm(x))}, then {@code linear_out}; outputs {@code output} and
 * {@code pre_logits}. The graph takes the flat (batch, dim_in) input the model was exported with.
 */
final class ScalingMlpEmitter {

    private ScalingMlpEmitter() {}

    /** Registers the emitters: the one call {@link Emitters} makes for this family. */
    static void register() {
        Emitters.register(BottleneckMlp.class, ScalingMlpEmitter::bottleneckMlp);
        Emitters.register(BottleneckBlock.class, ScalingMlpEmitter::bottleneckBlock);
        Emitters.registerOutputs(BottleneckMlp.class, List.of("output", "pre_logits"));
    }

    private static List<String> bottleneckMlp(
            ExportContext c, BottleneckMlp b, String path, String x) {
        String h = c.child(b, path, "linear_in", x); // (B, thin)
        for (int i = 0; i < b.blocks().size(); i++) {
            String u = b.norms().isEmpty() ? h : c.child(b, path, "layernorms." + i, h);
            String branch = c.child(b, path, "blocks." + i, u); // (B, thin)
            h = c.op(path, "residual." + i, "Add", h, branch);
        }
        String logits = c.child(b, path, "linear_out", h); // (B, dim_out)
        return List.of(logits, h);
    }

    private static List<String> bottleneckBlock(
            ExportContext c, BottleneckBlock b, String path, String x) {
        String h = c.child(b, path, "block.0", x); // (B, wide)
        h = c.gelu(ExportContext.join(path, "block.1"), h);
        return List.of(c.child(b, path, "block.2", h)); // (B, thin)
    }
}
