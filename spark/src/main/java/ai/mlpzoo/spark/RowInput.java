package ai.mlpzoo.spark;

import ai.djl.repository.zoo.ZooModel;
import java.io.Serializable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * Reads a model's input from a row.
 *
 * @param <I> the model's input type
 */
interface RowInput<I> extends Serializable {

    /**
     * Checks the input column before the job runs.
     *
     * @param schema the DataFrame's schema
     * @throws IllegalArgumentException naming the column and what it should be
     */
    void checkSchema(StructType schema);

    /**
     * Called once per task, with the model, before any row is read (a vector's expected width).
     *
     * @param model the loaded model
     */
    default void prepare(ZooModel<?, ?> model) {}

    /**
     * @param row the row
     * @return its input
     * @throws IllegalArgumentException naming what is wrong with it (a bad row)
     */
    I read(Row row);

    /**
     * @param row the row
     * @param partition the partition
     * @param index its index in the partition
     * @return how the row is named in messages: its file, or its id column, or its position
     */
    String describe(Row row, int partition, long index);
}
