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
        return local("local[2]");
    }

    /**
     * The session of this master: the shared one when it runs that master, else the shared one is
     * stopped and replaced (the master of a SparkContext is fixed, and a JVM has one context). Test
     * classes run one after the other, each taking its session in {@code @BeforeAll}.
     *
     * @param master such as {@code local[2]}, or {@code local[2,2]} (task retries: 2 attempts)
     * @return the session
     */
    static synchronized SparkSession local(String master) {
        if (spark != null
                && (spark.sparkContext().isStopped()
                        || !master.equals(spark.sparkContext().master()))) {
            spark.stop();
            spark = null;
        }
        if (spark == null) {
            spark =
                    SparkSession.builder()
                            .master(master)
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
