package ai.mlpzoo.nlp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.mlpzoo.blocks.bert.BertEncoder;
import ai.mlpzoo.capture.Capture;
import ai.mlpzoo.capture.HookPoints;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The transformer's hook points through the capture API of the vision models. */
class MiniLmHooksTest {

    private static NDManager manager;
    private static BertEncoder encoder;
    private static SentenceTokenizer tokenizer;

    @BeforeAll
    static void load() throws Exception {
        manager = NDManager.newBaseManager("PyTorch");
        encoder = MiniLm.load(manager);
        tokenizer = SentenceTokenizer.miniLm();
    }

    @AfterAll
    static void close() {
        tokenizer.close();
        manager.close();
    }

    private static NDList inputs(NDManager m) {
        return tokenizer
                .encode(List.of("Hook points let us read the residual stream.", "A short one."))
                .toNDList(m);
    }

    @Test
    void everyLayerHasItsHookPoints() {
        List<String> names = HookPoints.names(encoder);
        for (int i = 0; i < 6; i++) {
            for (String point : new String[] {"hook_resid_pre", "mlp", "hook_resid_post"}) {
                assertTrue(names.contains("blocks." + i + "." + point), names.toString());
            }
            assertTrue(names.contains("blocks." + i + ".attention.hook_z"), names.toString());
        }
    }

    @Test
    void capturedValuesHaveTheirShapesAndTheResidualStreamIsContinuous() {
        try (NDManager m = manager.newSubManager()) {
            NDList in = inputs(m);
            Shape bt = in.get(0).getShape(); // (2, T)
            List<Capture> pre = new ArrayList<>();
            List<Capture> post = new ArrayList<>();
            List<Capture> mlp = new ArrayList<>();
            List<Capture> z = new ArrayList<>();
            try {
                for (int i = 0; i < 6; i++) {
                    pre.add(Capture.install(encoder, "blocks." + i + ".hook_resid_pre"));
                    post.add(Capture.install(encoder, "blocks." + i + ".hook_resid_post"));
                    mlp.add(Capture.install(encoder, "blocks." + i + ".mlp"));
                    z.add(Capture.install(encoder, "blocks." + i + ".attention.hook_z"));
                }
                NDList out = encoder.forward(new ParameterStore(m, false), in, false);
                Shape resid = new Shape(bt.get(0), bt.get(1), 384);
                for (int i = 0; i < 6; i++) {
                    assertEquals(resid, pre.get(i).output().getShape());
                    assertEquals(resid, post.get(i).output().getShape());
                    assertEquals(resid, mlp.get(i).input().getShape());
                    assertEquals(resid, mlp.get(i).output().getShape());
                    assertEquals(
                            new Shape(bt.get(0), bt.get(1), 12, 32), z.get(i).output().getShape());
                    if (i < 5) {
                        assertArrayEquals(
                                post.get(i).output().toFloatArray(),
                                pre.get(i + 1).output().toFloatArray(),
                                0f,
                                "resid_post of layer " + i + " is resid_pre of layer " + (i + 1));
                    }
                    // the MLP's output differs from its input: the capture saw both sides
                    assertNotEquals(
                            mlp.get(i).input().sub(mlp.get(i).output()).abs().max().getFloat(), 0f);
                }
                // the last residual stream is the encoder's last hidden state
                assertArrayEquals(
                        out.get(1).toFloatArray(), post.get(5).output().toFloatArray(), 0f);
            } finally {
                for (List<Capture> cs : List.of(pre, post, mlp, z)) {
                    cs.forEach(Capture::close);
                }
            }
        }
    }

    @Test
    void zeroingHookZOfALayerChangesTheEmbedding() {
        try (NDManager m = manager.newSubManager()) {
            NDList in = inputs(m);
            NDArray before = encoder.forward(new ParameterStore(m, false), in, false).get(0);
            NDArray after;
            try (Capture c =
                    Capture.splice(encoder, "blocks.2.attention.hook_z", (x, y) -> y.zerosLike())) {
                after = encoder.forward(new ParameterStore(m, false), in, false).get(0);
            }
            NDArray again = encoder.forward(new ParameterStore(m, false), in, false).get(0);
            assertTrue(before.sub(after).abs().max().getFloat() > 1e-3f);
            assertArrayEquals(before.toFloatArray(), again.toFloatArray(), 0f); // detached
        }
    }

    @Test
    void anUnknownHookNameListsTheHookPoints() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> Capture.install(encoder, "blocks.9.hook_resid_pre"));
        assertTrue(
                e.getMessage().contains("no hook point 'blocks.9.hook_resid_pre'"), e.getMessage());
        assertTrue(e.getMessage().contains("blocks.5.attention.hook_z"), e.getMessage());
        assertTrue(e.getMessage().contains("blocks.0.hook_resid_post"), e.getMessage());
    }
}
