package ai.mlpzoo.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The per-thread engine settings of threads that only run inference, on PyTorch. */
class InferenceThreadsTest {

    private String saved;
    private Model model;

    @BeforeEach
    void setUp() {
        saved = System.getProperty(InferenceThreads.TORCH_THREADS);
        model = Model.newInstance("threads", "PyTorch");
    }

    @AfterEach
    void tearDown() {
        if (saved == null) {
            System.clearProperty(InferenceThreads.TORCH_THREADS);
        } else {
            System.setProperty(InferenceThreads.TORCH_THREADS, saved);
        }
        model.close();
    }

    /** A thread that started with two engine threads takes the one asked for. */
    @Test
    void aThreadTakesTheAskedCountWhateverItStartedWith() throws Exception {
        System.setProperty(InferenceThreads.TORCH_THREADS, "1");
        List<Object> seen = onNewThread(2);
        assertEquals(List.of(2, 1), seen, "before and after");
    }

    /** Without the property the thread keeps what it has. */
    @Test
    void withoutThePropertyNothingChanges() throws Exception {
        System.clearProperty(InferenceThreads.TORCH_THREADS);
        assertEquals(List.of(2, 2), onNewThread(2));
    }

    /** A value that is not a positive whole number is refused, naming the property and value. */
    @Test
    void aBadValueIsRefusedByName() {
        for (String bad : new String[] {"two", "0", "-3", ""}) {
            System.setProperty(InferenceThreads.TORCH_THREADS, bad);
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> InferenceThreads.configuredThreadsOnThisThread(model));
            assertTrue(
                    e.getMessage().contains(InferenceThreads.TORCH_THREADS)
                            && e.getMessage().contains("'" + bad + "'"),
                    e.getMessage());
        }
    }

    private List<Object> onNewThread(int start) throws InterruptedException {
        // setting a thread's count also sets the count later threads start with: put it back
        int before = InferenceThreads.intraOpThreads(model);
        List<Object> seen = new ArrayList<>();
        Thread t =
                new Thread(
                        () -> {
                            try {
                                JniUtils.setNumThreads(start);
                                seen.add(InferenceThreads.intraOpThreads(model));
                                InferenceThreads.configuredThreadsOnThisThread(model);
                                seen.add(InferenceThreads.intraOpThreads(model));
                            } catch (RuntimeException e) {
                                seen.add(e);
                            } finally {
                                JniUtils.setNumThreads(before);
                            }
                        });
        t.start();
        t.join();
        return seen;
    }
}
