package ai.mlpzoo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import ai.mlpzoo.analysis.studies.TextModel;
import ai.mlpzoo.capture.Capture;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The studies capture several hook points of MiniLM in one forward pass, one {@link Capture} per
 * point: each sees what it would see alone. Checked against the model's own values: layer i's
 * {@code hook_resid_post} is layer i + 1's {@code hook_resid_pre} (post-norm BERT), and the last
 * layer's is the last hidden state the block returns.
 */
class MultiCaptureTest {

    @Test
    void twelveCapturesInOnePassSeeTheModelsOwnValues() throws Exception {
        try (NDManager manager = NDManager.newBaseManager();
                MiniLmTextModel model = new MiniLmTextModel(manager);
                NDManager m = manager.newSubManager()) {
            List<Capture> post = new ArrayList<>();
            List<Capture> pre = new ArrayList<>();
            NDList out;
            try {
                for (int i = 0; i < 6; i++) {
                    post.add(Capture.install(model.block(), "blocks." + i + ".hook_resid_post"));
                    pre.add(Capture.install(model.block(), "blocks." + i + ".hook_resid_pre"));
                }
                TextModel.Tokens t =
                        model.tokenize(
                                List.of("One pass.", "Six layers at once, twelve points."), m);
                out = model.block().forward(new ParameterStore(m, false), t.inputs(), false);
                for (int i = 0; i < 5; i++) {
                    // (batch, tokens, 384) each
                    assertEquals(
                            0f,
                            post.get(i)
                                    .output()
                                    .sub(pre.get(i + 1).output())
                                    .abs()
                                    .max()
                                    .getFloat(),
                            "layer " + i);
                }
                // the last layer's residual stream is the last hidden state (batch, tokens, 384)
                assertEquals(
                        0f, post.get(5).output().sub(out.get(1)).abs().max().getFloat(), 1e-6f);
            } finally {
                post.forEach(Capture::close);
                pre.forEach(Capture::close);
            }
        }
    }
}
