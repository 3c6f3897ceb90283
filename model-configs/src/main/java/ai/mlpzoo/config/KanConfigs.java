package ai.mlpzoo.config;

import ai.mlpzoo.blocks.kan.BaseActivation;
import ai.mlpzoo.blocks.kan.RationalInit;

/**
 * What the KAN-family configs check themselves: the JSON-only rules (the tag, names that become
 * enums). Sizes, ranges and scales are the blocks' rules, reached through {@link
 * ConfigException#fromBuilder}.
 */
final class KanConfigs {

    private KanConfigs() {}

    static void requireType(String actual, String expected) {
        if (!expected.equals(actual)) {
            throw new ConfigException(
                    "field 'model_type' must be '" + expected + "', got '" + actual + "'");
        }
    }

    static BaseActivation activation(String name, String field) {
        try {
            return BaseActivation.parse(name);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("field '" + field + "': " + e.getMessage(), e);
        }
    }

    static RationalInit rationalInit(String name, String field) {
        try {
            return RationalInit.parse(name);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("field '" + field + "': " + e.getMessage(), e);
        }
    }
}
