package ai.mlpzoo.blocks.sae;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * Everything the project needs to know about one sparse-coder architecture, declared once in the
 * architecture's block file (as SAELens keeps an SAE, its config and its training SAE in one
 * module) and registered in {@link SaeArchitectures}, which every consumer consults by name or by
 * block:
 *
 * <ul>
 *   <li>the config reader: its name, its rules ({@link #validate}) and how its block is built
 *       ({@link #build});
 *   <li>the SAELens and sparsify formats: the SAELens name it is saved under, whether it has {@code
 *       k} and {@code d_out} fields, the sparsify activation it is (if any);
 *   <li>the trainer: its {@link SaeTrainingTerm};
 *   <li>the ONNX exporter: its exact block class, whose {@link SparseCoder#encoderGraph} states the
 *       inference encoder.
 * </ul>
 *
 * <p>Field names in messages are the config's (d_in, d_sae, d_out, k, apply_b_dec_to_input).
 */
public final class SaeArchitecture {

    /** Builds an architecture's block from its checked fields. */
    @FunctionalInterface
    public interface Factory {
        /**
         * Builds the block.
         *
         * @param dims the sizes and wiring, as {@link #dims} derived them
         * @param spec the fields they came from (for k and the like)
         * @return a new, uninitialised block
         */
        SparseCoder build(SaeDims dims, SaeSpec spec);
    }

    private final String name;
    private final Class<? extends SparseCoder> blockType;
    private final Factory factory;
    private final SaeTrainingTerm training;
    private final boolean usesK;
    private final boolean transcoder;
    private final boolean skip;
    private final Consumer<SaeSpec> rules;
    private final String saeLensName;
    private final String sparsifyActivation;

    private SaeArchitecture(Builder b) {
        this.name = b.name;
        this.blockType = b.blockType;
        this.factory =
                Objects.requireNonNull(b.factory, () -> "architecture " + b.name + ": no factory");
        this.training =
                Objects.requireNonNull(
                        b.training, () -> "architecture " + b.name + ": no training term");
        this.usesK = b.usesK;
        this.transcoder = b.transcoder;
        this.skip = b.skip;
        this.rules = b.rules;
        this.saeLensName = b.notSaeLens ? null : b.saeLensName == null ? b.name : b.saeLensName;
        this.sparsifyActivation = b.sparsifyActivation;
    }

    /**
     * Starts the declaration of an architecture.
     *
     * @param name its name in configs and in {@code --architecture} (SAELens' where it has one)
     * @param blockType the exact block class it builds
     * @return the builder
     */
    public static Builder builder(String name, Class<? extends SparseCoder> blockType) {
        return new Builder(name, blockType);
    }

    /**
     * @return the name, as in a config's {@code architecture} field
     */
    public String name() {
        return name;
    }

    /**
     * @return the exact class of its blocks
     */
    public Class<? extends SparseCoder> blockType() {
        return blockType;
    }

    /**
     * @return its part of the training loss
     */
    public SaeTrainingTerm training() {
        return training;
    }

    /**
     * @return whether it keeps k latents per row and so needs the field {@code k}
     */
    public boolean usesK() {
        return usesK;
    }

    /**
     * @return whether it is a transcoder: d_out is its own field and b_dec is never subtracted
     */
    public boolean isTranscoder() {
        return transcoder;
    }

    /**
     * @return whether it always has the skip connection W_skip
     */
    public boolean hasSkip() {
        return skip;
    }

    /**
     * @return the SAELens {@code architecture} it is saved under (batchtopk: jumprelu), or null
     *     when SAELens' layout cannot hold it (the multi-layer SAE's standardisation)
     */
    public String saeLensName() {
        return saeLensName;
    }

    /**
     * @return whether a SAELens {@code cfg.json} naming it is read as this architecture
     */
    public boolean isSaeLensArchitecture() {
        return name.equals(saeLensName);
    }

    /**
     * @return sparsify's {@code activation} for it, or null when sparsify cannot hold it
     */
    public String sparsifyActivation() {
        return sparsifyActivation;
    }

    /**
     * The sizes and wiring the fields describe: a transcoder never subtracts b_dec and a skip
     * transcoder always has W_skip, whatever the fields say.
     *
     * @param spec the fields
     * @return the dims
     */
    public SaeDims dims(SaeSpec spec) {
        boolean subtract = spec.applyBDecToInput() && !transcoder;
        return new SaeDims(spec.dIn(), spec.dSae(), spec.outWidth(), subtract, spec.skip() || skip);
    }

    /**
     * Checks the fields against the common rules and this architecture's own.
     *
     * @param spec the fields
     * @return spec
     * @throws IllegalArgumentException naming the first bad field and what it must be
     */
    public SaeSpec validate(SaeSpec spec) {
        positive(spec.dIn(), "d_in");
        positive(spec.dSae(), "d_sae");
        if (spec.dOut() != null) {
            positive(spec.dOut(), "d_out");
        }
        if (usesK) {
            if (spec.k() == null) {
                throw new IllegalArgumentException(
                        "field 'k' is required for architecture " + name);
            }
            positive(spec.k(), "k");
            if (spec.k() > spec.dSae()) {
                throw new IllegalArgumentException(
                        "field 'k' ("
                                + spec.k()
                                + ") is larger than the dictionary size d_sae ("
                                + spec.dSae()
                                + ")");
            }
        }
        if (spec.applyBDecToInput() && !transcoder && spec.outWidth() != spec.dIn()) {
            throw new IllegalArgumentException(
                    "field 'apply_b_dec_to_input' needs d_out == d_in, got d_in "
                            + spec.dIn()
                            + ", d_out "
                            + spec.outWidth());
        }
        if (rules != null) {
            rules.accept(spec);
        }
        return spec;
    }

    /**
     * Checks the fields and builds the block.
     *
     * @param spec the fields
     * @return a new, uninitialised block of exactly {@link #blockType()}
     * @throws IllegalArgumentException naming the first bad field
     */
    public SparseCoder build(SaeSpec spec) {
        validate(spec);
        SparseCoder block = factory.build(dims(spec), spec);
        // a registration that builds another class, or a block that reports another name, would
        // be trained, saved and exported as the wrong architecture: refuse it at once
        if (block.getClass() != blockType || !name.equals(block.architecture())) {
            throw new IllegalStateException(
                    "architecture "
                            + name
                            + " is registered for "
                            + blockType.getName()
                            + " but built a "
                            + block.getClass().getName()
                            + " that calls itself "
                            + block.architecture());
        }
        return block;
    }

    private static void positive(int value, String field) {
        if (value <= 0) {
            throw new IllegalArgumentException(
                    "field '" + field + "' must be positive, got " + value);
        }
    }

    @Override
    public String toString() {
        return "SaeArchitecture[" + name + ", " + blockType.getSimpleName() + "]";
    }

    /** Declares an architecture; only the factory and the training term are required. */
    public static final class Builder {

        private final String name;
        private final Class<? extends SparseCoder> blockType;
        private Factory factory;
        private SaeTrainingTerm training;
        private boolean usesK;
        private boolean transcoder;
        private boolean skip;
        private Consumer<SaeSpec> rules;
        private String saeLensName;
        private String sparsifyActivation;
        private boolean notSaeLens;

        private Builder(String name, Class<? extends SparseCoder> blockType) {
            if (name == null || !name.matches("[a-z][a-z0-9_]*")) {
                throw new IllegalArgumentException(
                        "an SAE architecture name is lower-case letters, digits and '_', got '"
                                + name
                                + "'");
            }
            this.name = name;
            this.blockType = Objects.requireNonNull(blockType, "blockType");
        }

        /**
         * How the block is built.
         *
         * @param f the factory
         * @return this
         */
        public Builder factory(Factory f) {
            factory = f;
            return this;
        }

        /**
         * Its part of the training loss.
         *
         * @param t the term
         * @return this
         */
        public Builder training(SaeTrainingTerm t) {
            training = t;
            return this;
        }

        /**
         * Requires the field {@code k} (1 &lt;= k &lt;= d_sae), written to and read from SAELens'
         * {@code cfg.json} when the architecture is saved under its own name.
         *
         * @return this
         */
        public Builder usesK() {
            usesK = true;
            return this;
        }

        /**
         * Makes it a transcoder: {@code d_out} is required in SAELens' {@code cfg.json} and b_dec
         * is never subtracted from the input.
         *
         * @param withSkip whether it always has the skip connection W_skip
         * @return this
         */
        public Builder transcoder(boolean withSkip) {
            transcoder = true;
            skip = withSkip;
            return this;
        }

        /**
         * Adds the architecture's own rules, run after the common ones.
         *
         * @param r throws IllegalArgumentException naming the field
         * @return this
         */
        public Builder rules(Consumer<SaeSpec> r) {
            rules = r;
            return this;
        }

        /**
         * Saves it in SAELens' layout under another architecture's name (BatchTopK is a JumpReLU
         * SAE at inference, and SAELens saves it so); such an architecture is never read back from
         * SAELens under its own name.
         *
         * @param other the SAELens architecture
         * @return this
         */
        public Builder savedInSaeLensAs(String other) {
            saeLensName = other;
            return this;
        }

        /**
         * Declares that SAELens' layout cannot hold it (its forward does more than SAELens' encode
         * and decode): the SAELens writer refuses it and the reader never returns it.
         *
         * @return this
         */
        public Builder notSaeLens() {
            notSaeLens = true;
            return this;
        }

        /**
         * Declares the sparsify {@code activation} it is (its encoder a torch Linear, its k from
         * the field {@code k}).
         *
         * @param activation sparsify's name
         * @return this
         */
        public Builder sparsify(String activation) {
            sparsifyActivation = activation;
            return this;
        }

        /**
         * @return the architecture
         */
        public SaeArchitecture build() {
            if (sparsifyActivation != null && !usesK) {
                throw new IllegalStateException(
                        "architecture "
                                + name
                                + ": sparsify's activations all take k; declare usesK()");
            }
            return new SaeArchitecture(this);
        }
    }
}
