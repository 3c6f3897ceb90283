package ai.mlpzoo.spark;

import org.apache.spark.sql.SparkSession;

/** One local SparkSession for the test JVM: starting one takes seconds. */
final class Sessions {

    private static SparkSession spark;

    private Sessions() {}

    /**
     * @return local[2], no UI, shared by the test classes of this JVM
     */
    static synchronized SparkSession local2() {
        if (spark == null) {
            spark =
                    SparkSession.builder()
                            .master("local[2]")
                            .appName("mlpzoo-spark-test")
                            .config("spark.ui.enabled", "false")
                            .config("spark.sql.shuffle.partitions", "4")
                            .config("spark.driver.host", "127.0.0.1")
                            .getOrCreate();
            spark.sparkContext().setLogLevel("ERROR");
        }
        return spark;
    }
}
