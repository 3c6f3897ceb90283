package ai.mlpzoo.spark;

import java.util.Arrays;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructType;

/**
 * Texts from a string column, for MiniLM. A null or an empty (blank) text is a bad row: in a
 * DataFrame it is nearly always a missing value (a CSV's empty cell), and MiniLM would embed it as
 * [CLS] [SEP] alone, a plausible vector that answers nothing. A text longer than the model's 256
 * tokens is not bad: it is truncated as sentence-transformers does (the tokenizer logs it). Rows
 * are named by the id column when one is given, else by their position.
 */
final class TextInput implements RowInput<String> {

    private static final long serialVersionUID = 1L;

    private final String column;
    private final String idColumn;
    private int col = -1;
    private int idCol = -1;

    TextInput(String column, String idColumn) {
        this.column = column;
        this.idColumn = idColumn;
    }

    @Override
    public void checkSchema(StructType schema) {
        if (schema.getFieldIndex(column).isEmpty()) {
            throw new IllegalArgumentException(
                    "no column '"
                            + column
                            + "' (columns: "
                            + Arrays.toString(schema.fieldNames())
                            + "): name the text column");
        }
        col = schema.fieldIndex(column);
        if (!(schema.fields()[col].dataType() instanceof StringType)) {
            throw new IllegalArgumentException(
                    "column '"
                            + column
                            + "' is "
                            + schema.fields()[col].dataType().simpleString()
                            + ": texts are strings");
        }
        if (idColumn != null) {
            if (schema.getFieldIndex(idColumn).isEmpty()) {
                throw new IllegalArgumentException("no id column '" + idColumn + "'");
            }
            idCol = schema.fieldIndex(idColumn);
        }
    }

    @Override
    public String read(Row row) {
        if (row.isNullAt(col)) {
            throw new IllegalArgumentException("the text is null");
        }
        String text = row.getString(col);
        if (text.isBlank()) {
            throw new IllegalArgumentException(
                    "the text is empty: drop or fill missing texts before embedding");
        }
        return text;
    }

    @Override
    public String describe(Row row, int partition, long index) {
        if (idCol >= 0) {
            return idColumn + "=" + row.get(idCol);
        }
        return "row " + index + " of partition " + partition;
    }
}
