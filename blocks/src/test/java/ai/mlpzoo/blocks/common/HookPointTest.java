package ai.mlpzoo.blocks.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HookPointTest {

    /** A block with a point on its child's output and one on a value (its residual sum). */
    static final class Inner extends AbstractBlock implements HookPoint.Owner {
        final Linear fc = addChildBlock("fc", Linear.builder().setUnits(3).build());
        final HookPoint hookFc = new HookPoint("fc");
        final HookPoint hookResid = new HookPoint("hook_resid");

        @Override
        protected NDList forwardInternal(
                ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
            NDArray x = in.head();
            NDArray y = hookFc.apply(x, fc.forward(ps, in, training).head());
            return new NDList(hookResid.apply(x.add(y)));
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return inputShapes;
        }

        @Override
        protected void initializeChildBlocks(NDManager m, DataType t, Shape... inputs) {
            fc.initialize(m, t, inputs);
        }

        @Override
        public List<HookPoint> hookPoints() {
            return List.of(hookFc, hookResid);
        }
    }

    /** A block whose points sit on its children's outputs, one of them declaring its own. */
    static final class Outer extends AbstractBlock implements HookPoint.Owner {
        final Linear proj = addChildBlock("proj", Linear.builder().setUnits(3).build());
        final Inner inner = addChildBlock("blocks.0", new Inner());
        final HookPoint hookProj = new HookPoint("proj");
        final HookPoint hookInner = new HookPoint("blocks.0");

        @Override
        protected NDList forwardInternal(
                ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
            NDArray x = hookProj.apply(in.head(), proj.forward(ps, in, training).head());
            return new NDList(
                    hookInner.apply(x, inner.forward(ps, new NDList(x), training).head()));
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return new Shape[] {new Shape(inputShapes[0].get(0), 3)};
        }

        @Override
        protected void initializeChildBlocks(NDManager m, DataType t, Shape... inputs) {
            proj.initialize(m, t, inputs);
            inner.initialize(m, t, new Shape(inputs[0].get(0), 3));
        }

        @Override
        public List<HookPoint> hookPoints() {
            return List.of(hookProj, hookInner);
        }
    }

    @Test
    void withoutListenerAHookPointReturnsItsArgumentUnchanged() {
        try (NDManager m = NDManager.newBaseManager()) {
            HookPoint p = new HookPoint("mlp_channels");
            NDArray in = m.ones(new Shape(2, 3));
            NDArray out = m.zeros(new Shape(2, 3));
            assertSame(out, p.apply(in, out), "the very same array, no copy");
            assertSame(in, p.apply(in));
            assertFalse(p.hasListeners());
            HookPoint.Listener l = (i, o) -> o.add(1f);
            p.attach(l);
            p.detach(l);
            assertSame(out, p.apply(in, out), "identity again once the listener is gone");
        }
    }

    @Test
    void listenersSeeInputAndOutputAndChainInAttachOrder() {
        try (NDManager m = NDManager.newBaseManager()) {
            HookPoint p = new HookPoint("fc");
            NDArray in = m.create(new float[] {1f, 2f});
            NDArray out = m.create(new float[] {10f, 20f});
            List<String> seen = new ArrayList<>();
            HookPoint.Listener first =
                    (i, o) -> {
                        seen.add("first " + i.getFloat(0) + " " + o.getFloat(0));
                        return o.mul(2f);
                    };
            HookPoint.Listener second =
                    (i, o) -> {
                        seen.add("second " + i.getFloat(0) + " " + o.getFloat(0));
                        return o.add(i);
                    };
            p.attach(first);
            p.attach(second);
            NDArray y = p.apply(in, out);
            assertEquals(List.of("first 1.0 10.0", "second 1.0 20.0"), seen);
            assertEquals(21f, y.getFloat(0));
            assertEquals(42f, y.getFloat(1));
            assertThrows(IllegalArgumentException.class, () -> p.attach(null));
            assertThrows(IllegalArgumentException.class, () -> new HookPoint(""));
        }
    }

    @Test
    void aModelListsItsPointsByDottedPathAndTheyAreNotChildren() {
        try (NDManager m = NDManager.newBaseManager()) {
            Outer model = new Outer();
            model.initialize(m, DataType.FLOAT32, new Shape(1, 4));
            assertEquals(
                    List.of("proj", "blocks.0", "blocks.0.fc", "blocks.0.hook_resid"),
                    List.copyOf(HookPoint.allIn(model).keySet()));
            assertSame(model.inner.hookFc, HookPoint.allIn(model).get("blocks.0.fc"));
            // parameter files are positional: the points add no child and no parameter
            assertEquals(2, model.getChildren().size());
            assertEquals(
                    List.of("proj.weight", "proj.bias", "blocks.0.fc.weight", "blocks.0.fc.bias"),
                    List.copyOf(NamedParameters.of(model).keySet()));

            // a listener on the nested value point replaces what the model returns
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = m.randomNormal(new Shape(2, 4));
            NDArray clean = model.forward(ps, new NDList(x), false).head();
            HookPoint.Listener zero = (i, o) -> o.zerosLike();
            model.inner.hookResid.attach(zero);
            assertEquals(0f, model.forward(ps, new NDList(x), false).head().abs().sum().getFloat());
            model.inner.hookResid.detach(zero);
            assertEquals(
                    0f,
                    model.forward(ps, new NDList(x), false)
                            .head()
                            .sub(clean)
                            .abs()
                            .max()
                            .getFloat());
        }
    }
}
