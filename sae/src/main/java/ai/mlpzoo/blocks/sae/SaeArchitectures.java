package ai.mlpzoo.blocks.sae;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The registry of sparse-coder architectures (SAELens' {@code sae_lens/registry.py}): the config
 * reader, the SAELens and sparsify formats, the trainer and the ONNX exporter look an architecture
 * up here by name or by block, so adding one is a block file that declares its {@link
 * SaeArchitecture} and one {@link #register} line (here for the project's own, in the user's code
 * for theirs).
 */
public final class SaeArchitectures {

    private static final Map<String, SaeArchitecture> BY_NAME = new LinkedHashMap<>();

    static {
        register(StandardSae.ARCHITECTURE);
        register(TopKSae.ARCHITECTURE);
        register(BatchTopKSae.ARCHITECTURE);
        register(JumpReLUSae.ARCHITECTURE);
        register(GatedSae.ARCHITECTURE);
        register(Transcoder.ARCHITECTURE);
        register(Transcoder.SKIP_ARCHITECTURE);
        register(MatryoshkaBatchTopKSae.ARCHITECTURE);
        register(MultiLayerSae.ARCHITECTURE);
    }

    private SaeArchitectures() {}

    /**
     * Registers an architecture.
     *
     * @param architecture the declaration
     * @throws IllegalArgumentException when its name is taken
     */
    public static synchronized void register(SaeArchitecture architecture) {
        SaeArchitecture old = BY_NAME.putIfAbsent(architecture.name(), architecture);
        if (old != null) {
            throw new IllegalArgumentException(
                    "SAE architecture '"
                            + architecture.name()
                            + "' is already registered ("
                            + old
                            + ")");
        }
    }

    /**
     * Finds an architecture by name.
     *
     * @param name the name, as in a config's {@code architecture}
     * @return the architecture, if registered
     */
    public static synchronized Optional<SaeArchitecture> find(String name) {
        return Optional.ofNullable(name == null ? null : BY_NAME.get(name));
    }

    /**
     * The architecture of a name.
     *
     * @param name the name
     * @return the architecture
     * @throws IllegalArgumentException listing the known names when there is none
     */
    public static SaeArchitecture get(String name) {
        return find(name)
                .orElseThrow(
                        () ->
                                new IllegalArgumentException(
                                        "unknown SAE architecture '"
                                                + name
                                                + "'; known: "
                                                + String.join(", ", names())));
    }

    /**
     * The architecture a block was built as: the one registered under the block's name, provided it
     * builds exactly the block's class (a subclass may change the math, so it is never treated as
     * its parent).
     *
     * @param block the block
     * @return the architecture, if registered
     */
    public static Optional<SaeArchitecture> of(SparseCoder block) {
        return find(block.architecture()).filter(a -> a.blockType() == block.getClass());
    }

    /**
     * The architecture of a block, or an error saying how to register it.
     *
     * @param block the block
     * @return the architecture
     * @throws IllegalArgumentException when the block's exact class is not registered
     */
    public static SaeArchitecture require(SparseCoder block) {
        return of(block)
                .orElseThrow(
                        () ->
                                new IllegalArgumentException(
                                        "no SAE architecture is registered for "
                                                + block.getClass().getName()
                                                + " (architecture '"
                                                + block.architecture()
                                                + "'); declare a SaeArchitecture for its exact class and "
                                                + "register it with SaeArchitectures.register"));
    }

    /**
     * @return every registered name, in registration order
     */
    public static synchronized List<String> names() {
        return List.copyOf(BY_NAME.keySet());
    }

    /**
     * @return every registered architecture, in registration order
     */
    public static synchronized List<SaeArchitecture> all() {
        return List.copyOf(BY_NAME.values());
    }

    /**
     * @return the names a SAELens {@code cfg.json} may carry (those saved under their own name)
     */
    public static synchronized List<String> saeLensNames() {
        List<String> out = new ArrayList<>();
        for (SaeArchitecture a : BY_NAME.values()) {
            if (a.isSaeLensArchitecture()) {
                out.add(a.name());
            }
        }
        return out;
    }

    /**
     * The architecture a sparsify {@code activation} is.
     *
     * @param activation sparsify's name
     * @return the architecture, if one declares it
     */
    public static synchronized Optional<SaeArchitecture> forSparsify(String activation) {
        for (SaeArchitecture a : BY_NAME.values()) {
            if (activation.equals(a.sparsifyActivation())) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    /**
     * @return the sparsify activations some architecture declares
     */
    public static synchronized List<String> sparsifyActivations() {
        List<String> out = new ArrayList<>();
        for (SaeArchitecture a : BY_NAME.values()) {
            if (a.sparsifyActivation() != null) {
                out.add(a.sparsifyActivation());
            }
        }
        return out;
    }
}
