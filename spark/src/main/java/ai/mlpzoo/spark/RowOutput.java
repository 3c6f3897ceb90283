package ai.mlpzoo.spark;

import java.io.Serializable;
import org.apache.spark.sql.types.StructField;

/**
 * Writes a model's output as columns.
 *
 * @param <O> the model's output type
 */
interface RowOutput<O> extends Serializable {

    /**
     * @return the columns appended to each row
     */
    StructField[] fields();

    /**
     * @param out the model's output for one row
     * @return the values of {@link #fields()}, in order
     * @throws IllegalArgumentException when the output cannot be trusted (not finite)
     */
    Object[] values(O out);
}
