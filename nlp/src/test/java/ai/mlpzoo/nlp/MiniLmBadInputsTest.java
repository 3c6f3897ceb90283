package ai.mlpzoo.nlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import org.junit.jupiter.api.Test;

/** Files and texts the MiniLM path refuses or handles, each with its message. */
class MiniLmBadInputsTest {

    private static Path mixerOnnx() {
        // the repository's exported Fashion-MNIST Mixer: an ONNX file, but no BERT
        return Paths.get(
                "..",
                "mlp-zoo",
                "src",
                "main",
                "resources",
                "ai",
                "mlpzoo",
                "zoo",
                "models",
                "mixer",
                "fmnist",
                "model.onnx");
    }

    @Test
    void anOnnxFileOfAnotherArchitectureIsRefused() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> MiniLm.weights(mixerOnnx()));
        assertTrue(e.getMessage().contains("model.onnx: not a BERT encoder graph"), e.getMessage());
        assertTrue(e.getMessage().contains("expected graph inputs input_ids"), e.getMessage());
        assertTrue(e.getMessage().endsWith("found inputs [input]"), e.getMessage());
    }

    @Test
    void bytesThatAreNotOnnxAreRefused() {
        InputStream junk =
                new ByteArrayInputStream(
                        "not a model\u0001\u0002".getBytes(StandardCharsets.UTF_8));
        IOException e =
                assertThrows(IOException.class, () -> BertOnnxGraph.read(junk, "junk.onnx"));
        assertTrue(e.getMessage().startsWith("junk.onnx: not an ONNX model"), e.getMessage());
    }

    @Test
    void aBertWithAnApproximateGeluIsRefusedByItsGraph() throws Exception {
        // MiniLM with its first GELU's erf replaced by tanh: every name and weight as before,
        // only the graph says it is not the exact GELU this block computes
        ModelProto original;
        try (InputStream in = MiniLm.open(MiniLm.ONNX_RESOURCE)) {
            com.google.protobuf.CodedInputStream cis =
                    com.google.protobuf.CodedInputStream.newInstance(in);
            cis.setSizeLimit(Integer.MAX_VALUE);
            original = ModelProto.parseFrom(cis);
        }
        ModelProto.Builder b = original.toBuilder();
        int erf = -1;
        List<NodeProto> nodes = b.getGraph().getNodeList();
        for (int i = 0; i < nodes.size() && erf < 0; i++) {
            if (nodes.get(i).getOpType().equals("Erf")) {
                erf = i;
            }
        }
        b.getGraphBuilder().setNode(erf, nodes.get(erf).toBuilder().setOpType("Tanh"));
        byte[] bytes = b.build().toByteArray();
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> BertOnnxGraph.read(new ByteArrayInputStream(bytes), "tanh.onnx"));
        assertTrue(
                e.getMessage().contains("layer 0: the exact (erf) GELU between the MLP's MatMuls"),
                e.getMessage());
    }

    @Test
    void anEmptyTextIsClsAndSep() throws Exception {
        try (SentenceTokenizer t = SentenceTokenizer.miniLm()) {
            SentenceTokenizer.Batch b = t.encode(List.of(""));
            assertEquals(2, b.lengths()[0]);
            assertEquals(List.of(101L, 102L), Arrays.stream(b.ids()[0]).boxed().toList());
            assertEquals(false, b.truncated()[0]);
        }
    }

    @Test
    void anEmptyBatchOrANullTextIsRefused() throws Exception {
        try (SentenceTokenizer t = SentenceTokenizer.miniLm()) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> t.encode(List.of()));
            assertTrue(e.getMessage().contains("the batch is empty"), e.getMessage());
            List<String> withNull = Arrays.asList("fine", null);
            e = assertThrows(IllegalArgumentException.class, () -> t.encode(withNull));
            assertTrue(e.getMessage().contains("text 1 of the batch is null"), e.getMessage());
        }
    }

    @Test
    void textLongerThanTheMaximumIsTruncatedAndSaid() throws Exception {
        try (SentenceTokenizer t = SentenceTokenizer.miniLm()) {
            String longText = "word ".repeat(1000);
            SentenceTokenizer.Batch b = t.encode(List.of("short text", longText));
            assertEquals(MiniLm.MAX_LENGTH, b.lengths()[1]);
            assertEquals(MiniLm.MAX_LENGTH, b.tokens());
            assertTrue(b.truncated()[1]);
            assertEquals(false, b.truncated()[0]);
            assertEquals(102L, b.ids()[1][MiniLm.MAX_LENGTH - 1]); // [SEP] kept at the end
            assertEquals(0L, b.attentionMask()[0][5]); // the short text is padded
        }
    }
}
