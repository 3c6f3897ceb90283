package ai.mlpzoo.sae.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.mlpzoo.blocks.common.Scalars;
import ai.mlpzoo.blocks.sae.SaeDims;
import ai.mlpzoo.blocks.sae.TopKSae;
import java.nio.FloatBuffer;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The TopK SAE's training step with its gradients written out by hand, for the steps where AuxK
 * contributes nothing (no dead latent, or its coefficient zero). Autograd on this step pays for the
 * way the sparse parts are differentiated: the backward of a row gather (PyTorch's embedding
 * backward on the CPU) adds its N k gradient rows one tensor operation at a time, twice per step
 * (the decoder rows and the encoder columns). Here every sparse product is one sparse-dense matmul
 * of a COO matrix with N k entries (row n, column idx[n, j], value z[n, j]), which PyTorch runs in
 * one kernel:
 *
 * <pre>
 * x_c   = x - b_dec                        (N, d_in)     (when apply_b_dec_to_input)
 * pre   = x_c W_enc + b_enc                (N, d_sae)    the one dense product
 * v,idx = topk(pre, k); a = relu(v)        (N, k)
 * y_hat = S(a) W_dec + b_dec               (N, d_out)    S(a): (N, d_sae) sparse
 * L     = mean_n ||y_hat - y||^2;  g = 2 (y_hat - y) / N   (N, d_out)
 * dW_dec = S(a)^T g;  db_dec = sum_n g
 * da     = rows W_dec[idx] . g[n]          (N, k)        k decoder rows per sample
 * dp     = da * (v > 0)                    (N, k)
 * dW_enc = (S(dp)^T x_c)^T;  db_enc = S(dp)^T 1;  db_dec -= W_enc db_enc   (= sum_n S(dp) W_enc^T)
 * </pre>
 *
 * {@code SaeTrainerTest} holds these gradients to autograd's (the trainer's other path) after
 * several steps.
 */
final class TopKManualStep {

    /** What the step computed: the loss, the reconstruction, the gradients and the latents. */
    record Result(
            float loss,
            NDArray yHat,
            Map<Parameter, NDArray> gradients,
            long[] indices,
            float[] values) {}

    private TopKManualStep() {}

    /**
     * Whether the hand-written gradients cover this step: the block is exactly the TopK SAE (a
     * subclass may change the forward), with no skip connection, and AuxK adds nothing.
     *
     * @param sae the block
     * @param dead the dead-latent mask
     * @param auxK the AuxK coefficient at this step
     * @return whether {@link #run} applies
     */
    static boolean applies(Object sae, boolean[] dead, float auxK) {
        if (sae.getClass() != TopKSae.class || ((TopKSae) sae).getWSkip() != null) {
            return false;
        }
        if (auxK == 0f) {
            return true;
        }
        for (boolean d : dead) {
            if (d) {
                return false;
            }
        }
        return true;
    }

    /**
     * One forward and backward.
     *
     * @param sae the block
     * @param x inputs (N, d_in), owned by m
     * @param y targets (N, d_out), owned by m
     * @param m the step's manager: every array made here is attached to it
     * @return the loss, reconstruction, gradients (by parameter) and the k latents of each row
     */
    static Result run(TopKSae sae, NDArray x, NDArray y, NDManager m) {
        SaeDims dims = sae.getDims();
        int n = Math.toIntExact(x.getShape().get(0));
        int k = sae.getK();
        int dSae = dims.dSae();
        NDArray wEnc = sae.getWEnc().getArray(); // (d_in, d_sae)
        NDArray wDec = sae.getWDec().getArray(); // (d_sae, d_out)
        NDArray bDec = sae.getBDec().getArray(); // (d_out)
        ParameterStore ps = new ParameterStore(m, false);
        try (NDManager t = m.newSubManager()) {
            NDArray xc = sae.saeIn(ps, x, false); // (N, d_in)
            xc.attach(t);
            // the block's own fused product, so the selection matches the autograd path's
            NDArray pre = sae.hiddenPre(ps, x, false); // (N, d_sae)
            pre.attach(t);
            NDList top = pre.topK(k, 1, true, false); // (N, k) values, (N, k) indices
            top.attach(t);
            NDArray v = top.get(0); // (N, k)
            NDArray idx = top.get(1); // (N, k) int64
            NDArray a = Activation.relu(v); // (N, k)
            a.attach(t);
            long[] cols = idx.toType(DataType.INT64, false).toLongArray(); // n * k latent ids
            float[] av = a.toFloatArray();
            long[] rows = new long[cols.length]; // the sample of each entry
            for (int i = 0; i < rows.length; i++) {
                rows[i] = i / k;
            }
            Shape byRow = new Shape(n, dSae);
            Shape byLatent = new Shape(dSae, n);
            NDArray s = coo(t, av, rows, cols, byRow); // S(a) (N, d_sae)
            NDArray yHat = s.matMul(wDec).addi(bDec); // (N, d_out)
            yHat.attach(m);
            NDArray e = yHat.sub(y); // (N, d_out)
            e.attach(t);
            NDArray lossArr = e.square().sum(new int[] {1}).mean();
            lossArr.attach(t);
            float loss = lossArr.getFloat();
            NDArray g = Scalars.muli(e, 2f / n); // (N, d_out), e is not used again
            NDArray dWDec = coo(t, av, cols, rows, byLatent).matMul(g); // (d_sae, d_out)
            dWDec.attach(m);
            NDArray dBDec = g.sum(new int[] {0}); // (d_out)
            dBDec.attach(m);
            // da[n, j] = W_dec[idx[n, j]] . g[n]: the k decoder rows of each sample
            NDArray flat = idx.reshape(-1); // (N k)
            flat.attach(t);
            NDArray decRows = // (N, k, d_out), the embedding lookup as SparseCoder.gatherRows
                    flat.getNDArrayInternal()
                            .embedding(flat, wDec, SparseFormat.DENSE)
                            .head()
                            .reshape(n, k, dims.dOut());
            decRows.attach(t);
            NDArray da = decRows.batchMatMul(g.expandDims(2)).reshape(n, k); // (N, k)
            da.attach(t);
            NDArray dp = da.muli(v.gt(0f).toType(DataType.FLOAT32, false)); // (N, k)
            dp.attach(t);
            float[] dpv = dp.toFloatArray();
            NDArray sGradT = coo(t, dpv, cols, rows, byLatent); // S(dp)^T (d_sae, N)
            NDArray dWEncT = sGradT.matMul(xc); // (d_sae, d_in)
            dWEncT.attach(t);
            // (d_in, d_sae) in row-major order: a transposed view (or its clone, which keeps the
            // strides) would make Adam's element-wise passes stride across memory, twice as slow
            NDArray dWEnc = dWEncT.transpose().reshape(-1).reshape(dims.dIn(), dSae);
            dWEnc.attach(m);
            NDArray dBEnc = sGradT.matMul(t.ones(new Shape(n, 1))).reshape(dSae); // (d_sae)
            dBEnc.attach(m);
            if (dims.applyBDecToInput()) {
                // x_c = x - b_dec: b_dec also gets minus the encoder input's gradient summed over
                // rows, sum_n S(dp)[n] W_enc^T = W_enc db_enc (one matrix-vector product)
                NDArray fromEnc = wEnc.matMul(dBEnc); // (d_in)
                fromEnc.attach(t);
                dBDec.subi(fromEnc);
            }
            Map<Parameter, NDArray> grads = new IdentityHashMap<>();
            grads.put(sae.getWEnc(), dWEnc);
            grads.put(sae.getBEnc(), dBEnc);
            grads.put(sae.getWDec(), dWDec);
            grads.put(sae.getBDec(), dBDec);
            return new Result(loss, yHat, grads, cols, av);
        }
    }

    /** A COO matrix with one entry per (row, col, value) triple, owned by m. */
    private static NDArray coo(NDManager m, float[] values, long[] r, long[] c, Shape shape) {
        return m.createCoo(FloatBuffer.wrap(values), new long[][] {r, c}, shape);
    }
}
