package ai.mlpzoo.nlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The corpus reader: sentences and lines, an empty corpus refused, and a slice of the State of the
 * Union addresses that .ci/run installs (skipped, naming the npm package, where it is absent).
 */
class TextCorpusTest {

    @Test
    void sentencesSplitAtSentenceEndsButNotAfterAbbreviations() {
        assertEquals(
                List.of(
                        "Thank you.",
                        "Mr. Speaker, Mr. Vice President, Members of Congress: tonight marks the"
                                + " eighth year.",
                        "The U.S. Army met Dr. Smith in St. Louis!",
                        "Really?",
                        "Yes"),
                TextCorpus.sentences(
                        "Thank you.  Mr. Speaker, Mr. Vice President, Members of Congress: tonight"
                                + " marks the eighth year. The U.S. Army met Dr. Smith in St."
                                + " Louis! Really? Yes"));
        assertEquals(List.of(), TextCorpus.sentences("   "));
    }

    @Test
    void aFileStreamsAsLinesOrSentencesAndAFolderInNameOrder(@TempDir Path tmp) throws IOException {
        Path file = tmp.resolve("b.txt");
        Files.writeString(file, "One. Two.\n\n  \nThree\n");
        try (Stream<String> s = TextCorpus.of(file, TextCorpus.Split.SENTENCES).texts()) {
            assertEquals(List.of("One.", "Two.", "Three"), s.toList());
        }
        try (Stream<String> s = TextCorpus.of(file, TextCorpus.Split.LINES).texts()) {
            assertEquals(List.of("One. Two.", "Three"), s.toList());
        }
        Files.writeString(tmp.resolve("a.txt"), "Zero.");
        Files.writeString(tmp.resolve("notes.md"), "not read");
        TextCorpus folder = TextCorpus.of(tmp, TextCorpus.Split.SENTENCES);
        try (Stream<String> s = folder.texts()) {
            assertEquals(List.of("Zero.", "One.", "Two.", "Three"), s.toList());
        }
    }

    @Test
    void anEmptyOrMissingCorpusIsRefused(@TempDir Path tmp) throws IOException {
        Path blank = tmp.resolve("blank.txt");
        Files.writeString(blank, "\n   \n\t\n");
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> TextCorpus.of(blank, TextCorpus.Split.SENTENCES).requireText());
        assertTrue(e.getMessage().contains("blank.txt holds no text"), e.getMessage());
        Path empty = tmp.resolve("empty");
        Files.createDirectory(empty);
        IOException none =
                assertThrows(IOException.class, () -> TextCorpus.of(empty, TextCorpus.Split.LINES));
        assertTrue(none.getMessage().contains("holds no .txt file"), none.getMessage());
        assertThrows(
                NoSuchFileException.class,
                () -> TextCorpus.of(tmp.resolve("missing.txt"), TextCorpus.Split.LINES));
    }

    @Test
    void theStateOfTheUnionSlice() throws IOException {
        Path dir = TextCorpus.sotuDir();
        assumeTrue(
                Files.isDirectory(dir),
                "the State of the Union corpus (npm's "
                        + TextCorpus.SOTU_PACKAGE
                        + ") is not installed at "
                        + dir
                        + "; .ci/run installs it");
        TextCorpus corpus = TextCorpus.sotu();
        assertEquals(233, corpus.files().size(), "addresses 1790 to 2021");
        assertEquals(
                "1790_george_washington_n.txt", corpus.files().get(0).getFileName().toString());
        List<String> first;
        try (Stream<String> s = corpus.texts()) {
            first = s.limit(3).toList();
        }
        assertEquals(
                "Fellow-Citizens of the Senate and House of Representatives: In meeting you again I"
                        + " feel much satisfaction in being able to repeat my congratulations on"
                        + " the favorable prospects which continue to distinguish our public"
                        + " affairs.",
                first.get(0));
        assertEquals(
                "The abundant fruits of another year have blessed our country with plenty and with"
                        + " the means of a flourishing commerce.",
                first.get(1));
        // Biden's 2021 address: "Thank you. (Applause.) Thank you. Thank you. Good to be back."
        TextCorpus last = TextCorpus.of(corpus.files().get(232), TextCorpus.Split.SENTENCES);
        try (Stream<String> s = last.texts()) {
            assertEquals(
                    List.of("Thank you.", "(Applause.)", "Thank you.", "Thank you."),
                    s.limit(4).toList());
        }
    }
}
