package ai.mlpzoo.zoo;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.mlpzoo.blocks.common.NamedParameters;

/** Test access to a block's parameter by its reference (state-dict) name. */
final class NamedParametersView {

    private NamedParametersView() {}

    static Parameter get(Block block, String name) {
        Parameter p = NamedParameters.of(block).get(name);
        if (p == null) {
            throw new AssertionError("no parameter " + name);
        }
        return p;
    }
}
