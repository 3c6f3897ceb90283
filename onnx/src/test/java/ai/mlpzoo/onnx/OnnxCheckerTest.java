package ai.mlpzoo.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.mlpzoo.blocks.kan.KAN;
import ai.mlpzoo.blocks.kan.KanOptions;
import ai.mlpzoo.blocks.sae.SaeDims;
import ai.mlpzoo.blocks.sae.TopKSae;
import ai.mlpzoo.config.ModelConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exported files pass the official ONNX checker (python3-onnx, when installed) and carry
 * readable names: initialisers under their state-dict keys, nodes under their block paths.
 */
class OnnxCheckerTest {

    @TempDir Path tmp;

    /** A python3 that can import onnx.checker, or null. */
    static String python() {
        for (String py : List.of("/usr/bin/python3", "python3")) {
            try {
                Process p =
                        new ProcessBuilder(py, "-c", "import onnx.checker")
                                .redirectErrorStream(true)
                                .start();
                if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return py;
                }
            } catch (IOException | InterruptedException e) {
                // try the next
            }
        }
        return null;
    }

    private Path export(Block block, Shape shape, String name) throws IOException {
        Path f = tmp.resolve(name + ".onnx");
        OnnxExporter.write(block, shape, f);
        return f;
    }

    private Path[] exportAll(NDManager m) throws Exception {
        ModelConfig mixer = OnnxParityTest.zooConfig("gmlp");
        Block gmlp = mixer.toBlock();
        gmlp.initialize(m, DataType.FLOAT32, mixer.inputShape());
        KAN kan = new KAN(new int[] {4, 6, 2}, KanOptions.defaults());
        kan.initialize(m, DataType.FLOAT32, new Shape(1, 4));
        TopKSae sae = new TopKSae(SaeDims.autoencoder(8, 32), 4);
        sae.initialize(m, DataType.FLOAT32, new Shape(1, 8));
        ModelConfig kanMixer = OnnxParityTest.kanMixer();
        Block kat = kanMixer.toBlock();
        kat.initialize(m, DataType.FLOAT32, kanMixer.inputShape());
        ai.mlpzoo.blocks.kan.FastKAN fast =
                new ai.mlpzoo.blocks.kan.FastKAN(
                        new int[] {4, 5, 2},
                        -2,
                        2,
                        8,
                        true,
                        true,
                        1e-5,
                        ai.mlpzoo.blocks.kan.BaseActivation.SILU,
                        0.1);
        fast.initialize(m, DataType.FLOAT32, new Shape(1, 4));
        ai.mlpzoo.blocks.kan.GroupRational rational =
                new ai.mlpzoo.blocks.kan.GroupRational(4, ai.mlpzoo.blocks.kan.RationalInit.GELU);
        rational.initialize(m, DataType.FLOAT32, new Shape(1, 1, 8));
        ai.mlpzoo.blocks.sae.GatedSae gated =
                new ai.mlpzoo.blocks.sae.GatedSae(SaeDims.autoencoder(8, 16));
        gated.initialize(m, DataType.FLOAT32, new Shape(1, 8));
        return new Path[] {
            export(gmlp, mixer.inputShape(), "gmlp"),
            export(kan, new Shape(1, 4), "kan"),
            export(sae, new Shape(1, 8), "topk"),
            export(kat, kanMixer.inputShape(), "kan_mixer"),
            export(fast, new Shape(1, 4), "fastkan"),
            export(rational, new Shape(1, 1, 8), "gr_kan"),
            export(gated, new Shape(1, 8), "gated_sae")
        };
    }

    @Test
    void namesAreReadable() throws Exception {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            Path gmlp = exportAll(m)[0];
            ModelProto model = ModelProto.parseFrom(Files.readAllBytes(gmlp));
            assertEquals(OnnxGraph.OPSET, model.getOpsetImport(0).getVersion());
            Set<String> inits =
                    model.getGraph().getInitializerList().stream()
                            .map(TensorProto::getName)
                            .collect(Collectors.toSet());
            assertTrue(
                    inits.contains("blocks.0.mlp_channels.gate.proj.weight"),
                    "state-dict names: " + inits);
            assertTrue(inits.contains("stem.proj.weight"));
            for (NodeProto n : model.getGraph().getNodeList()) {
                assertFalse(n.getName().isEmpty(), "every node is named: " + n.getOpType());
            }
            assertTrue(
                    model.getGraph().getNodeList().stream()
                            .anyMatch(n -> n.getName().equals("blocks.0.mlp_channels.fc1/MatMul")));
            assertEquals(
                    "batch",
                    model.getGraph()
                            .getInput(0)
                            .getType()
                            .getTensorType()
                            .getShape()
                            .getDim(0)
                            .getDimParam());
            assertEquals(
                    List.of("output", "pre_logits"),
                    model.getGraph().getOutputList().stream()
                            .map(o -> o.getName())
                            .collect(Collectors.toList()));
        }
    }

    @Test
    void officialCheckerAcceptsTheExports() throws Exception {
        String py = python();
        assumeTrue(py != null, "python3-onnx is not installed");
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            for (Path f : exportAll(m)) {
                Process p =
                        new ProcessBuilder(
                                        py,
                                        "-c",
                                        "import sys, onnx, onnx.checker\n"
                                                + "m = onnx.load(sys.argv[1])\n"
                                                + "onnx.checker.check_model(m, full_check=True)\n"
                                                + "print('checked', len(m.graph.node), 'nodes')",
                                        f.toString())
                                .directory(tmp.toFile())
                                .redirectErrorStream(true)
                                .start();
                assertTrue(p.waitFor(120, TimeUnit.SECONDS), "checker finished");
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                System.out.println(f.getFileName() + ": " + out.trim());
                assertEquals(0, p.exitValue(), f.getFileName() + ": " + out);
                assertTrue(out.contains("checked"), out);
            }
        }
    }
}
