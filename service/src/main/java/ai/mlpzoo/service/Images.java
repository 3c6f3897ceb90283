package ai.mlpzoo.service;

import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes uploaded PNG and JPEG images in memory (never through ImageIO's disk cache, whose temp
 * files fail in-flight requests at shutdown), checking the format, the pixels and the decoded bytes
 * (from the header, before the pixels are decoded) so that a small file cannot claim a huge image,
 * and refusing truncated files, which ImageIO would otherwise fill with grey.
 */
final class Images {

    private static final Set<String> FORMATS = Set.of("png", "jpeg");

    private Images() {}

    /**
     * Decodes with at most {@code decodes}' permits of concurrent decodes, so that many large
     * images at once cannot exhaust the heap.
     *
     * @param bytes the file
     * @param props the limits
     * @param decodes the permits of concurrent decodes
     * @return the image
     * @throws BadRequestException when the image is refused
     * @throws ServiceBusyException when no permit frees within {@code decode-wait}, or the heap
     *     cannot hold the image now
     */
    static Image decode(byte[] bytes, ServiceProperties props, Semaphore decodes) {
        boolean got;
        try {
            got = decodes.tryAcquire(props.getDecodeWait().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceBusyException("interrupted while waiting to decode the image");
        }
        if (!got) {
            throw new ServiceBusyException(
                    props.getMaxConcurrentDecodes()
                            + " images are being decoded (mlpzoo.service.max-concurrent-decodes);"
                            + " retry later");
        }
        try {
            return decode(bytes, props.getMaxImagePixels(), props.getMaxDecodedSize().toBytes());
        } catch (OutOfMemoryError e) {
            // the server's failure, not the client's: 503, never 400
            throw new ServiceBusyException(
                    "not enough memory to decode the image now; retry later");
        } finally {
            decodes.release();
        }
    }

    /**
     * @param bytes the file
     * @param maxPixels the largest width x height accepted
     * @param maxDecodedBytes the largest decoded image accepted, in bytes (pixels x bytes per
     *     pixel)
     * @return the image
     * @throws BadRequestException when it is not a PNG or JPEG, is too large, is truncated or is
     *     corrupt
     */
    static Image decode(byte[] bytes, long maxPixels, long maxDecodedBytes) {
        if (bytes.length == 0) {
            throw new BadRequestException("the image is empty");
        }
        try (ImageInputStream in =
                new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw new BadRequestException("not a PNG or JPEG image");
            }
            ImageReader reader = readers.next();
            try {
                String format = reader.getFormatName().toLowerCase(Locale.ROOT);
                if (!FORMATS.contains(format)) {
                    throw new BadRequestException(
                            "unsupported image format " + format + "; send PNG or JPEG");
                }
                reader.setInput(in, true, true);
                long w = reader.getWidth(0);
                long h = reader.getHeight(0);
                if (w <= 0 || h <= 0 || w * h > maxPixels) {
                    throw new BadRequestException(
                            "the image is "
                                    + w
                                    + " x "
                                    + h
                                    + " pixels; at most "
                                    + maxPixels
                                    + " pixels are accepted");
                }
                long bytesPerPixel = bytesPerPixel(reader);
                if (w * h * bytesPerPixel > maxDecodedBytes) {
                    throw new BadRequestException(
                            "the image is "
                                    + w
                                    + " x "
                                    + h
                                    + " pixels of "
                                    + bytesPerPixel
                                    + " bytes, "
                                    + (w * h * bytesPerPixel)
                                    + " bytes decoded; at most "
                                    + maxDecodedBytes
                                    + " bytes are accepted (mlpzoo.service.max-decoded-size)");
                }
                // ImageIO reports a file that ends early as a warning and fills the rest with
                // grey: a truncated image is refused, never classified
                List<String> warnings = new ArrayList<>();
                reader.addIIOReadWarningListener((r, warning) -> warnings.add(warning));
                BufferedImage img = reader.read(0);
                if (!warnings.isEmpty()) {
                    throw new BadRequestException(
                            "the image is truncated or corrupt: " + warnings.get(0));
                }
                return ImageFactory.getInstance().fromImage(img);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof BadRequestException b) {
                throw b;
            }
            if (e.getCause() instanceof Error err) {
                // ImageIO wraps the decoder's errors (OutOfMemoryError): the server's failure
                throw err;
            }
            if (e instanceof IIOException && isTruncation(e)) {
                throw new BadRequestException("the image is truncated: " + e.getMessage());
            }
            throw new BadRequestException(
                    "cannot decode the image: "
                            + (e.getMessage() == null
                                    ? e.getClass().getSimpleName()
                                    : e.getMessage()));
        }
    }

    /** The bytes per decoded pixel the reader will allocate (at least one). */
    private static long bytesPerPixel(ImageReader reader) throws IOException {
        ImageTypeSpecifier type = reader.getRawImageType(0);
        if (type == null) {
            Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
            type = types.hasNext() ? types.next() : null;
        }
        if (type == null) {
            return 4;
        }
        int bits = 0;
        for (int size : type.getSampleModel().getSampleSize()) {
            bits += size;
        }
        return Math.max(1, (bits + 7) / 8);
    }

    private static boolean isTruncation(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof java.io.EOFException) {
                return true;
            }
        }
        return false;
    }
}
