package ai.mlpzoo.zoo;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.mlpzoo.config.ModelConfig;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks that a model directory's params file holds the weights of the block its {@code
 * architecture.json} describes, before DJL loads them. DJL takes each parameter's shape from the
 * file, so a different {@code num_classes} or width loaded silently into a block of the other
 * shape, and a different number of layers failed with "Unsupported encoding version" or an
 * EOFException naming neither file (issue 14, item 11).
 */
final class WeightsMatch {

    private WeightsMatch() {}

    /**
     * Reads the params file into a throwaway block of the architecture and compares every
     * parameter's shape with the one the architecture gives it.
     *
     * @param dir the model directory
     * @param config its architecture
     * @param parent a manager of the engine that will load the model; the arrays read here are
     *     freed before returning
     * @throws IOException naming both files, the first parameter that differs and the fields that
     *     size it
     */
    static void check(Path dir, ModelConfig config, NDManager parent) throws IOException {
        Path params = dir.resolve(ModelDirs.PARAMS);
        if (!Files.isRegularFile(params)) {
            return; // an architecture-only directory
        }
        String pair = params + " does not match " + dir.resolve(ModelDirs.ARCHITECTURE);
        try (NDManager m = parent.newSubManager()) {
            List<Pair<String, Shape>> expected = expectedShapes(config, m);
            Block loaded = config.toBlock();
            int count;
            try (DataInputStream in =
                    new DataInputStream(new BufferedInputStream(Files.newInputStream(params)))) {
                skipHeader(in, params);
                loaded.loadParameters(m, in);
                count = loaded.getParameters().size();
                if (in.read() != -1) {
                    throw new IOException(
                            pair
                                    + ": the weights hold more layers than the architecture's "
                                    + count
                                    + " parameters; fix the fields that set the depth (e.g."
                                    + " num_blocks, layers_hidden) in "
                                    + ModelDirs.ARCHITECTURE
                                    + " or re-import the checkpoint");
                }
            } catch (MalformedModelException | java.io.EOFException | RuntimeException e) {
                throw new IOException(
                        pair
                                + ": the weights hold a different number or kind of layers than"
                                + " the architecture describes ("
                                + (e instanceof java.io.EOFException
                                        ? "the file ended before the architecture's last layer"
                                        : e.getClass().getSimpleName() + ": " + e.getMessage())
                                + "); fix the fields that set the depth (e.g. num_blocks,"
                                + " layers_hidden) in "
                                + ModelDirs.ARCHITECTURE
                                + " or re-import the checkpoint",
                        e);
            }
            if (expected == null) {
                return; // the shapes could not be derived without weights: the count is checked
            }
            List<Pair<String, Parameter>> actual = new ArrayList<>();
            loaded.getParameters().forEach(actual::add);
            for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
                Shape want = expected.get(i).getValue();
                Shape got = actual.get(i).getValue().getArray().getShape();
                if (!want.equals(got)) {
                    String name = actual.get(i).getKey();
                    throw new IOException(
                            pair
                                    + ": parameter '"
                                    + name
                                    + "' has shape "
                                    + got
                                    + " in the weights but "
                                    + want
                                    + " by the architecture; fix "
                                    + config.fieldsSizing(name)
                                    + " in "
                                    + ModelDirs.ARCHITECTURE
                                    + " or re-import the checkpoint");
                }
            }
        }
    }

    /**
     * The shapes the architecture gives its parameters, found by initialising a block with a scalar
     * for every parameter (the shapes come from the block's shape inference, no weight is
     * allocated).
     *
     * @return the shapes in parameter order, or null when the block cannot be initialised so
     */
    private static List<Pair<String, Shape>> expectedShapes(ModelConfig config, NDManager m) {
        try {
            Block block = config.toBlock();
            block.setInitializer((manager, shape, type) -> manager.zeros(new Shape()), p -> true);
            block.initialize(m, DataType.FLOAT32, config.inputShape());
            List<Pair<String, Shape>> shapes = new ArrayList<>();
            for (Pair<String, Parameter> p : block.getParameters()) {
                shapes.add(new Pair<>(p.getKey(), p.getValue().getShape()));
            }
            return shapes;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Skips DJL's file header (BaseModel.readParameters): magic, version, name, type, inputs. */
    private static void skipHeader(DataInputStream in, Path params) throws IOException {
        byte[] magic = new byte[4];
        in.readFully(magic);
        if (!"DJL@".equals(new String(magic, StandardCharsets.US_ASCII))) {
            throw new IOException(params + " is not a DJL parameter file");
        }
        in.readInt(); // version
        in.readUTF(); // model name
        in.readUTF(); // data type
        int inputs = in.readInt();
        for (int i = 0; i < inputs; i++) {
            in.readUTF();
            Shape.decode(in);
        }
        int properties = in.readInt();
        for (int i = 0; i < properties; i++) {
            in.readUTF();
            in.readUTF();
        }
    }
}
