package ai.mlpzoo.spark;

/** A row the model cannot take, under {@link OnError#FAIL}: the message names the file or row. */
public class BadRowException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param row the file (path, origin) or row that is bad
     * @param reason what is wrong with it
     * @param cause the underlying error, or null
     */
    public BadRowException(String row, String reason, Throwable cause) {
        super(
                "mlpzoo-spark: bad row "
                        + row
                        + ": "
                        + reason
                        + " (onError=fail stops the job at the first bad row; onError=column keeps"
                        + " going and reports it in column 'error')",
                cause);
    }
}
