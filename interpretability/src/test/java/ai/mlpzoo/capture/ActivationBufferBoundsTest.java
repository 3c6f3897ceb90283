package ai.mlpzoo.capture;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A buffer too large for one Java array is named with its sizes, not "integer overflow". */
class ActivationBufferBoundsTest {

    @Test
    void aBufferPastOneArrayNamesItsSizes() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> new ActivationBuffer(1 << 20, 4096, 0, 1));
        assertTrue(
                e.getMessage().contains("capacity (1048576) x d_in (4096) = 4294967296 floats"),
                e.getMessage());
        assertTrue(e.getMessage().contains("lower the capacity"), e.getMessage());
    }
}
