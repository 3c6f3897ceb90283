package ai.mlpzoo.loading.vision2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.training.ParameterStore;
import ai.mlpzoo.Fixtures;
import ai.mlpzoo.blocks.common.NamedParameters;
import ai.mlpzoo.blocks.repmlp.RepMlpNet;
import ai.mlpzoo.config.ConfigException;
import ai.mlpzoo.config.Configs;
import ai.mlpzoo.config.RepMlpConfig;
import ai.mlpzoo.io.SafeTensors;
import ai.mlpzoo.loading.CheckpointException;
import ai.mlpzoo.loading.Importers;
import ai.mlpzoo.loading.RepMlpReparam;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RepMLPNet against the reference ({@code DingXiaoH/RepMLP repmlpnet.py}): the imported training
 * structure reproduces {@code output} and {@code pre_logits}; its re-parameterisation reproduces
 * the reference's fused {@code fc3} tensors and {@code output_deploy}, by the Java API and on model
 * directories; a deploy-structure checkpoint imports too; bad checkpoints are refused naming the
 * tensor or field.
 */
class RepMlpImportTest {

    @TempDir Path tmp;

    static Path fixture(String name) {
        return Fixtures.reference().resolve("vision2").resolve(name);
    }

    private static NDList run(Path modelDir, NDArray input) throws Exception {
        Criteria<NDList, NDList> criteria =
                Criteria.builder()
                        .setTypes(NDList.class, NDList.class)
                        .optModelPath(modelDir)
                        .build();
        try (ZooModel<NDList, NDList> model = criteria.loadModel();
                Predictor<NDList, NDList> predictor = model.newPredictor()) {
            NDList out = predictor.predict(new NDList(input));
            NDList kept = new NDList();
            for (NDArray a : out) {
                NDArray c = input.getManager().create(a.toFloatArray(), a.getShape());
                kept.add(c);
            }
            return kept;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"repmlp_tiny", "repmlp_part_tiny"})
    void trainingAndDeployModelsMatchTheReference(String name) throws Exception {
        Path trained = tmp.resolve(name);
        RepMlpConfig config =
                (RepMlpConfig) Importers.get("repmlp").importCheckpoint(fixture(name), trained);
        assertTrue(!config.deploy && config.toString().contains("classes=10"), config.toString());
        Path deployed = tmp.resolve(name + "_deploy");
        RepMlpConfig deployConfig = RepMlpReparam.reparameterize(trained, deployed);
        assertTrue(deployConfig.deploy);
        assertTrue(
                ((RepMlpConfig) ai.mlpzoo.zoo.ModelDirs.readArchitecture(deployed)).deploy,
                "architecture.json says deploy");
        try (NDManager manager = NDManager.newBaseManager()) {
            NDList io = SafeTensors.read(manager, fixture(name + ".io.safetensors"));
            NDArray input = Fixtures.get(io, "input");
            NDList train = run(trained, input);
            NDList deploy = run(deployed, input);
            float outDiff = Fixtures.maxAbsDiff(train.get(0), Fixtures.get(io, "output"));
            float featDiff = Fixtures.maxAbsDiff(train.get(1), Fixtures.get(io, "pre_logits"));
            float depDiff = Fixtures.maxAbsDiff(deploy.get(0), Fixtures.get(io, "output_deploy"));
            float sameDiff = Fixtures.maxAbsDiff(deploy.get(0), train.get(0));
            System.out.printf(
                    "%s parity: output %.3g, pre_logits %.3g, output_deploy %.3g,"
                            + " deploy vs training %.3g%n",
                    name, outDiff, featDiff, depDiff, sameDiff);
            assertTrue(outDiff < 1e-4, "output differs by " + outDiff);
            assertTrue(featDiff < 1e-4, "pre_logits differs by " + featDiff);
            assertTrue(depDiff < 1e-4, "output_deploy differs by " + depDiff);
            assertTrue(sameDiff < 1e-4, "deploy and training differ by " + sameDiff);
            if (io.contains("output_per_partition")) {
                // the reference scrambles partitions here: keeping them in place is another model
                float other =
                        Fixtures.maxAbsDiff(train.get(0), Fixtures.get(io, "output_per_partition"));
                assertTrue(other > 1e-2, "the per-partition reading differs, by " + other);
            }
        }
    }

    /** The Java API's fused fc3 of every block equals the reference's {@code deploy.*} tensors. */
    @ParameterizedTest
    @ValueSource(strings = {"repmlp_tiny", "repmlp_part_tiny"})
    void fusedFc3EqualsTheReferences(String name) throws Exception {
        RepMlpConfig config =
                ai.mlpzoo.loading.RepMlpImporter.readConfig(fixture(name).resolve("config.json"));
        try (NDManager manager = NDManager.newBaseManager()) {
            RepMlpNet model = config.toBlock();
            model.initialize(manager, DataType.FLOAT32, config.inputShape());
            NDList sd = new NDList();
            SafeTensors.read(manager, fixture(name).resolve("model.safetensors")).stream()
                    .filter(t -> !t.getName().endsWith("num_batches_tracked"))
                    .forEach(sd::add);
            ai.mlpzoo.loading.StateDicts.load(NamedParameters.of(model), sd, name);
            RepMlpNet deployed = model.reparameterize(manager);
            Map<String, Parameter> p = NamedParameters.of(deployed);
            NDList io = SafeTensors.read(manager, fixture(name + ".io.safetensors"));
            int checked = 0;
            for (NDArray t : io) {
                if (t.getName().startsWith("deploy.")) {
                    String key = t.getName().substring("deploy.".length());
                    NDArray mine = p.get(key).getArray();
                    assertEquals(t.getShape(), mine.getShape(), key);
                    float d = Fixtures.maxAbsDiff(mine, t);
                    assertTrue(d < 1e-5, key + " differs by " + d);
                    checked++;
                }
            }
            assertEquals(2 * deployed.getStages().size(), checked);
            ParameterStore ps = new ParameterStore(manager, false);
            NDArray out = deployed.forward(ps, new NDList(Fixtures.get(io, "input")), false).get(0);
            float d = Fixtures.maxAbsDiff(out, Fixtures.get(io, "output_deploy"));
            assertTrue(d < 1e-4, "output_deploy differs by " + d);
        }
    }

    /**
     * A deploy-structure checkpoint ({@code "deploy": true}, the state dict of the reference after
     * {@code locality_injection()}: fc3 with bias, no fc3_bn or repconv) imports and reproduces
     * {@code output_deploy}. It is assembled from the fixture's state dict and {@code deploy.*}.
     */
    @Test
    void deployCheckpointImports() throws Exception {
        String name = "repmlp_part_tiny";
        Path ckpt = tmp.resolve("deploy_ckpt");
        Files.createDirectories(ckpt);
        ObjectNode cfg =
                (ObjectNode) Configs.MAPPER.readTree(fixture(name).resolve("config.json").toFile());
        cfg.put("deploy", true);
        Files.writeString(ckpt.resolve("config.json"), Configs.MAPPER.writeValueAsString(cfg));
        try (NDManager manager = NDManager.newBaseManager()) {
            NDList io = SafeTensors.read(manager, fixture(name + ".io.safetensors"));
            NDList sd = new NDList();
            for (NDArray t :
                    SafeTensors.read(manager, fixture(name).resolve("model.safetensors"))) {
                String k = t.getName();
                if (!k.contains(".fc3") && !k.contains(".repconv")) {
                    sd.add(t);
                }
            }
            for (NDArray t : io) {
                if (t.getName().startsWith("deploy.")) {
                    NDArray c = t.duplicate();
                    c.setName(t.getName().substring("deploy.".length()));
                    sd.add(c);
                }
            }
            SafeTensors.write(sd, ckpt.resolve("model.safetensors"));
            Path out = tmp.resolve("deploy_model");
            RepMlpConfig config =
                    (RepMlpConfig) Importers.get("repmlp").importCheckpoint(ckpt, out);
            assertTrue(config.deploy);
            NDList result = run(out, Fixtures.get(io, "input"));
            float d = Fixtures.maxAbsDiff(result.get(0), Fixtures.get(io, "output_deploy"));
            assertTrue(d < 1e-4, "output_deploy differs by " + d);
            ConfigException again =
                    assertThrows(
                            ConfigException.class,
                            () -> RepMlpReparam.reparameterize(out, tmp.resolve("twice")));
            assertTrue(again.getMessage().contains("already re-parameterised"), again.getMessage());
        }
    }

    private Path copy(String name) throws IOException {
        Path dst = tmp.resolve("ckpt_" + name);
        Files.createDirectories(dst);
        try (Stream<Path> files = Files.list(fixture(name))) {
            for (Path f : files.toList()) {
                Files.copy(f, dst.resolve(f.getFileName()));
            }
        }
        return dst;
    }

    @Test
    void missingOrMisshapedTensorIsRefusedNamingTheKey() throws IOException {
        Path ckpt = copy("repmlp_tiny");
        Path weights = ckpt.resolve("model.safetensors");
        String dropped = "stages.1.0.repmlp_block.repconv3.bn.running_var";
        String bent = "stages.0.0.repmlp_block.fc3.weight";
        try (NDManager m = NDManager.newBaseManager()) {
            NDList tensors = SafeTensors.read(m, weights);
            NDList fewer = new NDList();
            tensors.stream().filter(t -> !t.getName().equals(dropped)).forEach(fewer::add);
            Files.delete(weights);
            SafeTensors.write(fewer, weights);
            CheckpointException e =
                    assertThrows(
                            CheckpointException.class,
                            () ->
                                    Importers.get("repmlp")
                                            .importCheckpoint(ckpt, tmp.resolve("o1")));
            assertTrue(e.getMessage().contains(dropped), e.getMessage());
            NDList reshaped = new NDList();
            for (NDArray t : tensors) {
                NDArray u = t.getName().equals(bent) ? t.reshape(64, 64, 1, 1) : t;
                u.setName(t.getName());
                reshaped.add(u);
            }
            Files.delete(weights);
            SafeTensors.write(reshaped, weights);
        }
        CheckpointException e =
                assertThrows(
                        CheckpointException.class,
                        () -> Importers.get("repmlp").importCheckpoint(ckpt, tmp.resolve("o2")));
        assertTrue(e.getMessage().contains(bent), e.getMessage());
    }

    @Test
    void impossibleConfigIsRefusedNamingTheField() throws IOException {
        Path ckpt = copy("repmlp_part_tiny");
        ObjectNode cfg = (ObjectNode) Configs.MAPPER.readTree(ckpt.resolve("config.json").toFile());
        cfg.putArray("hs").add(3).add(2);
        Files.writeString(ckpt.resolve("config.json"), Configs.MAPPER.writeValueAsString(cfg));
        ConfigException e =
                assertThrows(
                        ConfigException.class,
                        () -> Importers.get("repmlp").importCheckpoint(ckpt, tmp.resolve("o")));
        assertTrue(
                e.getMessage().contains("config.json") && e.getMessage().contains("'hs'"),
                e.getMessage());
        cfg.putArray("hs").add(4).add(2);
        cfg.put("family", "ms-mlp");
        Files.writeString(ckpt.resolve("config.json"), Configs.MAPPER.writeValueAsString(cfg));
        e =
                assertThrows(
                        ConfigException.class,
                        () -> Importers.get("repmlp").importCheckpoint(ckpt, tmp.resolve("o")));
        assertTrue(e.getMessage().contains("--format ms-mlp"), e.getMessage());
    }
}
