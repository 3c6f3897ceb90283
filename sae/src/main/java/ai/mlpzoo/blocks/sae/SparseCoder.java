package ai.mlpzoo.blocks.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import ai.mlpzoo.blocks.common.Checks;
import ai.mlpzoo.blocks.common.InputContract;

/**
 * The shared base of sparse autoencoders and transcoders (Bricken et al. 2023, "Towards
 * Monosemanticity"; Dunefsky et al. 2024, "Transcoders Find Interpretable LLM Feature Circuits"):
 * {@code z = f(W_enc^T (x - b_dec) + b_enc)}, {@code y = z W_dec + b_dec [+ x W_skip^T]}, where the
 * sparsifying nonlinearity f is the architecture's. Parameters are named and shaped as in SAELens
 * v6, so that its {@code sae_weights.safetensors} loads name for name:
 *
 * <pre>
 * W_enc (d_in, d_sae)   b_enc (d_sae)   W_dec (d_sae, d_out)   b_dec (d_out)   W_skip (d_out, d_in)
 * </pre>
 *
 * <p>Forward: (..., d_in) to {@code feature_acts} (..., d_sae) and {@code output} (..., d_out). The
 * forward trusts its input: entry points check a request once with {@link #checkInput}, and the
 * trainer checks its batches.
 */
public abstract class SparseCoder extends AbstractBlock implements InputContract {

    /** The name of the latents output. */
    public static final String FEATURE_ACTS = "feature_acts";

    /** The name of the reconstruction output. */
    public static final String OUTPUT = "output";

    protected final SaeDims dims;
    protected final Parameter wEnc;
    protected final Parameter bEnc;
    protected final Parameter wDec;
    protected final Parameter bDec;
    protected final Parameter wSkip;
    private boolean reshapeHookZ;

    /**
     * Declares the common parameters.
     *
     * @param version the block's format version
     * @param dims the sizes
     * @param encoderBias whether b_enc exists (the gated SAE has b_gate and b_mag instead)
     */
    protected SparseCoder(byte version, SaeDims dims, boolean encoderBias) {
        super(version);
        this.dims = dims;
        // Kaiming-uniform-like scale; the trainer re-initialises (tied encoder, unit decoder rows).
        float encBound = (float) (1.0 / Math.sqrt(dims.dIn()));
        float decBound = (float) (1.0 / Math.sqrt(dims.dSae()));
        wEnc =
                param(
                        "W_enc",
                        Parameter.Type.WEIGHT,
                        new Shape(dims.dIn(), dims.dSae()),
                        uniform(encBound));
        bEnc =
                encoderBias
                        ? param(
                                "b_enc",
                                Parameter.Type.BIAS,
                                new Shape(dims.dSae()),
                                Initializer.ZEROS)
                        : null;
        wDec =
                param(
                        "W_dec",
                        Parameter.Type.WEIGHT,
                        new Shape(dims.dSae(), dims.dOut()),
                        uniform(decBound));
        bDec = param("b_dec", Parameter.Type.BIAS, new Shape(dims.dOut()), Initializer.ZEROS);
        wSkip =
                dims.skip()
                        ? param(
                                "W_skip",
                                Parameter.Type.WEIGHT,
                                new Shape(dims.dOut(), dims.dIn()),
                                Initializer.ZEROS)
                        : null;
    }

    /**
     * Declares a parameter of this block.
     *
     * @param name the SAELens name
     * @param type the DJL type
     * @param shape the shape
     * @param init the initialiser
     * @return the parameter
     */
    protected final Parameter param(
            String name, Parameter.Type type, Shape shape, Initializer init) {
        return addParameter(
                Parameter.builder()
                        .setName(name)
                        .setType(type)
                        .optShape(shape)
                        .optInitializer(init)
                        .build());
    }

    private static Initializer uniform(float bound) {
        return (manager, shape, dataType) -> manager.randomUniform(-bound, bound, shape, dataType);
    }

    /**
     * @return the sizes
     */
    public SaeDims getDims() {
        return dims;
    }

    /**
     * @return W_enc (d_in, d_sae)
     */
    public Parameter getWEnc() {
        return wEnc;
    }

    /**
     * @return b_enc (d_sae), or null for the gated SAE
     */
    public Parameter getBEnc() {
        return bEnc;
    }

    /**
     * @return W_dec (d_sae, d_out)
     */
    public Parameter getWDec() {
        return wDec;
    }

    /**
     * @return b_dec (d_out)
     */
    public Parameter getBDec() {
        return bDec;
    }

    /**
     * @return W_skip (d_out, d_in), or null
     */
    public Parameter getWSkip() {
        return wSkip;
    }

    /**
     * The block's architecture, as registered in {@link SaeArchitectures} (which also says the
     * SAELens name it is saved under).
     *
     * @return the architecture's name
     */
    public abstract String architecture();

    /**
     * The encoder input: x, minus b_dec when {@code apply_b_dec_to_input}.
     *
     * @param ps the parameter store
     * @param x (N, d_in)
     * @param training whether training
     * @return (N, d_in)
     */
    public NDArray saeIn(ParameterStore ps, NDArray x, boolean training) {
        if (!dims.applyBDecToInput()) {
            return x;
        }
        return x.sub(ps.getValue(bDec, x.getDevice(), training));
    }

    /**
     * Pre-activations {@code saeIn(x) W_enc + b_enc}.
     *
     * @param ps the parameter store
     * @param x (N, d_in)
     * @param training whether training
     * @return (N, d_sae)
     */
    public NDArray hiddenPre(ParameterStore ps, NDArray x, boolean training) {
        NDArray in = saeIn(ps, x, training);
        NDManager m = x.getManager();
        // one fused addmm: linear(in, W_enc^T, b_enc); the transpose is a view, owned by the batch
        NDArray wT = ps.getValue(wEnc, x.getDevice(), training).transpose();
        wT.attach(m);
        if (bEnc == null) {
            return Linear.linear(in, wT).head();
        }
        return Linear.linear(in, wT, ps.getValue(bEnc, x.getDevice(), training)).head();
    }

    /**
     * The pre-activations of the given latents only, {@code saeIn(x) . W_enc[:, j] + b_enc[j]} for
     * the k indices j of each row: the encoder columns are gathered, so the gradient of W_enc,
     * b_enc and b_dec through this product touches N k columns instead of the whole dictionary (the
     * dense product's backward costs two more N d_in d_sae matmuls). The TopK SAE selects on the
     * dense pre-activations without gradient and takes its values from here while training.
     *
     * @param ps the parameter store
     * @param x (N, d_in)
     * @param indices (N, k) int64
     * @param training whether training
     * @return (N, k)
     */
    public NDArray hiddenPreAt(ParameterStore ps, NDArray x, NDArray indices, boolean training) {
        long n = indices.getShape().get(0);
        long k = indices.getShape().get(1);
        NDManager m = x.getManager();
        NDArray in = saeIn(ps, x, training); // (N, d_in)
        NDArray wT =
                ps.getValue(wEnc, x.getDevice(), training).transpose(); // (d_sae, d_in), a view
        wT.attach(m);
        NDArray table; // (d_sae, d_in [+ 1]), contiguous, so that rows gather fast
        if (bEnc == null) {
            table = wT.reshape(-1).reshape(dims.dSae(), dims.dIn());
        } else {
            // b_enc rides along as a last column, against an input column of ones: one gather
            NDArray b = ps.getValue(bEnc, x.getDevice(), training).reshape(dims.dSae(), 1);
            b.attach(m);
            table = wT.concat(b, 1);
            in = in.concat(m.ones(new Shape(n, 1), in.getDataType()), 1);
        }
        long width = table.getShape().get(1);
        NDArray rows = gatherRows(table, indices.reshape(n * k)).reshape(n, k, width);
        return rows.batchMatMul(in.expandDims(2)).reshape(n, k);
    }

    /**
     * Rows of a matrix by index, through the engine's embedding lookup: a row copy forward, and a
     * backward that adds the N rows of the gradient into a zero matrix, with no dense product (on
     * PyTorch's CPU it was faster than advanced indexing or gather, forward and backward).
     *
     * @param matrix (rows, d)
     * @param flatIndices (N) int64
     * @return (N, d), owned by the indices' manager
     */
    protected static NDArray gatherRows(NDArray matrix, NDArray flatIndices) {
        NDArray out =
                flatIndices
                        .getNDArrayInternal()
                        .embedding(flatIndices, matrix, SparseFormat.DENSE)
                        .head();
        out.attach(flatIndices.getManager());
        return out;
    }

    /**
     * Encodes a batch.
     *
     * @param ps the parameter store
     * @param x (N, d_in)
     * @param training whether training (selects the training form of the nonlinearity)
     * @return the latents of the N rows
     */
    public abstract Latents encode(ParameterStore ps, NDArray x, boolean training);

    /**
     * The inference encoder once more, as a graph of {@link SaeOps} (what an exporter rebuilds
     * without knowing the architecture): from {@code sae_in}, the input after the b_dec
     * subtraction, to the dense latents {@code feature_acts}. It must compute what {@link #encode}
     * computes with {@code training} false; the ONNX parity tests hold the two together.
     *
     * @param ops the exporter's operations
     * @param saeIn (N, d_in)
     * @param <T> the exporter's value handle
     * @return the latents (N, d_sae)
     */
    public abstract <T> T encoderGraph(SaeOps<T> ops, T saeIn);

    /**
     * {@link #hiddenPre} as a graph: {@code sae_in W_enc + b_enc} (no b_enc when there is none).
     *
     * @param ops the exporter's operations
     * @param saeIn (N, d_in)
     * @param <T> the exporter's value handle
     * @return the pre-activations (N, d_sae)
     */
    protected final <T> T hiddenPreGraph(SaeOps<T> ops, T saeIn) {
        T xw = ops.matMul(saeIn, ops.param(wEnc));
        return bEnc == null ? xw : ops.add(xw, ops.param(bEnc));
    }

    /**
     * Dense decoding {@code z W_dec + b_dec}.
     *
     * @param ps the parameter store
     * @param z (N, d_sae)
     * @param training whether training
     * @return (N, d_out)
     */
    public NDArray decode(ParameterStore ps, NDArray z, boolean training) {
        return z.matMul(ps.getValue(wDec, z.getDevice(), training))
                .add(ps.getValue(bDec, z.getDevice(), training));
    }

    /**
     * Sparse decoding from k (index, value) pairs per row: gathers the k decoder rows, so the cost
     * is O(N k d_out) whatever the dictionary size. Adds b_dec.
     *
     * @param ps the parameter store
     * @param values (N, k)
     * @param indices (N, k) int64
     * @param training whether training
     * @return (N, d_out)
     */
    public NDArray decodeSparse(
            ParameterStore ps, NDArray values, NDArray indices, boolean training) {
        return decodeSparseNoBias(ps, values, indices, training)
                .add(ps.getValue(bDec, values.getDevice(), training));
    }

    /**
     * {@link #decodeSparse} without b_dec (the AuxK reconstruction of a residual).
     *
     * @param ps the parameter store
     * @param values (N, k)
     * @param indices (N, k) int64
     * @param training whether training
     * @return (N, d_out)
     */
    public NDArray decodeSparseNoBias(
            ParameterStore ps, NDArray values, NDArray indices, boolean training) {
        long n = values.getShape().get(0);
        long k = values.getShape().get(1);
        NDArray w = ps.getValue(wDec, values.getDevice(), training);
        NDArray flat = indices.reshape(n * k);
        flat.attach(values.getManager());
        NDArray rows = gatherRows(w, flat).reshape(n, k, dims.dOut());
        return values.expandDims(1).batchMatMul(rows).reshape(n, dims.dOut());
    }

    /**
     * The output from the input and its latents: decoding plus the skip connection.
     *
     * @param ps the parameter store
     * @param x (N, d_in)
     * @param z the latents of x
     * @param training whether training
     * @return (N, d_out)
     */
    public NDArray reconstruct(ParameterStore ps, NDArray x, Latents z, boolean training) {
        NDArray y =
                z.isSparse()
                        ? decodeSparse(ps, z.topValues(), z.topIndices(), training)
                        : decode(ps, z.dense(), training);
        if (wSkip != null) {
            NDArray skipT = ps.getValue(wSkip, x.getDevice(), training).transpose();
            skipT.attach(x.getManager()); // a view; owned by the batch, not by the parameter
            y = y.add(x.matMul(skipT));
        }
        return y;
    }

    /**
     * Makes the block an attention-output SAE on {@code hook_z} (Kissane et al. 2024, "Interpreting
     * Attention Layer Outputs with Sparse Autoencoders"; SAELens' {@code reshape_activations:
     * hook_z}): its input is the per-head attention output (..., n_heads, d_head) with n_heads
     * d_head = d_in, flattened head-major (flat index = head d_head + j), and its output is
     * reshaped back to (..., n_heads, d_head); {@code feature_acts} stay (..., d_sae). An input
     * whose last axis is already d_in (flattened head-major, as SAELens' activation store hands it
     * to training SAEs, or a {@code float[]} request) passes as it is. The weights are unchanged:
     * only the forward's reshaping differs.
     *
     * @param on whether to reshape
     */
    public void setReshapeHookZ(boolean on) {
        reshapeHookZ = on;
    }

    /**
     * @return whether the input is hook_z (..., n_heads, d_head), see {@link #setReshapeHookZ}
     */
    public boolean isReshapeHookZ() {
        return reshapeHookZ;
    }

    /**
     * Whether an input is hook_z per head: the block reshapes hook_z and the last axis is not
     * already d_in (an input that is already flat, head-major, as SAELens' activation store hands
     * its training SAEs and as a {@code float[]} request arrives, passes as it is).
     */
    private boolean perHead(Shape s) {
        return reshapeHookZ && s.dimension() >= 2 && s.tail() != dims.dIn();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.head(); // (..., d_in), or (..., n_heads, d_head) for hook_z
        Shape shape = x.getShape();
        boolean heads = perHead(shape);
        Shape lead = shape.slice(0, shape.dimension() - (heads ? 2 : 1));
        NDArray flat = x.reshape(-1, dims.dIn()); // (N, d_in), head-major for hook_z
        Latents z = encode(ps, flat, training);
        NDArray y = reconstruct(ps, flat, z, training); // (N, d_out)
        NDArray acts = z.dense().reshape(lead.add(dims.dSae())); // (..., d_sae)
        // hook_z: (..., n_heads, d_head) again, d_head from the input's last axis (as SAELens)
        NDArray out =
                heads
                        ? y.reshape(lead.add(dims.dOut() / shape.tail(), shape.tail()))
                        : y.reshape(lead.add(dims.dOut())); // (..., d_out)
        acts.setName(FEATURE_ACTS);
        out.setName(OUTPUT);
        return new NDList(acts, out);
    }

    /**
     * Checks an input: last axis d_in and no NaN or infinity.
     *
     * @param x the input (..., d_in)
     * @throws IllegalArgumentException naming d_in, or the NaN
     */
    @Override
    public void checkInput(NDArray x) {
        Shape s = x.getShape();
        if (perHead(s)) {
            int n = s.dimension();
            if (n < 2
                    || s.get(n - 2) * s.get(n - 1) != dims.dIn()
                    || dims.dOut() % s.get(n - 1) != 0) {
                throw new IllegalArgumentException(
                        architecture()
                                + " SAE on hook_z needs input (..., n_heads, d_head) with n_heads x d_head"
                                + " = d_in (or the flattened (..., d_in)), d_in = "
                                + dims.dIn()
                                + ", got shape "
                                + s);
            }
            Checks.requireFinite(x, architecture() + " input activations");
            return;
        }
        if (s.dimension() < 1 || s.get(s.dimension() - 1) != dims.dIn()) {
            throw new IllegalArgumentException(
                    architecture()
                            + " input must have d_in = "
                            + dims.dIn()
                            + " on its last axis, got shape "
                            + s);
        }
        Checks.requireFinite(x, architecture() + " input activations");
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        boolean heads = perHead(s);
        Shape lead = s.slice(0, s.dimension() - (heads ? 2 : 1));
        Shape out = heads ? lead.add(dims.dOut() / s.tail(), s.tail()) : lead.add(dims.dOut());
        return new Shape[] {lead.add(dims.dSae()), out};
    }

    /**
     * Fails unless k fits the dictionary.
     *
     * @param k the number of active latents
     * @param dSae the dictionary size
     * @return k
     */
    static int checkK(int k, int dSae) {
        if (k <= 0) {
            throw new IllegalArgumentException("k must be positive, got " + k);
        }
        if (k > dSae) {
            throw new IllegalArgumentException(
                    "k (" + k + ") is larger than the dictionary size d_sae (" + dSae + ")");
        }
        return k;
    }
}
