package ai.mlpzoo.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

/** The embedded slice is the first 1,000 images of the installed test set, bit for bit. */
class EmbeddedSliceTest {

    @Test
    void embeddedSliceEqualsTheFirstThousandTestImages() throws Exception {
        assumeTrue(FashionMnist.isInstalled(), FashionMnist.notInstalledMessage());
        FashionMnist slice = FashionMnist.embeddedTestSlice();
        FashionMnist full =
                FashionMnist.load(FashionMnist.defaultDir(), FashionMnist.Split.TEST, 1000);
        assertEquals(1000, slice.size());
        assertArrayEquals(full.labels(), slice.labels());
        assertArrayEquals(full.images(), slice.images());
    }
}
