package ai.mlpzoo.data;

import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import java.awt.image.BufferedImage;

/** Fashion-MNIST images as DJL {@link Image}s, the input of the zoo's image classifiers. */
public final class FashionMnistImages {

    private FashionMnistImages() {}

    /**
     * @param data the images
     * @param index which one
     * @return a 28 x 28 grey image with the IDX file's exact bytes
     */
    public static Image image(FashionMnist data, int index) {
        int side = FashionMnist.SIZE;
        float[] px = new float[side * side];
        data.copyImage(index, px, 0);
        BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_BYTE_GRAY);
        for (int i = 0; i < px.length; i++) {
            img.getRaster().setSample(i % side, i / side, 0, Math.round(px[i] * 255f));
        }
        return ImageFactory.getInstance().fromImage(img);
    }
}
