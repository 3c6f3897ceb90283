package ai.mlpzoo.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.mlpzoo.data.FashionMnist;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * 8 client threads x 500 requests against the Fashion-MNIST Mixer (pool of 8 predictors): no
 * request fails, and every answer is byte-for-byte the answer the same image got when requests came
 * one at a time.
 */
class ConcurrencyTest extends ServiceTestBase {

    static final int THREADS = 8;
    static final int REQUESTS = 500;
    static final int IMAGES = 64;

    @Test
    void concurrentRequestsMatchSequentialOnes() throws Exception {
        FashionMnist data = FashionMnist.embeddedTestSlice();
        byte[][] pngs = new byte[IMAGES][];
        String[] expected = new String[IMAGES];
        for (int i = 0; i < IMAGES; i++) {
            pngs[i] = png(data, i);
            HttpResponse<String> r =
                    post("/v1/models/mixer-fmnist/predict?k=10", "image/png", pngs[i]);
            assertEquals(200, r.statusCode(), r.body());
            expected[i] = r.body();
        }
        AtomicInteger errors = new AtomicInteger();
        AtomicInteger mismatches = new AtomicInteger();
        List<String> firstProblems = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        long t0 = System.nanoTime();
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                futures.add(
                        pool.submit(
                                () -> {
                                    for (int n = 0; n < REQUESTS; n++) {
                                        int i = (thread * 7 + n * 13) % IMAGES;
                                        try {
                                            HttpResponse<String> r =
                                                    post(
                                                            "/v1/models/mixer-fmnist/predict?k=10",
                                                            "image/png",
                                                            pngs[i]);
                                            if (r.statusCode() != 200) {
                                                errors.incrementAndGet();
                                                if (firstProblems.size() < 5) {
                                                    firstProblems.add(
                                                            r.statusCode() + " " + r.body());
                                                }
                                            } else if (!r.body().equals(expected[i])) {
                                                mismatches.incrementAndGet();
                                                if (firstProblems.size() < 5) {
                                                    firstProblems.add(
                                                            "image "
                                                                    + i
                                                                    + ": "
                                                                    + r.body()
                                                                    + " != "
                                                                    + expected[i]);
                                                }
                                            }
                                        } catch (Exception e) {
                                            errors.incrementAndGet();
                                            if (firstProblems.size() < 5) {
                                                firstProblems.add(e.toString());
                                            }
                                        }
                                    }
                                    return null;
                                }));
            }
            for (Future<?> f : futures) {
                f.get(5, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf(
                "ConcurrencyTest: %d x %d requests in %.1f s (%.0f req/s)%n",
                THREADS, REQUESTS, s, THREADS * REQUESTS / s);
        assertEquals(0, errors.get(), "errors: " + firstProblems);
        assertEquals(
                0,
                mismatches.get(),
                "results differing from the single-threaded ones: " + firstProblems);
        assertTrue(THREADS * REQUESTS > 0);
    }
}
