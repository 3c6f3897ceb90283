package ai.mlpzoo.spring;

import ai.djl.MalformedModelException;
import ai.djl.modality.Classifications;
import ai.djl.modality.cv.Image;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import ai.mlpzoo.config.ForecastConfig;
import ai.mlpzoo.config.ModelConfig;
import ai.mlpzoo.config.SaeConfig;
import ai.mlpzoo.translate.Forecast;
import ai.mlpzoo.translate.ForecastTranslatorFactory;
import ai.mlpzoo.translate.ImageClassifierFactory;
import ai.mlpzoo.translate.ModelInfo;
import ai.mlpzoo.translate.SparseFeatures;
import ai.mlpzoo.translate.TimeSeries;
import ai.mlpzoo.translate.VectorTranslatorFactory;
import ai.mlpzoo.zoo.EngineChoice;
import ai.mlpzoo.zoo.MlpModelZoo;
import ai.mlpzoo.zoo.MlpZoo;
import ai.mlpzoo.zoo.ModelDirs;
import ai.mlpzoo.zoo.ZooEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * One configured model: the {@link ZooModel} and its bounded {@link PredictorPool}s (one per input
 * form). Image classifiers answer {@link #classify(Image)} and {@link #classifyTensor}; sparse
 * autoencoders answer {@link #features(float[])}.
 */
public final class ServedModel implements AutoCloseable {

    private static final org.slf4j.Logger LOG =
            org.slf4j.LoggerFactory.getLogger(ServedModel.class);

    private final String id;
    private final ModelKind kind;
    private final String source;
    private final ZooModel<?, ?> model;
    private final Shape inputShape;
    private final List<String> labels;
    private final PredictorPool<Image, Classifications> images;
    private final PredictorPool<TensorClassifier.Tensor, float[][]> tensors;
    private final PredictorPool<float[], SparseFeatures> features;
    private final PredictorPool<TimeSeries, Forecast> forecasts;

    private ServedModel(
            String id,
            ModelKind kind,
            String source,
            ZooModel<?, ?> model,
            Shape inputShape,
            List<String> labels,
            PredictorPool<Image, Classifications> images,
            PredictorPool<TensorClassifier.Tensor, float[][]> tensors,
            PredictorPool<float[], SparseFeatures> features,
            PredictorPool<TimeSeries, Forecast> forecasts) {
        this.id = id;
        this.forecasts = forecasts;
        this.kind = kind;
        this.source = source;
        this.model = model;
        this.inputShape = inputShape;
        this.labels = labels;
        this.images = images;
        this.tensors = tensors;
        this.features = features;
    }

    /**
     * Loads a model as its properties describe and creates its predictor pools.
     *
     * @param id the model id
     * @param spec its properties
     * @param global the defaults (engine, pool size, borrow timeout)
     * @param metrics where predictions are reported
     * @return the model, ready to serve
     * @throws IOException when the model cannot be found or read, naming the model id
     */
    @SuppressWarnings("unchecked")
    public static ServedModel load(
            String id,
            MlpZooProperties.Model spec,
            MlpZooProperties global,
            PredictionMetrics metrics)
            throws IOException {
        boolean fromZoo = spec.getArtifactId() != null && !spec.getArtifactId().isBlank();
        Path dir = spec.getModelDir();
        if (fromZoo == (dir != null)) {
            throw new IOException(
                    "mlpzoo.models." + id + ": set exactly one of artifact-id and model-dir");
        }
        if (dir != null && !Files.isRegularFile(dir.resolve(ModelDirs.ARCHITECTURE))) {
            throw new IOException(
                    "mlpzoo.models."
                            + id
                            + ": "
                            + dir
                            + " is not an mlp-zoo model directory (no "
                            + ModelDirs.ARCHITECTURE
                            + ")");
        }
        ModelKind kind = spec.getKind() == null ? ModelKind.AUTO : spec.getKind();
        if (kind == ModelKind.AUTO) {
            kind = dir != null ? kindOf(ModelDirs.readArchitecture(dir)) : zooKind(spec);
        }
        String asked = spec.getEngine() != null ? spec.getEngine() : global.getEngine();
        int poolSize = spec.getPoolSize() != null ? spec.getPoolSize() : global.getPoolSize();
        Duration timeout = global.getBorrowTimeout();
        String source =
                fromZoo
                        ? MlpModelZoo.GROUP_ID
                                + ":"
                                + spec.getArtifactId()
                                + (spec.getFilters().isEmpty() ? "" : " " + spec.getFilters())
                        // the folder's name only: source() is shown by /v1/models and the
                        // health endpoint, which must not tell clients the server's file paths
                        : "model directory " + dir.toAbsolutePath().normalize().getFileName();

        Criteria.Builder<?, ?> b;
        if (kind == ModelKind.FORECASTER) {
            b =
                    Criteria.builder()
                            .setTypes(TimeSeries.class, Forecast.class)
                            .optTranslatorFactory(new ForecastTranslatorFactory());
        } else if (kind == ModelKind.SAE) {
            b =
                    Criteria.builder()
                            .setTypes(float[].class, SparseFeatures.class)
                            .optTranslatorFactory(new VectorTranslatorFactory());
        } else {
            b =
                    Criteria.builder()
                            .setTypes(Image.class, Classifications.class)
                            .optTranslatorFactory(new ImageClassifierFactory());
        }
        if (fromZoo) {
            b = b.optGroupId(MlpModelZoo.GROUP_ID).optArtifactId(spec.getArtifactId());
            if (!spec.getFilters().isEmpty()) {
                b = b.optFilters(spec.getFilters());
            }
        } else {
            ai.mlpzoo.zoo.ModelDirs.checkSafe(dir); // data only, before DJL reads it
            b = b.optModelPath(dir);
        }
        EngineChoice.Choice engine;
        try {
            engine = engine(asked, kind, fromZoo, spec, dir);
        } catch (IOException e) {
            throw new IOException("mlpzoo.models." + id + ": " + e.getMessage(), e);
        }
        if (engine != null) {
            if (engine.automatic()) {
                LOG.info("mlpzoo.models.{}: {}", id, engine.line());
            }
            b = b.optEngine(engine.engine());
            if (engine.automatic() && EngineChoice.ONNX.equals(engine.engine())) {
                // a request is the unit of parallelism (the pool runs pool-size of them at once),
                // as on Spark's executors: one ONNX Runtime thread each
                b = b.optOption("intraOpNumThreads", "1").optOption("interOpNumThreads", "1");
            }
        }
        ZooModel<?, ?> model;
        try {
            model = MlpZoo.loadModel(b.build());
        } catch (ModelNotFoundException | MalformedModelException | RuntimeException e) {
            throw new IOException(
                    "mlpzoo.models."
                            + id
                            + ": cannot load "
                            + (dir != null ? dir : source)
                            + ": "
                            + e.getMessage(),
                    e);
        }
        try {
            ModelConfig config = ModelDirs.readArchitecture(model.getModelPath());
            Shape shape = config.inputShape();
            Shape perItem = shape.slice(1);
            if (kind == ModelKind.SAE) {
                ZooModel<float[], SparseFeatures> sae = (ZooModel<float[], SparseFeatures>) model;
                PredictorPool<float[], SparseFeatures> pool =
                        new PredictorPool<>(id, poolSize, sae::newPredictor, timeout, metrics);
                return new ServedModel(
                        id, kind, source, model, perItem, List.of(), null, null, pool, null);
            }
            if (kind == ModelKind.FORECASTER) {
                if (!(config instanceof ForecastConfig)) {
                    throw new IOException(
                            "mlpzoo.models."
                                    + id
                                    + ": kind FORECASTER needs a forecasting model, the"
                                    + " architecture is "
                                    + config.modelType());
                }
                ZooModel<TimeSeries, Forecast> fm = (ZooModel<TimeSeries, Forecast>) model;
                PredictorPool<TimeSeries, Forecast> pool =
                        new PredictorPool<>(id, poolSize, fm::newPredictor, timeout, metrics);
                return new ServedModel(
                        id,
                        kind,
                        source,
                        model,
                        perItem,
                        ModelInfo.of(model).columns(),
                        null,
                        null,
                        null,
                        pool);
            }
            ZooModel<Image, Classifications> cls = (ZooModel<Image, Classifications>) model;
            List<String> labels = ModelInfo.of(model).labelNames();
            PredictorPool<Image, Classifications> img =
                    new PredictorPool<>(id, poolSize, cls::newPredictor, timeout, metrics);
            PredictorPool<TensorClassifier.Tensor, float[][]> raw;
            try {
                raw =
                        new PredictorPool<>(
                                id,
                                poolSize,
                                () -> cls.newPredictor(new TensorClassifier()),
                                timeout,
                                metrics);
            } catch (RuntimeException e) {
                img.close();
                throw e;
            }
            return new ServedModel(
                    id,
                    kind,
                    source,
                    model,
                    perItem,
                    labels == null ? null : Collections.unmodifiableList(new ArrayList<>(labels)),
                    img,
                    raw,
                    null,
                    null);
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /**
     * The engine of one model: the one asked for; unset or {@value EngineChoice#AUTO}, an image
     * classifier that ships a {@code model.onnx} runs on ONNX Runtime when that engine is on the
     * classpath (one image per request is many small operations on PyTorch, one native graph on
     * ONNX Runtime: BENCHMARKS.md), anything else on PyTorch.
     *
     * @param asked the configured engine, {@code auto}, or null
     * @param kind what the model does
     * @param fromZoo whether the model is a zoo artifact (else a model directory)
     * @param spec the model's properties (the artifact and filters of a zoo model)
     * @param dir the model directory, or null for a zoo model
     * @return the choice, or null to leave DJL's default (unset, and not an image classifier)
     * @throws IOException when the engine asked for is not on the classpath, or the zoo's index
     *     cannot be read
     */
    static EngineChoice.Choice engine(
            String asked, ModelKind kind, boolean fromZoo, MlpZooProperties.Model spec, Path dir)
            throws IOException {
        boolean auto =
                asked == null
                        || asked.isBlank()
                        || EngineChoice.AUTO.equals(asked.toLowerCase(java.util.Locale.ROOT));
        if (!auto) {
            if (!ai.djl.engine.Engine.hasEngine(asked)) {
                throw new IOException(
                        "engine '"
                                + asked
                                + "' is not on the classpath; available: "
                                + ai.djl.engine.Engine.getAllEngines()
                                + " or auto");
            }
            return EngineChoice.asked(asked);
        }
        if (kind != ModelKind.IMAGE_CLASSIFIER) {
            return asked == null || asked.isBlank()
                    ? null
                    : new EngineChoice.Choice(
                            EngineChoice.PYTORCH, "auto chooses ONNX Runtime for images only");
        }
        if (!fromZoo) {
            return EngineChoice.forDirectory(dir, EngineChoice.AUTO);
        }
        List<ZooEntry> match =
                MlpZoo.repository().index().match(spec.getArtifactId(), spec.getFilters());
        boolean hasOnnx = !match.isEmpty() && match.get(0).files().contains(EngineChoice.ONNX_FILE);
        return EngineChoice.automatic(hasOnnx, "the zoo's " + spec.getArtifactId());
    }

    private static ModelKind kindOf(ModelConfig config) {
        if (config instanceof SaeConfig) {
            return ModelKind.SAE;
        }
        return config instanceof ForecastConfig ? ModelKind.FORECASTER : ModelKind.IMAGE_CLASSIFIER;
    }

    /** A zoo artifact's kind, by the application its index entry declares. */
    private static ModelKind zooKind(MlpZooProperties.Model spec) throws IOException {
        for (ZooEntry e : MlpZoo.entries()) {
            if (e.artifactId().equals(spec.getArtifactId())
                    && FORECASTING.equals(e.application())) {
                return ModelKind.FORECASTER;
            }
        }
        return ModelKind.IMAGE_CLASSIFIER;
    }

    /** DJL's application of forecasting models. */
    private static final String FORECASTING = "timeseries/forecasting";

    /**
     * @return the DJL engine the model runs on
     */
    public String engine() {
        return model.getNDManager().getEngine().getEngineName();
    }

    /**
     * @return the model id
     */
    public String id() {
        return id;
    }

    /**
     * @return what the model does
     */
    public ModelKind kind() {
        return kind;
    }

    /**
     * @return where it was loaded from: the zoo artifact and filters, or "model directory" and the
     *     directory's name (never its path: this is shown to clients)
     */
    public String source() {
        return source;
    }

    /**
     * @return the DJL model
     */
    public ZooModel<?, ?> model() {
        return model;
    }

    /**
     * @return the shape of one input, without the batch axis ([C, H, W] for an image model, [d_in]
     *     for an SAE)
     */
    public Shape inputShape() {
        return inputShape;
    }

    /**
     * @return the class names (null when the model has none: classes are numbered)
     */
    public List<String> labels() {
        return labels;
    }

    /**
     * @return the pool that serves this model's main input form (images, or vectors for an SAE)
     */
    public PredictorPool<?, ?> pool() {
        switch (kind) {
            case SAE:
                return features;
            case FORECASTER:
                return forecasts;
            default:
                return images;
        }
    }

    /**
     * @return every pool of this model
     */
    public List<PredictorPool<?, ?>> pools() {
        List<PredictorPool<?, ?>> all = new ArrayList<>();
        for (PredictorPool<?, ?> p : Arrays.asList(images, tensors, features, forecasts)) {
            if (p != null) {
                all.add(p);
            }
        }
        return all;
    }

    /**
     * Classifies an image with the model's own preprocessing.
     *
     * @param image the image
     * @return every class with its probability
     * @throws TranslateException when the prediction fails
     * @throws NonFiniteOutputException when the model produces NaN or an infinity
     * @throws UnsupportedOperationException when the model is not an image classifier
     */
    public Classifications classify(Image image) throws TranslateException {
        requireKind(ModelKind.IMAGE_CLASSIFIER);
        Classifications c = predict(() -> images.predict(image));
        for (int i = 0; i < c.getProbabilities().size(); i++) {
            checkOutput(c.getProbabilities().get(i).floatValue(), "probability " + i);
        }
        return c;
    }

    /**
     * Classifies model-ready (normalised) tensors.
     *
     * @param data the values, row-major
     * @param shape the input shape, or the input shape with a leading batch axis
     * @return one result per batch item
     * @throws IllegalArgumentException when the shape does not fit the model or the data
     * @throws NonFiniteOutputException when the model produces NaN or an infinity
     * @throws TranslateException when the prediction fails
     */
    public List<Classifications> classifyTensor(float[] data, long[] shape)
            throws TranslateException {
        requireKind(ModelKind.IMAGE_CLASSIFIER);
        long[] item = inputShape.getShape();
        long[] full;
        if (Arrays.equals(shape, item)) {
            full = new long[item.length + 1];
            full[0] = 1;
            System.arraycopy(item, 0, full, 1, item.length);
        } else if (shape.length == item.length + 1
                && shape[0] >= 1
                && shape[0] <= 1024
                && Arrays.equals(Arrays.copyOfRange(shape, 1, shape.length), item)) {
            full = shape;
        } else {
            throw new IllegalArgumentException(
                    "shape "
                            + Arrays.toString(shape)
                            + " does not fit model "
                            + id
                            + ": expected "
                            + Arrays.toString(item)
                            + " or [batch (1..1024), "
                            + Arrays.toString(item).substring(1));
        }
        long n = 1;
        for (long d : full) {
            n *= d;
        }
        if (data.length != n) {
            throw new IllegalArgumentException(
                    "shape "
                            + Arrays.toString(shape)
                            + " needs "
                            + n
                            + " values, got "
                            + data.length);
        }
        checkFinite(data);
        float[][] probs = predict(() -> tensors.predict(new TensorClassifier.Tensor(data, full)));
        for (int r = 0; r < probs.length; r++) {
            for (int i = 0; i < probs[r].length; i++) {
                checkOutput(probs[r][i], "item " + r + ", probability " + i);
            }
        }
        List<Classifications> out = new ArrayList<>(probs.length);
        for (float[] row : probs) {
            List<String> names = labels;
            if (names == null || names.size() != row.length) {
                names = new ArrayList<>(row.length);
                for (int i = 0; i < row.length; i++) {
                    names.add(Integer.toString(i));
                }
            }
            List<Double> p = new ArrayList<>(row.length);
            for (float v : row) {
                p.add((double) v);
            }
            out.add(new Classifications(names, p));
        }
        return out;
    }

    /**
     * The active features of a sparse autoencoder for one activation vector.
     *
     * @param activations the vector, d_in values
     * @return the active features
     * @throws IllegalArgumentException when the vector has the wrong length or a non-finite value
     * @throws NonFiniteOutputException when the model produces NaN or an infinity
     * @throws TranslateException when the prediction fails
     */
    public SparseFeatures features(float[] activations) throws TranslateException {
        requireKind(ModelKind.SAE);
        long dIn = inputShape.get(0);
        if (activations.length != dIn) {
            throw new IllegalArgumentException(
                    "model "
                            + id
                            + " takes vectors of "
                            + dIn
                            + " values, got "
                            + activations.length);
        }
        checkFinite(activations);
        SparseFeatures f = predict(() -> features.predict(activations));
        for (int i = 0; i < f.values().length; i++) {
            checkOutput(f.values()[i], "feature " + f.indices()[i]);
        }
        return f;
    }

    /**
     * Forecasts a series: its last context rows, in the data's units.
     *
     * @param series the window (at least the model's context length of rows)
     * @return the forecast, in the data's units
     * @throws IllegalArgumentException when the window does not fit the model
     * @throws NonFiniteOutputException when the model produces NaN or an infinity
     * @throws TranslateException when the prediction fails
     */
    public Forecast forecast(TimeSeries series) throws TranslateException {
        requireKind(ModelKind.FORECASTER);
        Forecast f = predict(() -> forecasts.predict(series));
        for (int t = 0; t < f.values().length; t++) {
            for (int c = 0; c < f.values()[t].length; c++) {
                checkOutput(f.values()[t][c], "step " + t + ", channel " + c);
            }
        }
        return f;
    }

    /** A prediction, as the predictor pool runs it. */
    @FunctionalInterface
    private interface Prediction<T> {
        T run() throws TranslateException;
    }

    /**
     * Runs a prediction; a non-finite output the translator refused is reported as this model's
     * {@link NonFiniteOutputException} (a 422 in the service), not as a failed prediction.
     */
    private <T> T predict(Prediction<T> p) throws TranslateException {
        // a request thread only runs inference: no autograd graph per forward on PyTorch
        ai.mlpzoo.zoo.InferenceThreads.noGradOnThisThread(model);
        try {
            return p.run();
        } catch (TranslateException | RuntimeException e) {
            for (Throwable c = e; c != null; c = c.getCause()) {
                if (c instanceof ai.mlpzoo.translate.NonFiniteOutputError) {
                    throw new NonFiniteOutputException(id, c.getMessage());
                }
            }
            throw e;
        }
    }

    /** Outputs are checked as inputs are: a NaN or infinity is never returned as a result. */
    private void checkOutput(float v, String where) {
        if (!Float.isFinite(v)) {
            throw new NonFiniteOutputException(id, where + " is " + v);
        }
    }

    private static void checkFinite(float[] data) {
        for (int i = 0; i < data.length; i++) {
            if (!Float.isFinite(data[i])) {
                throw new IllegalArgumentException(
                        "value " + i + " is " + data[i] + " (NaN or infinite)");
            }
        }
    }

    private void requireKind(ModelKind k) {
        if (kind != k) {
            throw new UnsupportedOperationException(
                    "model "
                            + id
                            + " is "
                            + kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
                            + ", not "
                            + k.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
        }
    }

    /**
     * @return whether every pool is open
     */
    public boolean isOpen() {
        return pools().stream().noneMatch(PredictorPool::isClosed);
    }

    /** Closes the pools, then the model. */
    @Override
    public void close() {
        pools().forEach(PredictorPool::close);
        model.close();
    }

    @Override
    public String toString() {
        return "ServedModel[" + id + ", " + kind + ", " + source + "]";
    }
}
