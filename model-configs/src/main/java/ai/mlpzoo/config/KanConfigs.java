package ai.mlpzoo.config;

import ai.mlpzoo.blocks.kan.BaseActivation;

import java.util.Arrays;

/** Field checks shared by the KAN-family configs; every message names the field. */
final class KanConfigs {

    private KanConfigs() {}

    static void requireType(String actual, String expected) {
        if (!expected.equals(actual)) {
            throw new ConfigException(
                    "field 'model_type' must be '" + expected + "', got '" + actual + "'");
        }
    }

    static void widths(int[] widths, String field) {
        if (widths == null || widths.length < 2) {
            throw new ConfigException(
                    "field '" + field + "' must list at least two widths, got " + Arrays.toString(widths));
        }
        for (int w : widths) {
            if (w < 1) {
                throw new ConfigException(
                        "field '" + field + "' must hold positive widths, got " + Arrays.toString(widths));
            }
        }
    }

    static void positive(int value, String field) {
        if (value < 1) {
            throw new ConfigException("field '" + field + "' must be positive, got " + value);
        }
    }

    static void nonNegative(double value, String field) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new ConfigException("field '" + field + "' must be a finite number >= 0, got " + value);
        }
    }

    static void activation(String name, String field) {
        try {
            BaseActivation.parse(name);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("field '" + field + "': " + e.getMessage(), e);
        }
    }
}
