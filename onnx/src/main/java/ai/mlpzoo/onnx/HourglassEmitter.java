package ai.mlpzoo.onnx;

import static ai.mlpzoo.onnx.OnnxGraph.attrs;

import ai.mlpzoo.blocks.hourglass.ClassifierHead;
import ai.mlpzoo.blocks.hourglass.HourglassMlp;
import ai.mlpzoo.blocks.hourglass.RandomProjection;
import ai.mlpzoo.blocks.hourglass.ResidualMlpBlock;
import java.util.List;
import onnx.Onnx.AttributeProto;

/**
 * ONNX emitters of the Hourglass MLP (Chen et al. 2025, arXiv:2510.01796) and its conventional
 * counterpart, one {@link HourglassMlp} class for both: the input flattened to (batch, d_x), {@code
 * z_0 = x W_in^T} (the fixed projection is an initialiser like any weight), per block {@code z +
 * fc2(σ(fc1(norm(z))))}, then the head's norm and Linear; outputs {@code output} and {@code
 * pre_logits}.
 */
final class HourglassEmitter {

    private HourglassEmitter() {}

    /** Registers the emitters: the one call {@link Emitters} makes for this family. */
    static void register() {
        Emitters.register(HourglassMlp.class, HourglassEmitter::hourglassMlp);
        Emitters.register(RandomProjection.class, HourglassEmitter::projection);
        Emitters.register(ResidualMlpBlock.class, HourglassEmitter::residualBlock);
        Emitters.register(ClassifierHead.class, HourglassEmitter::head);
        Emitters.registerOutputs(HourglassMlp.class, List.of("output", "pre_logits"));
    }

    private static List<String> hourglassMlp(
            ExportContext c, HourglassMlp b, String path, String x) {
        String z = c.flatten(path, x, b.dx()); // (B, d_x), images flattened in C, H, W order
        if (b.inputProjection() != null) {
            z = c.child(b, path, "input_projection", z); // (B, d_z)
        }
        for (int i = 0; i < b.depth(); i++) {
            z = c.child(b, path, "blocks." + i, z); // (B, d_z)
        }
        String headPath = ExportContext.join(path, "head");
        return c.emit(c.requireChild(b, path, "head"), headPath, z); // (B, d_y), (B, d_z)
    }

    private static List<String> projection(
            ExportContext c, RandomProjection b, String path, String x) {
        String w = c.param(b, path, "weight"); // (d_z, d_x)
        String wt =
                c.op(path, "weight.T", "Transpose", new AttributeProto[] {attrs("perm", 1, 0)}, w);
        return List.of(c.op(path, "MatMul", "MatMul", x, wt)); // (B, d_z)
    }

    private static List<String> residualBlock(
            ExportContext c, ResidualMlpBlock b, String path, String z) {
        String u = b.hasNorm() ? c.child(b, path, "norm", z) : z; // (B, d_z)
        String h = c.child(b, path, "fc1", u); // (B, d_h)
        h =
                b.act() == ResidualMlpBlock.Act.GELU
                        ? c.gelu(ExportContext.join(path, "act"), h)
                        : c.op(path, "act", "Relu", h); // (B, d_h)
        String r = c.child(b, path, "fc2", h); // (B, d_z)
        return List.of(c.op(path, "residual", "Add", z, r)); // (B, d_z)
    }

    private static List<String> head(ExportContext c, ClassifierHead b, String path, String z) {
        String f = b.hasNorm() ? c.child(b, path, "norm", z) : z; // (B, d_z)
        String logits = c.child(b, path, "fc", f); // (B, d_y)
        return List.of(logits, f);
    }
}
