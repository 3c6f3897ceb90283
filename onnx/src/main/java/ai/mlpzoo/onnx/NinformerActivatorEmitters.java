package ai.mlpzoo.onnx;

import static ai.mlpzoo.onnx.OnnxGraph.attr;
import static ai.mlpzoo.onnx.OnnxGraph.attrs;

import ai.djl.nn.Block;
import ai.mlpzoo.blocks.activator.Activator;
import ai.mlpzoo.blocks.activator.ActivatorBlock;
import ai.mlpzoo.blocks.activator.ActivatorGatingUnit;
import ai.mlpzoo.blocks.ninformer.MixerGatingUnit;
import ai.mlpzoo.blocks.ninformer.NiNformer;
import ai.mlpzoo.blocks.ninformer.NinBlock;
import java.util.List;
import onnx.Onnx.AttributeProto;

/**
 * ONNX emitters of NiNformer (Abdullah and Aydin 2024, arXiv:2403.02411) and Activator (Abdullah
 * and Aydin 2024, arXiv:2405.15953): the two classifiers (patch stem, blocks, mean over tokens =
 * {@code pre_logits}, classifier), their blocks and gating units. The stem, the inner Mixer block,
 * the MLPs and the LayerNorms use the Mixer family's emitters already registered. Outputs {@code
 * output} and {@code pre_logits}.
 */
final class NinformerActivatorEmitters {

    private NinformerActivatorEmitters() {}

    /** Registers the emitters: the one call {@link Emitters} makes for these families. */
    static void register() {
        Emitters.register(NiNformer.class, (c, b, p, x) -> classifier(c, b, p, x, b.blocks()));
        Emitters.register(NinBlock.class, (c, b, p, x) -> block(c, b, p, x, "mgu"));
        Emitters.register(MixerGatingUnit.class, NinformerActivatorEmitters::mixerGatingUnit);
        Emitters.register(Activator.class, (c, b, p, x) -> classifier(c, b, p, x, b.blocks()));
        Emitters.register(ActivatorBlock.class, (c, b, p, x) -> block(c, b, p, x, "actgu"));
        Emitters.register(
                ActivatorGatingUnit.class, NinformerActivatorEmitters::activatorGatingUnit);
        Emitters.registerOutputs(NiNformer.class, List.of("output", "pre_logits"));
        Emitters.registerOutputs(Activator.class, List.of("output", "pre_logits"));
    }

    /** patcher → model.i → mean over tokens → classifier. */
    private static List<String> classifier(
            ExportContext c, Block b, String path, String x, List<?> blocks) {
        String h = c.child(b, path, "patcher", x); // (B, N, D)
        for (int i = 0; i < blocks.size(); i++) {
            h = c.child(b, path, "model." + i, h); // (B, N, D)
        }
        String pooled =
                c.op(path, "pool", "ReduceMean", a(attrs("axes", 1), attr("keepdims", 0L)), h);
        String logits = c.child(b, path, "classifier", pooled); // (B, classes)
        return List.of(logits, pooled);
    }

    /** x + unit(norm(x)), then x + ffn(norm(x)), the one norm emitted at both places. */
    private static List<String> block(
            ExportContext c, Block b, String path, String x, String unit) {
        String u = c.child(b, path, "norm", x); // (B, N, D)
        String h = c.op(path, "residual1", "Add", x, c.child(b, path, unit, u));
        String v = c.child(b, path, "norm", h); // the same weights
        return List.of(c.op(path, "residual2", "Add", h, c.child(b, path, "ffn", v)));
    }

    /** proj(u) · Mixer(u). */
    private static List<String> mixerGatingUnit(
            ExportContext c, MixerGatingUnit b, String path, String x) {
        String gate = c.child(b, path, "Mixer", x); // (B, N, D)
        String value = c.child(b, path, "proj", x); // (B, N, D)
        return List.of(c.op(path, "gate.mul", "Mul", value, gate));
    }

    /** proj_3(norm(GELU(proj_1(u))) · norm(proj_2(u))). */
    private static List<String> activatorGatingUnit(
            ExportContext c, ActivatorGatingUnit b, String path, String x) {
        String a = c.gelu(ExportContext.join(path, "gelu"), c.child(b, path, "proj_1", x));
        a = c.child(b, path, "norm", a); // (B, N, F)
        String g = c.child(b, path, "norm", c.child(b, path, "proj_2", x)); // (B, N, F)
        return List.of(c.child(b, path, "proj_3", c.op(path, "gate.mul", "Mul", a, g)));
    }

    private static AttributeProto[] a(AttributeProto... attrs) {
        return attrs;
    }
}
