package ai.mlpzoo.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.mlpzoo.config.Configs;
import ai.mlpzoo.config.ModelConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each named variant is defined once, in model-configs: the zoo's packaged architecture.json files
 * are renderings of the variants their index entries name, never hand-kept copies.
 */
class PackagedArchitecturesTest {

    private static final String REGENERATE =
            "the packaged copy differs from its variant: after changing a variant, run ZooGenerator --architectures"
                    + " (see its javadoc) and commit the rewritten files";

    @Test
    void everyPackagedArchitectureIsItsVariantRendered() throws IOException {
        ZooIndex index = ClasspathRepository.standard().index();
        List<String> checked = new ArrayList<>();
        for (ZooEntry e : index.entries()) {
            assertNotNull(
                    e.architecture(),
                    e.id() + ": a shipped model names the variant it is built from");
            String packaged =
                    resource(
                            ClasspathRepository.ROOT
                                    + e.artifactId()
                                    + "/"
                                    + e.variant()
                                    + "/"
                                    + ModelDirs.ARCHITECTURE);
            ModelConfig variant = Configs.variant(e.architecture());
            assertEquals(ModelDirs.architectureJson(variant), packaged, e.id() + ": " + REGENERATE);
            checked.add(e.id());
        }
        assertTrue(
                checked.containsAll(
                        List.of("mixer/fmnist", "resmlp/fmnist", "gmlp/fmnist", "kan/fmnist")),
                checked.toString());
    }

    private static String resource(String path) throws IOException {
        try (InputStream is =
                PackagedArchitecturesTest.class.getClassLoader().getResourceAsStream(path)) {
            assertNotNull(is, path + " is packaged");
            return new String(is.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
