package ai.mlpzoo.service;

import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes uploaded PNG and JPEG images, checking the format and the size (from the header, before
 * the pixels are decoded) so that a small file cannot claim a huge image.
 */
final class Images {

    private static final Set<String> FORMATS = Set.of("png", "jpeg");

    private Images() {}

    /**
     * @param bytes the file
     * @param maxPixels the largest width x height accepted
     * @return the image
     * @throws BadRequestException when it is not a PNG or JPEG, is too large, or is corrupt
     */
    static Image decode(byte[] bytes, long maxPixels) {
        if (bytes.length == 0) {
            throw new BadRequestException("the image is empty");
        }
        try (ImageInputStream in =
                ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
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
                BufferedImage img = reader.read(0);
                return ImageFactory.getInstance().fromImage(img);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof BadRequestException b) {
                throw b;
            }
            throw new BadRequestException(
                    "cannot decode the image: "
                            + (e.getMessage() == null
                                    ? e.getClass().getSimpleName()
                                    : e.getMessage()));
        }
    }
}
