package ai.mlpzoo.zoo;

import ai.djl.Application;
import ai.djl.repository.AbstractRepository;
import ai.djl.repository.Artifact;
import ai.djl.repository.MRL;
import ai.djl.repository.Metadata;
import ai.djl.repository.VersionRange;
import ai.djl.util.Progress;
import ai.djl.util.Utils;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A DJL {@link ai.djl.repository.Repository} over model directories packaged as classpath
 * resources, so the zoo works offline from inside a jar. (DJL's own repositories resolve files
 * against a base URI, which breaks once the base is a {@code jar:} URL; a class loader can always
 * open a resource.)
 *
 * <p>Each {@link ZooEntry} of the index is a DJL {@link Artifact} named after its variant, with its
 * filters as properties. Preparing one copies its files to {@code <DJL
 * cache>/mlpzoo/<artifactId>/<variant>/<content hash>/}: written to a temporary sibling and renamed
 * into place, so a complete directory is reused by every later load and a new jar (other content,
 * other hash) never sees stale files. DJL's {@code BaseModelLoader} then loads that directory
 * exactly as it loads {@code Criteria.optModelPath(dir)}, honouring serving.properties' {@code
 * blockFactory} and {@code translatorFactory}.
 *
 * <p>Other jars add models by carrying their own index and model directories under the same root
 * (mlpzoo-nlp adds {@code minilm}): the indexes of every jar on the class path are joined, so the
 * mlp-zoo itself never depends on them.
 */
public class ClasspathRepository extends AbstractRepository {

    /** The default models root on the classpath. */
    public static final String ROOT = "ai/mlpzoo/zoo/models/";

    /** The version every packaged artifact carries (DJL requires one). */
    public static final String VERSION = "0.1.0";

    private final ClassLoader loader;
    private final String root;
    private final Path cacheRoot;
    private final ZooIndex index;
    private final Map<String, MRL> mrls = new LinkedHashMap<>();
    private final Map<String, Metadata> metadata = new ConcurrentHashMap<>();
    private final Map<String, String> hashes = new ConcurrentHashMap<>();

    /**
     * Opens the index of a models root.
     *
     * @param loader the class loader holding the resources
     * @param root the models root, ending in {@code /}
     * @param cacheRoot where prepared model directories go
     * @throws IOException when the index is missing or malformed
     */
    public ClasspathRepository(ClassLoader loader, String root, Path cacheRoot) throws IOException {
        super("mlpzoo", URI.create("classpath:/" + root));
        this.loader = loader;
        this.root = root.endsWith("/") ? root : root + "/";
        this.cacheRoot = cacheRoot;
        // every jar may carry an index under the same root (mlpzoo-nlp adds minilm): all are read
        List<URL> urls = Collections.list(loader.getResources(this.root + ZooIndex.FILE));
        if (urls.isEmpty()) {
            throw new IOException(
                    "the zoo index " + this.root + ZooIndex.FILE + " is not on the classpath");
        }
        List<ZooIndex> parts = new ArrayList<>();
        for (URL url : urls) {
            try (InputStream is = url.openStream()) {
                parts.add(
                        ZooIndex.read(
                                is, urls.size() == 1 ? this.root + ZooIndex.FILE : url.toString()));
            }
        }
        index = parts.size() == 1 ? parts.get(0) : ZooIndex.merge(parts, this.root + ZooIndex.FILE);
        for (String artifactId : index.artifactIds()) {
            Application app = Application.of(index.variants(artifactId).get(0).application());
            mrls.put(artifactId, model(app, MlpModelZoo.GROUP_ID, artifactId));
        }
    }

    /**
     * The zoo packaged in the mlp-zoo jar, cached under DJL's cache directory.
     *
     * @return the repository
     * @throws IOException when the index cannot be read
     */
    public static ClasspathRepository standard() throws IOException {
        ClassLoader cl = ClasspathRepository.class.getClassLoader();
        return new ClasspathRepository(cl, ROOT, Utils.getCacheDir().resolve("mlpzoo"));
    }

    /**
     * @return the index
     */
    public ZooIndex index() {
        return index;
    }

    @Override
    public boolean isRemote() {
        return false;
    }

    @Override
    public Metadata locate(MRL mrl) {
        return metadata.computeIfAbsent(mrl.getArtifactId(), this::buildMetadata);
    }

    private Metadata buildMetadata(String artifactId) {
        Metadata m = new Metadata();
        m.setGroupId(MlpModelZoo.GROUP_ID);
        m.setArtifactId(artifactId);
        m.setName(artifactId);
        m.setRepositoryUri(URI.create(artifactId + "/"));
        List<Artifact> artifacts = new ArrayList<>();
        for (ZooEntry e : index.variants(artifactId)) {
            Artifact a = new Artifact();
            a.setName(e.variant());
            a.setVersion(VERSION);
            a.setProperties(new LinkedHashMap<>(e.filters()));
            servingProperties(e, a);
            artifacts.add(a);
            m.setDescription(e.description());
        }
        if (!artifacts.isEmpty()) {
            m.setApplication(Application.of(index.variants(artifactId).get(0).application()));
        }
        m.setArtifacts(artifacts);
        return m;
    }

    /**
     * Puts serving.properties into the artifact's arguments and options up front: DJL's
     * BaseModelLoader picks the translator factory before it reads the prepared directory's
     * serving.properties, so a {@code translatorFactory} there would otherwise be missed.
     */
    private void servingProperties(ZooEntry e, Artifact a) {
        String resource = root + e.artifactId() + "/" + e.variant() + "/serving.properties";
        Properties props = new Properties();
        try (InputStream is = loader.getResourceAsStream(resource)) {
            if (is == null) {
                return; // reported when the model is prepared
            }
            props.load(new InputStreamReader(is, StandardCharsets.UTF_8));
        } catch (IOException ex) {
            throw new UncheckedIOException(resource + ": " + ex.getMessage(), ex);
        }
        Map<String, Object> arguments = new ConcurrentHashMap<>();
        Map<String, String> options = new ConcurrentHashMap<>();
        for (String key : props.stringPropertyNames()) {
            if (key.startsWith("option.")) {
                options.put(key.substring(7), props.getProperty(key));
            } else {
                arguments.put(key, props.getProperty(key));
            }
        }
        a.setArguments(arguments);
        a.setOptions(options);
    }

    @Override
    public Artifact resolve(MRL mrl, Map<String, String> filter) {
        List<Artifact> found = locate(mrl).search(VersionRange.parse(mrl.getVersion()), filter);
        return found.isEmpty() ? null : found.get(0);
    }

    @Override
    public List<MRL> getResources() {
        return Collections.unmodifiableList(new ArrayList<>(mrls.values()));
    }

    /**
     * @param artifactId an artifact id of the index
     * @return its MRL, or null when the index has no such artifact
     */
    public MRL mrl(String artifactId) {
        return mrls.get(artifactId);
    }

    @Override
    public Path getCacheDirectory() {
        return cacheRoot;
    }

    @Override
    public Path getResourceDirectory(Artifact artifact) throws IOException {
        ZooEntry e = entry(artifact);
        return cacheRoot.resolve(e.artifactId()).resolve(e.variant()).resolve(hash(e));
    }

    @Override
    public synchronized void prepare(Artifact artifact, Progress progress) throws IOException {
        ZooEntry e = entry(artifact);
        Path dir = getResourceDirectory(artifact);
        if (Files.isDirectory(dir) && PackagedFiles.intact(dir)) {
            return;
        }
        PackagedFiles.copy(loader, root + e.artifactId() + "/" + e.variant() + "/", e, dir);
    }

    @Override
    public InputStream openStream(Artifact.Item item, String path) throws IOException {
        prepare(item.getArtifact(), null);
        return Files.newInputStream(getFile(item, path));
    }

    @Override
    public Path getFile(Artifact.Item item, String path) throws IOException {
        return getResourceDirectory(item.getArtifact()).resolve(path);
    }

    @Override
    public String[] listDirectory(Artifact.Item item, String path) throws IOException {
        prepare(item.getArtifact(), null);
        try (var s = Files.list(getFile(item, path))) {
            return s.map(p -> p.getFileName().toString()).sorted().toArray(String[]::new);
        }
    }

    /**
     * @param artifact a DJL artifact of this repository
     * @return its index entry
     */
    ZooEntry entry(Artifact artifact) {
        String artifactId = artifact.getMetadata().getArtifactId();
        for (ZooEntry e : index.variants(artifactId)) {
            if (e.variant().equals(artifact.getName())) {
                return e;
            }
        }
        throw new IllegalArgumentException("not an artifact of the mlp-zoo: " + artifact);
    }

    private String hash(ZooEntry e) throws IOException {
        String key = e.id();
        String h = hashes.get(key);
        if (h == null) {
            byte[] digest =
                    PackagedFiles.digest(
                            loader, root + e.artifactId() + "/" + e.variant() + "/", e);
            h = HexFormat.of().formatHex(digest, 0, 8);
            hashes.put(key, h);
        }
        return h;
    }
}
