package ai.mlpzoo.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.modality.cv.Image;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Semaphore;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/** Image decoding without Spring: truncation, decoded bytes, concurrency and the disk cache. */
class ImagesTest {

    static byte[] encode(BufferedImage img, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(img, format, out));
        return out.toByteArray();
    }

    @Test
    void truncatedJpegIsRefused() throws Exception {
        BufferedImage img = new BufferedImage(4096, 4096, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 4096; y += 7) {
            for (int x = 0; x < 4096; x += 5) {
                img.getRaster().setSample(x, y, 0, (x * y) & 255);
            }
        }
        byte[] truncated = Arrays.copyOf(encode(img, "jpeg"), 700);
        BadRequestException e =
                assertThrows(
                        BadRequestException.class,
                        () -> Images.decode(truncated, 4096L * 4096, 64L << 20));
        assertTrue(e.getMessage().startsWith("the image is truncated"), e.getMessage());
    }

    @Test
    void truncatedPngIsRefused() throws Exception {
        BufferedImage img = new BufferedImage(300, 300, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 300; y++) {
            for (int x = 0; x < 300; x++) {
                img.setRGB(x, y, x * 7919 + y * 104729);
            }
        }
        byte[] png = encode(img, "png");
        byte[] truncated = Arrays.copyOf(png, png.length / 2);
        BadRequestException e =
                assertThrows(
                        BadRequestException.class,
                        () -> Images.decode(truncated, 4096L * 4096, 64L << 20));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void decodedBytesAreBoundedByBytesPerPixel() throws Exception {
        // 2048 x 2048 16-bit grey: 8 MB decoded from a file of a few KB
        byte[] wide = encode(new BufferedImage(2048, 2048, BufferedImage.TYPE_USHORT_GRAY), "png");
        byte[] narrow = encode(new BufferedImage(2048, 2048, BufferedImage.TYPE_BYTE_GRAY), "png");
        long limit = 6L << 20;
        BadRequestException e =
                assertThrows(
                        BadRequestException.class, () -> Images.decode(wide, 4096L * 4096, limit));
        assertEquals(
                "the image is 2048 x 2048 pixels of 2 bytes, 8388608 bytes decoded; at most"
                        + " 6291456 bytes are accepted (mlpzoo.service.max-decoded-size)",
                e.getMessage());
        Image ok = Images.decode(narrow, 4096L * 4096, limit);
        assertEquals(2048, ok.getWidth());
    }

    @Test
    void saturatedDecodersAreBusyNotBadRequests() throws Exception {
        ServiceProperties props = new ServiceProperties();
        props.setMaxConcurrentDecodes(1);
        props.setDecodeWait(java.time.Duration.ofMillis(50));
        byte[] png = encode(new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY), "png");
        ServiceBusyException e =
                assertThrows(
                        ServiceBusyException.class,
                        () -> Images.decode(png, props, new Semaphore(0)));
        assertTrue(e.getMessage().contains("mlpzoo.service.max-concurrent-decodes"));
        Semaphore one = new Semaphore(1);
        assertEquals(28, Images.decode(png, props, one).getWidth());
        assertEquals(1, one.availablePermits(), "the permit is given back");
        props.setMaxDecodedSize(DataSize.ofBytes(10));
        assertThrows(BadRequestException.class, () -> Images.decode(png, props, one));
        assertEquals(1, one.availablePermits(), "the permit is given back after a refusal");
    }

    /** At shutdown the temp folder can go away: decoding must not need ImageIO's disk cache. */
    @Test
    void decodesInMemoryWithoutTheDiskCache() throws Exception {
        byte[] png = encode(new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY), "png");
        boolean useCache = ImageIO.getUseCache();
        File cacheDir = ImageIO.getCacheDirectory();
        Path gone = Files.createTempDirectory("imageio-cache");
        try {
            ImageIO.setUseCache(true);
            ImageIO.setCacheDirectory(gone.toFile());
            Files.delete(gone);
            assertEquals(28, Images.decode(png, 4096L * 4096, 64L << 20).getWidth());
        } finally {
            ImageIO.setCacheDirectory(cacheDir);
            ImageIO.setUseCache(useCache);
        }
    }
}
