package ai.mlpzoo.service;

import ai.djl.modality.Classifications;
import ai.djl.modality.cv.Image;
import ai.djl.translate.TranslateException;
import ai.mlpzoo.spring.MlpZooModels;
import ai.mlpzoo.spring.ModelKind;
import ai.mlpzoo.spring.ServedModel;
import ai.mlpzoo.translate.Forecast;
import ai.mlpzoo.translate.SparseFeatures;
import ai.mlpzoo.translate.TimeSeries;
import ai.mlpzoo.zoo.MlpZoo;
import ai.mlpzoo.zoo.ZooEntry;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.multipart.MultipartHttpServletRequest;

/**
 * The REST API of the served models. Model ids are looked up in {@link MlpZooModels}, never used as
 * paths.
 */
@RestController
@RequestMapping(path = "/v1/models", produces = MediaType.APPLICATION_JSON_VALUE)
class ModelsController {

    private final MlpZooModels models;
    private final ServiceProperties props;
    private final Semaphore decodes;
    private final Semaphore itemsInFlight;

    ModelsController(MlpZooModels models, ServiceProperties props) {
        this.models = models;
        this.props = props;
        this.decodes = new Semaphore(Math.max(1, props.getMaxConcurrentDecodes()));
        this.itemsInFlight = new Semaphore(Math.max(1, props.getMaxItemsInFlight()));
    }

    /**
     * @return the served models and every model of the zoo
     */
    @GetMapping
    Api.Models list() throws IOException {
        List<Api.ServedModelInfo> served = new ArrayList<>();
        for (ServedModel m : models.all()) {
            served.add(
                    new Api.ServedModelInfo(
                            m.id(),
                            m.kind().name(),
                            m.source(),
                            m.inputShape().getShape(),
                            m.labels(),
                            m.pool().size(),
                            m.engine()));
        }
        List<Api.ZooModelInfo> zoo = new ArrayList<>();
        for (ZooEntry e : MlpZoo.entries()) {
            zoo.add(
                    new Api.ZooModelInfo(
                            e.artifactId(),
                            e.variant(),
                            e.application(),
                            e.filters(),
                            e.description(),
                            e.pretrained(),
                            e.parameters()));
        }
        return new Api.Models(served, zoo);
    }

    /** Classifies an uploaded image (multipart/form-data, one file part). */
    @PostMapping(path = "/{id}/predict", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    Api.Prediction predictMultipart(
            @PathVariable String id,
            @RequestParam(required = false) Integer k,
            MultipartHttpServletRequest request)
            throws IOException, TranslateException {
        ServedModel m = classifier(id);
        int topK = topK(k);
        List<MultipartFile> files = new ArrayList<>();
        request.getMultiFileMap().values().forEach(files::addAll);
        if (files.size() != 1) {
            throw new BadRequestException("send exactly one image file part, got " + files.size());
        }
        Image image = Images.decode(files.get(0).getBytes(), props, decodes);
        return new Api.Prediction(m.id(), List.of(top(m.classify(image), topK)));
    }

    /** Classifies an image sent as the raw body (image/png or image/jpeg). */
    @PostMapping(
            path = "/{id}/predict",
            consumes = {MediaType.IMAGE_PNG_VALUE, MediaType.IMAGE_JPEG_VALUE})
    Api.Prediction predictImage(
            @PathVariable String id,
            @RequestParam(required = false) Integer k,
            HttpServletRequest request)
            throws IOException, TranslateException {
        ServedModel m = classifier(id);
        int topK = topK(k);
        byte[] body = readBody(request);
        Image image = Images.decode(body, props, decodes);
        return new Api.Prediction(m.id(), List.of(top(m.classify(image), topK)));
    }

    /** Classifies model-ready tensors: {"data": [...], "shape": [C, H, W] or [N, C, H, W]}. */
    @PostMapping(path = "/{id}/predict", consumes = MediaType.APPLICATION_JSON_VALUE)
    Api.Prediction predictTensor(
            @PathVariable String id,
            @RequestParam(required = false) Integer k,
            @RequestBody Api.Tensor tensor)
            throws TranslateException {
        ServedModel m = classifier(id);
        int topK = topK(k);
        if (tensor == null || tensor.data() == null || tensor.shape() == null) {
            throw new BadRequestException(
                    "the body must be {\"data\": [numbers], \"shape\": [dims]}");
        }
        long[] item = m.inputShape().getShape();
        long[] shape = tensor.shape();
        if (shape.length != item.length + 1) {
            // one item: the model checks its shape
            List<List<Api.ClassScore>> out = new ArrayList<>();
            for (Classifications c : m.classifyTensor(tensor.data(), shape)) {
                out.add(top(c, topK));
            }
            return new Api.Prediction(m.id(), out);
        }
        long batch = shape[0];
        long itemSize = 1;
        for (long d : item) {
            itemSize *= d;
        }
        if (batch < 1 || !Arrays.equals(Arrays.copyOfRange(shape, 1, shape.length), item)) {
            m.classifyTensor(tensor.data(), shape); // refuses it, naming the expected shape
        }
        if (tensor.data().length != batch * itemSize) {
            throw new BadRequestException(
                    "shape "
                            + Arrays.toString(shape)
                            + " needs "
                            + batch * itemSize
                            + " values, got "
                            + tensor.data().length);
        }
        if (batch > props.getMaxBatch()) {
            throw new BatchTooLargeException(batch, props.getMaxBatch());
        }
        int permits = (int) Math.min(batch, Math.max(1, props.getMaxItemsInFlight()));
        acquire(itemsInFlight, permits, "mlpzoo.service.max-items-in-flight");
        try {
            // in chunks: the engine keeps every intermediate of a forward until it returns
            List<List<Api.ClassScore>> out = new ArrayList<>();
            int chunk = Math.max(1, props.getPredictChunk());
            for (int start = 0; start < batch; start += chunk) {
                int n = (int) Math.min(chunk, batch - start);
                long[] part = shape.clone();
                part[0] = n;
                float[] data =
                        Arrays.copyOfRange(
                                tensor.data(),
                                (int) (start * itemSize),
                                (int) ((start + n) * itemSize));
                for (Classifications c : m.classifyTensor(data, part)) {
                    out.add(top(c, topK));
                }
            }
            return new Api.Prediction(m.id(), out);
        } finally {
            itemsInFlight.release(permits);
        }
    }

    /** The active SAE features of one activation vector: {"data": [d_in values]}. */
    @PostMapping(path = "/{id}/features", consumes = MediaType.APPLICATION_JSON_VALUE)
    Api.Features features(@PathVariable String id, @RequestBody Api.Tensor tensor)
            throws TranslateException {
        ServedModel m = models.get(id);
        if (m.kind() != ModelKind.SAE) {
            throw new BadRequestException(
                    "model "
                            + id
                            + " is not a sparse autoencoder; use /v1/models/"
                            + id
                            + (m.kind() == ModelKind.FORECASTER ? "/forecast" : "/predict"));
        }
        if (tensor == null || tensor.data() == null) {
            throw new BadRequestException("the body must be {\"data\": [numbers]}");
        }
        if (tensor.shape() != null
                && !(tensor.shape().length == 1 && tensor.shape()[0] == tensor.data().length)) {
            throw new BadRequestException(
                    "features take one vector: shape must be ["
                            + tensor.data().length
                            + "] or absent");
        }
        SparseFeatures f = m.features(tensor.data());
        return new Api.Features(m.id(), f.width(), f.indices(), f.values());
    }

    /**
     * Forecasts a series: {"values": [[...], ...], "timestamps": [...]} in the data's units, the
     * forecast in the same units (see {@link Api.Window}).
     */
    @PostMapping(path = "/{id}/forecast", consumes = MediaType.APPLICATION_JSON_VALUE)
    Api.ForecastResult forecast(@PathVariable String id, @RequestBody Api.Window window)
            throws TranslateException {
        ServedModel m = models.get(id);
        if (m.kind() != ModelKind.FORECASTER) {
            throw new BadRequestException(
                    "model " + id + " is not a forecaster; use /v1/models/" + id + "/predict");
        }
        if (window == null || window.values() == null) {
            throw new BadRequestException(
                    "the body must be {\"values\": [[numbers per channel], one row per step],"
                            + " \"timestamps\": [optional, one per row]}");
        }
        LocalDateTime[] stamps = null;
        if (window.timestamps() != null) {
            stamps = new LocalDateTime[window.timestamps().size()];
            for (int i = 0; i < stamps.length; i++) {
                stamps[i] = Timestamps.parse(window.timestamps().get(i), "timestamps[" + i + "]");
            }
        }
        acquire(itemsInFlight, 1, "mlpzoo.service.max-items-in-flight");
        Forecast f;
        try {
            f = m.forecast(new TimeSeries(window.values(), stamps));
        } finally {
            itemsInFlight.release(1);
        }
        List<String> out = null;
        if (f.timestamps() != null) {
            out = new ArrayList<>();
            for (LocalDateTime t : f.timestamps()) {
                out.add(Timestamps.format(t));
            }
        }
        return new Api.ForecastResult(m.id(), f.columns(), out, f.values());
    }

    private ServedModel classifier(String id) {
        ServedModel m = models.get(id);
        if (m.kind() != ModelKind.IMAGE_CLASSIFIER) {
            throw new BadRequestException(
                    "model "
                            + id
                            + " is not a classifier; use /v1/models/"
                            + id
                            + (m.kind() == ModelKind.FORECASTER ? "/forecast" : "/features"));
        }
        return m;
    }

    private void acquire(Semaphore s, int permits, String property) {
        try {
            if (!s.tryAcquire(permits, props.getDecodeWait().toMillis(), TimeUnit.MILLISECONDS)) {
                throw new ServiceBusyException(
                        "the service is at its limit of work in flight ("
                                + property
                                + "); retry later");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceBusyException("interrupted while waiting for capacity");
        }
    }

    private int topK(Integer k) {
        int v = k == null ? props.getDefaultTopK() : k;
        if (v < 1 || v > 1000) {
            throw new BadRequestException("k must be between 1 and 1000, got " + v);
        }
        return v;
    }

    private byte[] readBody(HttpServletRequest request) throws IOException {
        long limit = props.getMaxBodySize().toBytes();
        if (request.getContentLengthLong() > limit) {
            throw new PayloadTooLargeException(limit);
        }
        try (InputStream in = request.getInputStream()) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            if (bytes.length > limit) {
                throw new PayloadTooLargeException(limit);
            }
            return bytes;
        }
    }

    private static List<Api.ClassScore> top(Classifications c, int k) {
        List<Api.ClassScore> out = new ArrayList<>();
        List<String> names = c.getClassNames();
        for (Classifications.Classification x : c.topK(k)) {
            out.add(
                    new Api.ClassScore(
                            x.getClassName(), names.indexOf(x.getClassName()), x.getProbability()));
        }
        return out;
    }
}
