package ai.mlpzoo.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The vision cases: their names, their registration, and that the Java blocks they time have the
 * parameter counts of the PyTorch twins the reference side times (counted by torch in {@code
 * benchmarks/python/check_vision.py}, which also checks the twins against the reference fixtures).
 * Running each case is covered by {@link BenchSmokeTest}, which runs every registered case.
 */
class VisionCasesTest {

    /** Parameters plus BatchNorm running statistics of the torch twins (check_vision.py). */
    private static final Map<String, Long> TORCH_PARAMS = new LinkedHashMap<>();

    static {
        TORCH_PARAMS.put("gmixer_fmnist", 241_618L);
        TORCH_PARAMS.put("poolformer_fmnist", 354_874L);
        TORCH_PARAMS.put("ms_mlp_fmnist", 286_154L);
        TORCH_PARAMS.put("raft_mlp_fmnist", 282_858L);
        TORCH_PARAMS.put("repmlp_fmnist", 437_818L);
        TORCH_PARAMS.put("ninformer_fmnist", 203_406L);
        TORCH_PARAMS.put("activator_fmnist", 689_034L);
        TORCH_PARAMS.put("scaling_mlp_fmnist", 1_781_770L);
        TORCH_PARAMS.put("hourglass_fmnist", 2_141_834L);
        TORCH_PARAMS.put("kat_fmnist", 1_200_338L);
        TORCH_PARAMS.put("strip_mlp_fmnist", 376_758L);
    }

    @Test
    void everyFamilyHasATrainAndAnInferenceCaseRegisteredInCases() throws Exception {
        List<String> all = Cases.names(Cases.Options.defaults());
        for (String f : VisionCases.FAMILIES) {
            assertTrue(all.contains(f + "_train"), f + "_train registered");
            assertTrue(all.contains(f + "_infer1"), f + "_infer1 registered");
        }
        assertEquals(2 * VisionCases.FAMILIES.size(), new VisionCases().names().size());
        assertNull(new VisionCases().create("mixer_train", Cases.Options.defaults()));
        try (BenchCase c = Cases.create("kat_train", Cases.Options.defaults())) {
            assertEquals("kat_train", c.name());
        }
    }

    @Test
    void javaBlocksHaveTheTorchTwinsParameterCounts() {
        assertEquals(VisionCases.FAMILIES.size(), TORCH_PARAMS.size());
        for (String f : VisionCases.FAMILIES) {
            String v = f + "_fmnist";
            assertEquals(TORCH_PARAMS.get(v), VisionCases.parameterCount(v), v);
        }
    }
}
