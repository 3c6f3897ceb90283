package ai.mlpzoo.blocks.kat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import ai.mlpzoo.blocks.common.ChannelLayerNorm;
import ai.mlpzoo.blocks.common.Checks;
import ai.mlpzoo.blocks.common.InputContract;
import ai.mlpzoo.blocks.common.StepLocal;
import ai.mlpzoo.blocks.kan.RationalInit;
import ai.mlpzoo.blocks.mixer.PatchEmbed;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The Kolmogorov-Arnold Transformer (Yang and Wang 2024, "Kolmogorov-Arnold Transformer",
 * arXiv:2409.10594) as the reference's {@code KATVisionTransformer} with timm's ViT defaults that
 * KAT keeps: patch embedding (Conv2d, kernel = stride = patch) → prepend {@code cls_token} → add
 * the learnt {@code pos_embed} (class token included) → {@link KatBlock}s → {@code norm} (LayerNorm
 * eps 1e-6) → token 0 = {@code pre_logits} → {@code head}. Class-token pooling ({@code global_pool
 * 'token'}), the registered KAT models' setting.
 *
 * <p>Parameters and children in file order: {@code cls_token} (1, 1, D), {@code pos_embed} (1, 1 +
 * N, D), {@code patch_embed}, {@code blocks.0 …}, {@code norm}, {@code head}.
 *
 * <p>Input (batch, in_chans, img, img); outputs {@code output} (batch, classes) and {@code
 * pre_logits} (batch, D).
 */
public class KatVisionTransformer extends AbstractBlock implements InputContract {

    private static final byte VERSION = 1;

    private final int imgSize;
    private final int inChans;
    private final int dim;
    private final int numClasses;
    private final int tokens;
    private final Parameter clsToken;
    private final Parameter posEmbed;
    private final PatchEmbed patchEmbed;
    private final List<KatBlock> blocks = new ArrayList<>();
    private final ChannelLayerNorm norm;
    private final Linear head;

    /**
     * Creates the model.
     *
     * @param imgSize the image edge
     * @param patchSize the patch edge, dividing {@code imgSize}
     * @param inChans the image channels
     * @param numClasses the classes
     * @param embedDim the width D, divisible by 8 (the GR-KAN's groups) and by {@code numHeads}
     * @param depth the number of blocks
     * @param numHeads the attention heads
     * @param mlpRatio the GR-KAN's hidden width over D
     * @param actInit the GR-KANs' second rational's initial function
     * @throws IllegalArgumentException naming the field of an impossible size
     */
    public KatVisionTransformer(
            int imgSize,
            int patchSize,
            int inChans,
            int numClasses,
            int embedDim,
            int depth,
            int numHeads,
            double mlpRatio,
            RationalInit actInit) {
        super(VERSION);
        this.imgSize = Checks.positive(imgSize, "img_size");
        this.inChans = Checks.positive(inChans, "in_chans");
        this.dim = Checks.positive(embedDim, "embed_dim");
        this.numClasses = Checks.positive(numClasses, "num_classes");
        Checks.positive(depth, "depth");
        Checks.positive(numHeads, "num_heads");
        Checks.divides(Checks.positive(patchSize, "patch_size"), "patch_size", imgSize, "img_size");
        Checks.divides(numHeads, "num_heads", embedDim, "embed_dim");
        Checks.divides(8, "the GR-KAN's groups", embedDim, "embed_dim");
        int hidden = (int) (embedDim * Checks.positive(mlpRatio, "mlp_ratio"));
        Checks.divides(8, "the GR-KAN's groups", hidden, "embed_dim * mlp_ratio");
        int side = imgSize / patchSize;
        this.tokens = side * side;
        clsToken = addParameter(token("cls_token", new Shape(1, 1, embedDim)));
        posEmbed = addParameter(token("pos_embed", new Shape(1, 1 + tokens, embedDim)));
        patchEmbed = addChildBlock("patch_embed", new PatchEmbed(patchSize, embedDim));
        for (int i = 0; i < depth; i++) {
            blocks.add(
                    addChildBlock(
                            "blocks." + i,
                            new KatBlock(embedDim, numHeads, hidden, actInit, 1e-6)));
        }
        norm = addChildBlock("norm", new ChannelLayerNorm(1, 1e-6));
        head = addChildBlock("head", Linear.builder().setUnits(numClasses).build());
    }

    /** timm's ViT draws cls_token with std 1e-6 and pos_embed with std 0.02. */
    private static Parameter token(String name, Shape shape) {
        return Parameter.builder()
                .setName(name)
                .setType(Parameter.Type.WEIGHT)
                .optShape(shape)
                .optInitializer(new NormalInitializer(name.equals("cls_token") ? 1e-6f : 0.02f))
                .build();
    }

    /**
     * @return the blocks, in order
     */
    public List<KatBlock> blocks() {
        return Collections.unmodifiableList(blocks);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray images = inputs.head(); // (B, C, H, W)
        long b = images.getShape().get(0);
        NDArray x = patchEmbed.forward(ps, new NDList(images), training).head(); // (B, N, D)
        NDArray cls = ps.getValue(clsToken, images.getDevice(), training); // (1, 1, D)
        NDArray pos = ps.getValue(posEmbed, images.getDevice(), training); // (1, 1 + N, D)
        // the class token's broadcast is this step's, not the model manager's (StepLocal)
        NDArray clsRows = StepLocal.view(cls, x, t -> t.broadcast(b, 1, dim)); // (B, 1, D)
        x = NDArrays.concat(new NDList(clsRows, x), 1).add(pos); // (B, 1+N, D)
        for (KatBlock block : blocks) {
            x = block.forward(ps, new NDList(x), training).head(); // (B, 1 + N, D)
        }
        NDArray pooled = x.get(new NDIndex(":, 0")); // (B, D), the class token
        pooled = norm.forward(ps, new NDList(pooled), training).head(); // (B, D)
        NDArray logits = head.forward(ps, new NDList(pooled), training).head(); // (B, classes)
        logits.setName("output");
        pooled.setName("pre_logits");
        return new NDList(logits, pooled);
    }

    /**
     * Checks a batch of images: (batch, in_chans, img, img), finite.
     *
     * @param images the input
     * @throws IllegalArgumentException naming the shape the model takes
     */
    @Override
    public void checkInput(NDArray images) {
        Checks.requireShape(images, "KAT input", -1, inChans, imgSize, imgSize);
        Checks.requireFinite(images, "KAT input");
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long b = inputShapes[0].get(0);
        return new Shape[] {new Shape(b, numClasses), new Shape(b, dim)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        long b = inputs[0].get(0);
        patchEmbed.initialize(manager, dataType, inputs[0]);
        Shape seq = new Shape(b, 1 + tokens, dim);
        for (KatBlock block : blocks) {
            block.initialize(manager, dataType, seq);
        }
        norm.initialize(manager, dataType, new Shape(b, dim));
        head.initialize(manager, dataType, new Shape(b, dim));
    }
}
