package ai.mlpzoo.blocks.metaformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.mlpzoo.blocks.common.InputContract;
import ai.mlpzoo.blocks.common.NamedParameters;
import org.junit.jupiter.api.Test;

/** The MetaFormer model API: shapes at any size, intermediates, classifier reset, input checks. */
class MetaFormerTest {

    static MetaFormer tiny() {
        return MetaFormer.builder()
                .setStages(new int[] {1, 1, 2, 1}, new int[] {8, 12, 16, 24})
                .optImageSize(32)
                .optInChannels(2)
                .optNumClasses(5)
                .optNormLayer(NormType.GROUP_NORM1)
                .optDownsampleNorm(null)
                .optMlpAct(ConvMlp.Act.GELU)
                .optMlpBias(true)
                .optLayerScaleInitValues(1e-5)
                .optResScaleInitValues((Double[]) null)
                .build();
    }

    @Test
    void anyImageSizeGivesLogitsAndPreLogits() {
        MetaFormer model = tiny();
        try (NDManager m = NDManager.newBaseManager()) {
            model.initialize(m, DataType.FLOAT32, model.getInputShape());
            ParameterStore ps = new ParameterStore(m, false);
            for (int size : new int[] {32, 3, 45}) {
                NDArray x = m.randomNormal(new Shape(3, 2, size, size));
                model.checkInput(x);
                NDList out = model.forward(ps, new NDList(x), false);
                assertEquals(new Shape(3, 5), out.get(0).getShape(), "size " + size);
                assertEquals(new Shape(3, 24), out.get(1).getShape());
                assertEquals("output", out.get(0).getName());
                assertEquals("pre_logits", out.get(1).getName());
            }
            NDList stages =
                    model.forwardIntermediates(ps, m.randomNormal(new Shape(1, 2, 32, 32)), false);
            // stem stride 4, then 2 per downsampling stage: 8, 4, 2, 1
            assertEquals(new Shape(1, 8, 8, 8), stages.get(0).getShape());
            assertEquals(new Shape(1, 12, 4, 4), stages.get(1).getShape());
            assertEquals(new Shape(1, 16, 2, 2), stages.get(2).getShape());
            assertEquals(new Shape(1, 24, 1, 1), stages.get(3).getShape());
            assertEquals("stages.3", stages.get(3).getName());
        }
    }

    @Test
    void resetClassifierReplacesHeadFc() {
        MetaFormer model = tiny();
        try (NDManager m = NDManager.newBaseManager()) {
            model.initialize(m, DataType.FLOAT32, model.getInputShape());
            long before = NamedParameters.count(model);
            model.resetClassifier(7, m);
            assertEquals(7, model.getNumClasses());
            assertEquals(before + 2 * 24 + 2, NamedParameters.count(model));
            assertEquals(
                    new Shape(7, 24), NamedParameters.of(model).get("head.fc.weight").getShape());
            NDList out =
                    model.forward(
                            new ParameterStore(m, false),
                            new NDList(m.randomNormal(new Shape(1, 2, 32, 32))),
                            false);
            assertEquals(new Shape(1, 7), out.get(0).getShape());
        }
    }

    @Test
    void wrongImagesAreNamed() {
        MetaFormer model = tiny();
        try (NDManager m = NDManager.newBaseManager()) {
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () ->
                                    InputContract.check(
                                            model, m.zeros(new Shape(1, 3, 32, 32)), "input"));
            assertTrue(
                    e.getMessage().contains("must have shape (batch, 2, *, *), got (1, 3, 32, 32)"),
                    e.getMessage());
            e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () ->
                                    InputContract.check(
                                            model, m.zeros(new Shape(1, 2, 2, 32)), "input"));
            assertTrue(
                    e.getMessage().contains("at least 3x3 pixels")
                            && e.getMessage().contains("(1, 2, 2, 32)"),
                    e.getMessage());
            NDArray nan = m.zeros(new Shape(1, 2, 8, 8));
            nan.set(new ai.djl.ndarray.index.NDIndex("0, 0, 0, 0"), Float.NaN);
            e = assertThrows(IllegalArgumentException.class, () -> model.checkInput(nan));
            assertTrue(e.getMessage().contains("NaN"), e.getMessage());
        }
    }

    @Test
    void blockWithoutScalesIsPoolMinusInputPlusMlp() {
        // with no layer or res scale, a zeroed MLP and an identity-free norm check: the token
        // mixer of a constant map is zero (the pooled map equals its input), so x passes unchanged
        MetaFormerBlock block =
                new MetaFormerBlock(
                        4, 3, NormType.GROUP_NORM1, ConvMlp.Act.GELU, true, null, null, 0f, 0f);
        try (NDManager m = NDManager.newBaseManager()) {
            block.initialize(m, DataType.FLOAT32, new Shape(1, 4, 5, 5));
            for (var p : NamedParameters.of(block).entrySet()) {
                if (p.getKey().startsWith("mlp.fc2")) {
                    p.getValue().getArray().muli(0);
                }
            }
            NDArray x = m.ones(new Shape(1, 4, 5, 5)).mul(2f);
            NDArray y = block.forward(new ParameterStore(m, false), new NDList(x), false).head();
            assertTrue(y.sub(x).abs().max().getFloat() < 1e-6f);
        }
    }
}
