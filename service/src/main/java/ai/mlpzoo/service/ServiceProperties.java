package ai.mlpzoo.service;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/** The {@code mlpzoo.service.*} limits of the REST service. */
@ConfigurationProperties(prefix = "mlpzoo.service")
public class ServiceProperties {

    /**
     * The largest request body (raw images, JSON tensors); multipart uploads have
     * spring.servlet.multipart.*.
     */
    private DataSize maxBodySize = DataSize.ofMegabytes(1);

    /** The largest image accepted, in pixels (width x height), checked before decoding. */
    private long maxImagePixels = 4096L * 4096L;

    /** The number of classes returned when the request has no k. */
    private int defaultTopK = 5;

    /**
     * The most items in one JSON tensor request (the leading batch axis). Each item keeps the
     * model's intermediates while it runs: about 1.6 MB for the Fashion-MNIST Mixer on PyTorch.
     */
    private int maxBatch = 64;

    /** A batch is predicted in chunks of at most this many items, bounding the intermediates. */
    private int predictChunk = 16;

    /**
     * The most tensor items being predicted at once over all requests (the memory of work in
     * flight); a request that would exceed it waits {@link #decodeWait}, then 503.
     */
    private int maxItemsInFlight = 256;

    /**
     * The largest decoded image, in bytes (width x height x bytes per pixel: a 16-bit RGB pixel is
     * 6), checked from the header before decoding.
     */
    private DataSize maxDecodedSize = DataSize.ofMegabytes(64);

    /** The most images decoded at once; further requests wait {@link #decodeWait}, then 503. */
    private int maxConcurrentDecodes = Math.max(2, Runtime.getRuntime().availableProcessors());

    /** How long a request waits for a free decoder before a 503 with Retry-After. */
    private Duration decodeWait = Duration.ofSeconds(2);

    /**
     * The longest a request body may take to arrive (from the first read), however steadily it
     * trickles; then 408. Tomcat's server.tomcat.connection-timeout bounds a stalled one.
     */
    private Duration bodyReadTimeout = Duration.ofSeconds(10);

    public DataSize getMaxBodySize() {
        return maxBodySize;
    }

    public void setMaxBodySize(DataSize maxBodySize) {
        this.maxBodySize = maxBodySize;
    }

    public long getMaxImagePixels() {
        return maxImagePixels;
    }

    public void setMaxImagePixels(long maxImagePixels) {
        this.maxImagePixels = maxImagePixels;
    }

    public int getDefaultTopK() {
        return defaultTopK;
    }

    public void setDefaultTopK(int defaultTopK) {
        this.defaultTopK = defaultTopK;
    }

    public DataSize getMaxDecodedSize() {
        return maxDecodedSize;
    }

    public void setMaxDecodedSize(DataSize maxDecodedSize) {
        this.maxDecodedSize = maxDecodedSize;
    }

    public int getMaxConcurrentDecodes() {
        return maxConcurrentDecodes;
    }

    public void setMaxConcurrentDecodes(int maxConcurrentDecodes) {
        this.maxConcurrentDecodes = maxConcurrentDecodes;
    }

    public Duration getDecodeWait() {
        return decodeWait;
    }

    public void setDecodeWait(Duration decodeWait) {
        this.decodeWait = decodeWait;
    }

    public Duration getBodyReadTimeout() {
        return bodyReadTimeout;
    }

    public void setBodyReadTimeout(Duration bodyReadTimeout) {
        this.bodyReadTimeout = bodyReadTimeout;
    }

    public int getMaxBatch() {
        return maxBatch;
    }

    public void setMaxBatch(int maxBatch) {
        this.maxBatch = maxBatch;
    }

    public int getPredictChunk() {
        return predictChunk;
    }

    public void setPredictChunk(int predictChunk) {
        this.predictChunk = predictChunk;
    }

    public int getMaxItemsInFlight() {
        return maxItemsInFlight;
    }

    public void setMaxItemsInFlight(int maxItemsInFlight) {
        this.maxItemsInFlight = maxItemsInFlight;
    }
}
