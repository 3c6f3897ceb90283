package ai.mlpzoo.loading;

import ai.djl.ModelException;
import ai.djl.ndarray.NDList;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.mlpzoo.blocks.repmlp.RepMlpNet;
import ai.mlpzoo.config.ConfigException;
import ai.mlpzoo.config.Configs;
import ai.mlpzoo.config.ModelConfig;
import ai.mlpzoo.config.RepMlpConfig;
import ai.mlpzoo.zoo.ModelDirs;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;

/**
 * RepMLPNet's structural re-parameterisation on model directories (what {@code mlpzoo reparam}
 * runs): reads a training-structure RepMLPNet directory, folds every RepMLP block's BatchNorm and
 * convolution branches into its FC ({@link RepMlpNet#reparameterize}) and writes the deploy
 * structure, {@code "deploy": true} in its {@code architecture.json}, as a new model directory.
 */
public final class RepMlpReparam {

    private RepMlpReparam() {}

    /**
     * Writes the deploy model of a training-structure RepMLPNet directory.
     *
     * @param modelDir the training-structure model directory
     * @param out the model directory to write
     * @return the deploy config
     * @throws IOException when reading or writing fails
     * @throws ModelException when DJL cannot load the directory
     * @throws ConfigException when the directory is not a training-structure RepMLPNet
     */
    public static RepMlpConfig reparameterize(Path modelDir, Path out)
            throws IOException, ModelException {
        ModelConfig read = ModelDirs.readArchitecture(modelDir);
        if (!(read instanceof RepMlpConfig config)) {
            throw new ConfigException(
                    modelDir
                            + " holds a '"
                            + read.modelType()
                            + "' model; reparam folds RepMLPNet ('repmlp') models only");
        }
        if (config.deploy) {
            throw new ConfigException(
                    modelDir + " is already re-parameterised (field 'deploy' is true)");
        }
        ModelDirs.checkSafe(modelDir);
        Criteria<NDList, NDList> criteria =
                Criteria.builder()
                        .setTypes(NDList.class, NDList.class)
                        .optModelPath(modelDir)
                        .optEngine("PyTorch")
                        .build();
        try (ZooModel<NDList, NDList> zoo = ai.mlpzoo.zoo.MlpZoo.loadModel(criteria)) {
            RepMlpNet trained = (RepMlpNet) zoo.getBlock();
            RepMlpNet deployed = trained.reparameterize(zoo.getNDManager());
            RepMlpConfig deployConfig =
                    (RepMlpConfig)
                            Configs.read(
                                    Configs.toJson(config)
                                            .getBytes(java.nio.charset.StandardCharsets.UTF_8),
                                    modelDir.toString());
            deployConfig.deploy = true;
            ObjectNode meta = Configs.MAPPER.createObjectNode();
            meta.put("source", "reparam");
            meta.put("reparameterized_from", modelDir.toAbsolutePath().toString());
            ModelDirs.save(out, deployConfig, deployed, Configs.toJson(meta) + "\n", null);
            return deployConfig;
        }
    }
}
