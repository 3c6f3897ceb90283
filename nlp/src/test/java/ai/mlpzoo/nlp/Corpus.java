package ai.mlpzoo.nlp;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * The test corpus, {@code fixtures/reference/nlp/minilm_sentences.json}: 335 English sentences
 * (Debian's licence texts split at sentence ends, and our own, with an empty text and one longer
 * than 256 tokens) with the BERT-uncased token ids that tools/fixtures/make_minilm_tokens.py
 * computed from the vocabulary, independently of the tokenizer library.
 */
final class Corpus {

    final List<String> texts = new ArrayList<>();
    final List<long[]> ids = new ArrayList<>();

    private static Corpus instance;

    static synchronized Corpus get() {
        if (instance == null) {
            instance = new Corpus();
        }
        return instance;
    }

    private Corpus() {
        Path file =
                Paths.get(
                        System.getProperty("mlpzoo.fixtures", "../fixtures"),
                        "reference",
                        "nlp",
                        "minilm_sentences.json");
        try {
            JsonObject json =
                    JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8))
                            .getAsJsonObject();
            for (JsonElement t : json.getAsJsonArray("texts")) {
                texts.add(t.getAsString());
            }
            for (JsonElement row : json.getAsJsonArray("ids")) {
                JsonArray a = row.getAsJsonArray();
                long[] r = new long[a.size()];
                for (int i = 0; i < r.length; i++) {
                    r[i] = a.get(i).getAsLong();
                }
                ids.add(r);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }
}
