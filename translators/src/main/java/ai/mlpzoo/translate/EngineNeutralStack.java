package ai.mlpzoo.translate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.Batchifier;

/**
 * DJL's stacking batchifier, except on ONNX Runtime: its arrays have no stack or split of their own
 * when no second engine is installed, so there the float data is stacked and split in Java. Our
 * translators use it so that ONNX-only inference needs no PyTorch.
 */
final class EngineNeutralStack implements Batchifier {

    static final EngineNeutralStack INSTANCE = new EngineNeutralStack();

    private static final String ONNX_RUNTIME = "OnnxRuntime";

    private EngineNeutralStack() {}

    private static boolean javaPath(NDArray a) {
        return ONNX_RUNTIME.equals(a.getManager().getEngine().getEngineName())
                && a.getDataType() == DataType.FLOAT32;
    }

    @Override
    public NDList batchify(NDList[] inputs) {
        if (inputs.length == 0 || inputs[0].isEmpty() || !javaPath(inputs[0].head())) {
            return STACK.batchify(inputs);
        }
        int kinds = inputs[0].size();
        NDList out = new NDList(kinds);
        for (int k = 0; k < kinds; k++) {
            NDArray first = inputs[0].get(k);
            Shape item = first.getShape();
            int per = Math.toIntExact(item.size());
            float[] all = new float[per * inputs.length];
            for (int i = 0; i < inputs.length; i++) {
                NDArray a = inputs[i].get(k);
                if (!a.getShape().equals(item)) {
                    throw new IllegalArgumentException(
                            "cannot batch inputs of shapes " + item + " and " + a.getShape());
                }
                System.arraycopy(a.toFloatArray(), 0, all, i * per, per);
            }
            NDManager m = first.getManager();
            NDArray batch = m.create(all, new Shape(inputs.length).addAll(item));
            batch.setName(first.getName());
            out.add(batch);
        }
        return out;
    }

    @Override
    public NDList[] unbatchify(NDList inputs) {
        if (inputs.isEmpty() || !javaPath(inputs.head())) {
            return STACK.unbatchify(inputs);
        }
        int n = Math.toIntExact(inputs.head().getShape().get(0));
        NDList[] out = new NDList[n];
        for (int i = 0; i < n; i++) {
            out[i] = new NDList(inputs.size());
        }
        for (NDArray a : inputs) {
            Shape item = a.getShape().slice(1);
            int per = Math.toIntExact(item.size());
            float[] all = a.toFloatArray();
            for (int i = 0; i < n; i++) {
                float[] one = new float[per];
                System.arraycopy(all, i * per, one, 0, per);
                NDArray x = a.getManager().create(one, item);
                x.setName(a.getName());
                out[i].add(x);
            }
        }
        return out;
    }
}
