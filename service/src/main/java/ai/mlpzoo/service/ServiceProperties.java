package ai.mlpzoo.service;

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
}
