package ai.mlpzoo.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The classpath repository on a models root of the test's making, packed in a real jar: the cache
 * copy, its reuse and repair, a corrupt params file, a malformed index, and extra files of a future
 * family.
 */
class ClasspathRepositoryTest {

    private static final Path PACKAGED =
            Paths.get("target/classes", ClasspathRepository.ROOT, "mixer", "fmnist");

    @TempDir Path tmp;

    private static final String INDEX =
            "{\"models\": [{\"artifactId\": \"mixer\", \"variant\": \"fmnist\","
                    + " \"application\": \"cv/image_classification\", \"description\": \"test\","
                    + " \"pretrained\": false, \"parameters\": 1, \"files\": [\"notes.txt\"]}]}";

    /** Packs a models root into a jar: the mixer fmnist model, optionally damaged, and an index. */
    private ClassLoader jar(String index, boolean corrupt) throws IOException {
        Path jar = tmp.resolve("models.jar");
        try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar))) {
            put(out, "zoo/index.json", index.getBytes(StandardCharsets.UTF_8));
            try (Stream<Path> files = Files.list(PACKAGED)) {
                for (Path f : files.collect(Collectors.toList())) {
                    byte[] bytes = Files.readAllBytes(f);
                    if (corrupt && f.getFileName().toString().equals(ModelDirs.PARAMS)) {
                        bytes[bytes.length / 2] ^= 0x20;
                    }
                    put(out, "zoo/mixer/fmnist/" + f.getFileName(), bytes);
                }
            }
            put(out, "zoo/mixer/fmnist/notes.txt", "extra file".getBytes(StandardCharsets.UTF_8));
        }
        return new URLClassLoader(new URL[] {jar.toUri().toURL()}, getClass().getClassLoader());
    }

    private static void put(java.util.jar.JarOutputStream out, String name, byte[] bytes)
            throws IOException {
        out.putNextEntry(new java.util.jar.JarEntry(name));
        out.write(bytes);
        out.closeEntry();
    }

    private static Criteria<NDList, NDList> criteria(ClasspathRepository repo) {
        return Criteria.builder()
                .setTypes(NDList.class, NDList.class)
                .optModelZoo(new MlpModelZoo(repo))
                .optArtifactId("mixer")
                .optFilter("variant", "fmnist")
                .build();
    }

    private static float[] logits(Criteria<NDList, NDList> criteria) throws Exception {
        try (NDManager m = NDManager.newBaseManager();
                ZooModel<NDList, NDList> model = criteria.loadModel();
                Predictor<NDList, NDList> p = model.newPredictor()) {
            NDArray x = m.arange(2 * 784f).div(2 * 784f).reshape(new Shape(2, 1, 28, 28));
            return p.predict(new NDList(x)).get(0).toFloatArray();
        }
    }

    @Test
    void modelsLoadFromAJarThroughACompleteCacheCopyThatIsReused() throws Exception {
        Path cache = tmp.resolve("cache");
        ClasspathRepository repo = new ClasspathRepository(jar(INDEX, false), "zoo/", cache);
        float[] first = logits(criteria(repo));
        List<Path> dirs;
        try (Stream<Path> s = Files.list(cache.resolve("mixer/fmnist"))) {
            dirs = s.collect(Collectors.toList());
        }
        assertEquals(1, dirs.size(), "one directory, no temporary leftovers: " + dirs);
        Path dir = dirs.get(0);
        assertEquals(16, dir.getFileName().toString().length(), "named by a content hash");
        for (String f :
                List.of(
                        "serving.properties",
                        "architecture.json",
                        "metadata.json",
                        ModelDirs.PARAMS,
                        ModelDirs.CHECKSUM,
                        "notes.txt")) {
            assertTrue(Files.isRegularFile(dir.resolve(f)), f + " copied");
        }
        assertEquals(
                -1,
                Files.mismatch(dir.resolve(ModelDirs.PARAMS), PACKAGED.resolve(ModelDirs.PARAMS)));
        long stamp = Files.getLastModifiedTime(dir.resolve(ModelDirs.PARAMS)).toMillis();
        Files.setLastModifiedTime(
                dir.resolve(ModelDirs.PARAMS),
                java.nio.file.attribute.FileTime.fromMillis(stamp - 60_000));

        // a second repository (another process) reuses the copy untouched
        ClasspathRepository again = new ClasspathRepository(jar(INDEX, false), "zoo/", cache);
        assertTrue(java.util.Arrays.equals(first, logits(criteria(again))));
        assertEquals(
                stamp - 60_000,
                Files.getLastModifiedTime(dir.resolve(ModelDirs.PARAMS)).toMillis(),
                "not copied again");

        // a damaged cache copy is replaced from the jar, not loaded
        byte[] bytes = Files.readAllBytes(dir.resolve(ModelDirs.PARAMS));
        bytes[bytes.length - 10] ^= 0x40;
        Files.write(dir.resolve(ModelDirs.PARAMS), bytes);
        assertTrue(
                java.util.Arrays.equals(first, logits(criteria(again))),
                "repaired copy, same logits");
        assertEquals(
                -1,
                Files.mismatch(dir.resolve(ModelDirs.PARAMS), PACKAGED.resolve(ModelDirs.PARAMS)));
    }

    @Test
    void corruptPackagedParamsAreRefusedWithAClearMessage() throws Exception {
        ClasspathRepository repo =
                new ClasspathRepository(jar(INDEX, true), "zoo/", tmp.resolve("cache"));
        Exception e = assertThrows(Exception.class, () -> criteria(repo).loadModel());
        StringBuilder msg = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            msg.append(t.getMessage()).append(" | ");
        }
        assertTrue(
                msg.toString()
                        .contains(
                                "packaged model mixer/fmnist is corrupt: model-0000.params does not match its SHA-256"),
                msg.toString());
        assertFalse(
                Files.exists(tmp.resolve("cache/mixer/fmnist"))
                        && Files.list(tmp.resolve("cache/mixer/fmnist")).findAny().isPresent(),
                "nothing left in the cache");
    }

    @Test
    void aNewJarWithOtherWeightsGetsItsOwnCacheDirectory() throws Exception {
        Path cache = tmp.resolve("cache");
        ClasspathRepository a = new ClasspathRepository(jar(INDEX, false), "zoo/", cache);
        Path dirA = a.getResourceDirectory(a.locate(a.mrl("mixer")).getArtifacts().get(0));
        String other = INDEX.replace("\"test\"", "\"test 2\"");
        // same files, but a checksum file that differs stands for other weights
        Path jar2 = tmp.resolve("other");
        Files.createDirectories(jar2.resolve("zoo/mixer/fmnist"));
        Files.writeString(jar2.resolve("zoo/index.json"), other);
        try (Stream<Path> files = Files.list(PACKAGED)) {
            for (Path f : files.collect(Collectors.toList())) {
                Files.copy(f, jar2.resolve("zoo/mixer/fmnist").resolve(f.getFileName()));
            }
        }
        Files.writeString(jar2.resolve("zoo/mixer/fmnist").resolve(ModelDirs.CHECKSUM), "00\n");
        ClasspathRepository b =
                new ClasspathRepository(
                        new URLClassLoader(new URL[] {jar2.toUri().toURL()}, null), "zoo/", cache);
        Path dirB = b.getResourceDirectory(b.locate(b.mrl("mixer")).getArtifacts().get(0));
        assertNotEquals(dirA, dirB);
        assertEquals(dirA.getParent(), dirB.getParent());
    }

    @Test
    void malformedIndexesAreRefusedNamingTheProblem() {
        String[][] cases = {
            {
                "{\"models\": [{\"artifactId\": \"a\", \"variant\": \"v\"}, {\"artifactId\": \"a\", \"variant\": \"v\"}]}",
                "model a/v is listed twice"
            },
            {
                "{\"models\": [{\"artifactId\": \"a\", \"variant\": \"../x\"}]}",
                "bad or missing variant '../x'"
            },
            {"{\"models\": [{\"variant\": \"v\"}]}", "bad or missing artifactId 'null'"},
            {
                "{\"models\": [{\"artifactId\": \"a\", \"variant\": \"v\", \"files\": [\"../../etc\"]}]}",
                "must be a plain name"
            },
            {
                "{\"models\": [{\"artifactId\": \"a\", \"variant\": \"v\", \"colour\": 1}]}",
                "colour"
            },
            {
                "{\"models\": [{\"artifactId\": \"a\", \"variant\": \"v\", \"application\": \"cv/x\"},"
                        + " {\"artifactId\": \"a\", \"variant\": \"w\", \"application\": \"nlp/y\"}]}",
                "two applications"
            },
            {"{}", "'models' is missing"},
            {
                "{\"models\": [{\"artifactId\": \"a\", \"variant\": \"v\", \"architecture\": \"mixer_z9\"}]}",
                "names architecture 'mixer_z9', which is not a variant of model-configs"
            },
        };
        assertIndexesRefused(cases);
    }

    @Test
    void anIndexEntryWithoutItsDirectoryIsReportedOnLoad() throws Exception {
        String index = INDEX.replace("\"fmnist\"", "\"cifar\"");
        ClasspathRepository repo =
                new ClasspathRepository(jar(index, false), "zoo/", tmp.resolve("cache"));
        Criteria<NDList, NDList> c =
                Criteria.builder()
                        .setTypes(NDList.class, NDList.class)
                        .optModelZoo(new MlpModelZoo(repo))
                        .optArtifactId("mixer")
                        .build();
        Exception e = assertThrows(Exception.class, c::loadModel);
        assertTrue(
                e.getMessage()
                        .contains(
                                "model mixer/cifar is in the zoo index but its directory zoo/mixer/cifar/ is not on the classpath"),
                e.getMessage());
    }

    /** A jar holding only an index under zoo/, as a module that adds a model to the zoo. */
    private Path indexJar(String name, String index) throws IOException {
        Path jar = tmp.resolve(name);
        try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar))) {
            put(out, "zoo/index.json", index.getBytes(StandardCharsets.UTF_8));
        }
        return jar;
    }

    @Test
    void theIndexesOfEveryJarAreJoined() throws Exception {
        String other =
                "{\"models\": [{\"artifactId\": \"minilm\", \"variant\": \"l6_v2\","
                        + " \"application\": \"nlp/text_embedding\", \"description\": \"added\","
                        + " \"pretrained\": true, \"parameters\": 2}]}";
        ClassLoader both =
                new URLClassLoader(
                        new URL[] {
                            indexJar("a.jar", INDEX).toUri().toURL(),
                            indexJar("b.jar", other).toUri().toURL()
                        },
                        getClass().getClassLoader());
        ClasspathRepository repo = new ClasspathRepository(both, "zoo/", tmp.resolve("cache"));
        assertEquals(List.of("mixer", "minilm"), repo.index().artifactIds());
        assertEquals("nlp/text_embedding", repo.index().variants("minilm").get(0).application());

        ClassLoader twice =
                new URLClassLoader(
                        new URL[] {
                            indexJar("c.jar", INDEX).toUri().toURL(),
                            indexJar("d.jar", INDEX).toUri().toURL()
                        },
                        getClass().getClassLoader());
        IOException e =
                assertThrows(
                        IOException.class,
                        () -> new ClasspathRepository(twice, "zoo/", tmp.resolve("cache")));
        assertTrue(e.getMessage().contains("model mixer/fmnist is listed twice"), e.getMessage());
    }

    @Test
    void anIndexOfSeveralDocumentsAsAShadedJarAppendsThemIsJoined() throws Exception {
        // the shade plugin's AppendingTransformer writes mlp-zoo's index.json, then mlpzoo-nlp's
        String other =
                "{\"models\": [{\"artifactId\": \"minilm\", \"variant\": \"l6_v2\","
                        + " \"application\": \"nlp/text_embedding\", \"description\": \"added\","
                        + " \"pretrained\": true, \"parameters\": 2}]}";
        ClassLoader shaded =
                new URLClassLoader(
                        new URL[] {indexJar("shaded.jar", INDEX + "\n" + other).toUri().toURL()},
                        getClass().getClassLoader());
        ClasspathRepository repo = new ClasspathRepository(shaded, "zoo/", tmp.resolve("cache"));
        assertEquals(List.of("mixer", "minilm"), repo.index().artifactIds());
        assertEquals("nlp/text_embedding", repo.index().variants("minilm").get(0).application());
        // no separator at all (a file without a final newline) reads the same
        assertEquals(List.of("mixer", "minilm"), read(INDEX + other).artifactIds());

        String[][] cases = {
            {INDEX + "\n" + INDEX, "model mixer/fmnist is listed twice"},
            {INDEX + "\n{}", "'models' is missing in its document 2"},
            {INDEX + "\n{\"models\": [", "not a valid zoo index"},
            {"", "not a valid zoo index: the file is empty"},
        };
        assertIndexesRefused(cases);
    }

    private static ZooIndex read(String json) throws IOException {
        return ZooIndex.read(
                new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "idx");
    }

    /** Each {index text, part of the expected message}: read, refused, the message naming it. */
    private static void assertIndexesRefused(String[][] cases) {
        for (String[] c : cases) {
            IOException e = assertThrows(IOException.class, () -> read(c[0]));
            assertTrue(e.getMessage().contains(c[1]), c[0] + " -> " + e.getMessage());
        }
    }
}
