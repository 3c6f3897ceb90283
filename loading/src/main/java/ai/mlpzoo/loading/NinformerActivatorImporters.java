package ai.mlpzoo.loading;

import ai.mlpzoo.blocks.activator.Activator;
import ai.mlpzoo.blocks.ninformer.NiNformer;
import ai.mlpzoo.config.ActivatorConfig;
import ai.mlpzoo.config.NinformerConfig;
import java.util.function.Consumer;

/**
 * The checkpoint formats of NiNformer and Activator (issue 18): {@code --format ninformer} and
 * {@code --format activator}, each a folder with {@code config.json} (the keyword arguments of the
 * reference's {@code NiNformerImageClassification} / {@code ACTIVATORImageClassification} plus the
 * descriptive keys of {@link ReferenceImporter}) and {@code model.safetensors} (its {@code
 * state_dict()} under its own keys, which {@link NiNformer#referenceKey} and {@link
 * Activator#referenceKey} relate to our parameter names).
 */
final class NinformerActivatorImporters {

    private NinformerActivatorImporters() {}

    /** Registers both formats: the one call {@link Importers} makes for these families. */
    static void register(Consumer<CheckpointImporter> registry) {
        registry.accept(
                new ReferenceImporter(
                        "ninformer",
                        NinformerConfig.MODEL_TYPE,
                        NinformerConfig.class,
                        NiNformer::referenceKey));
        registry.accept(
                new ReferenceImporter(
                        "activator",
                        ActivatorConfig.MODEL_TYPE,
                        ActivatorConfig.class,
                        Activator::referenceKey));
    }
}
