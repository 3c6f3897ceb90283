package ai.mlpzoo.spark.assembly;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A fresh JVM laid out as spark-submit lays out a driver in local mode: the class path is Spark's
 * jars (the provided dependencies, listed by Maven in the files {@code mlpzoo.spark.classpath}
 * names) plus the assembly jar ({@code mlpzoo.spark.assembly}) and nothing else; the JVM flags are
 * Spark's {@code --add-opens} list (the root pom's {@code spark.jvm.opens}); the master comes as
 * the {@code spark.master} system property, as spark-submit passes {@code --master}.
 */
final class SparkSubmitJvm {

    private SparkSubmitJvm() {}

    /**
     * @return the assembly jar, after checking that Maven built it
     */
    static Path assembly() {
        Path jar = Paths.get(property("mlpzoo.spark.assembly"));
        assertTrue(
                Files.isRegularFile(jar),
                jar
                        + " is missing: these tests run after package (./mvnw verify -pl spark-assembly)");
        return jar;
    }

    /**
     * @return Spark's jars, one path each; none of ours or DJL's (those come from the assembly)
     */
    static List<String> sparkClassPath() {
        List<String> cp = new ArrayList<>();
        List<String> entries = new ArrayList<>();
        for (String file : property("mlpzoo.spark.classpath").split(File.pathSeparator)) {
            try {
                // maven-dependency-plugin's build-classpath files (spark-assembly/pom.xml)
                entries.addAll(
                        Arrays.asList(
                                Files.readString(Paths.get(file))
                                        .trim()
                                        .split(File.pathSeparator)));
            } catch (IOException e) {
                throw new UncheckedIOException(
                        file + " (Spark's class path, written by Maven) is unreadable", e);
            }
        }
        for (String e : entries) {
            if (e.isBlank()) {
                continue;
            }
            String name = Paths.get(e).getFileName().toString();
            assertTrue(
                    !name.startsWith("mlpzoo-")
                            && !name.startsWith("mlp-zoo-")
                            && !name.startsWith("api-")
                            && !name.startsWith("pytorch-")
                            && !name.startsWith("onnxruntime")
                            && !name.startsWith("tokenizers-")
                            && !name.startsWith("langchain4j-"),
                    "Spark's class path must not hold what the assembly carries: " + e);
            cp.add(e);
        }
        assertTrue(
                cp.stream().anyMatch(e -> e.contains("spark-sql_2.13")),
                "spark-sql is not on Spark's class path: " + cp);
        return cp;
    }

    /**
     * Runs a main class of the assembly in a fresh JVM and waits for it.
     *
     * @param mainClass the class (in the assembly)
     * @param sysProps extra {@code -D} options (with the leading -D)
     * @param args the program arguments
     * @param log where the JVM's output goes
     * @param timeoutMinutes how long to wait before killing it
     * @return the JVM's output, once it exited with status 0 (else the test fails with its tail)
     * @throws IOException when the JVM cannot be started
     * @throws InterruptedException when interrupted
     */
    static String run(
            String mainClass,
            List<String> sysProps,
            List<String> args,
            Path log,
            long timeoutMinutes)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx2g");
        cmd.addAll(Arrays.asList(property("mlpzoo.spark.opens").trim().split("\\s+")));
        cmd.add("-Djava.awt.headless=true");
        cmd.add("-Dai.djl.offline=true");
        cmd.add("-Dspark.ui.enabled=false");
        cmd.add("-Dspark.driver.host=127.0.0.1");
        cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        cmd.addAll(sysProps);
        List<String> cp = new ArrayList<>(sparkClassPath());
        cp.add(assembly().toString());
        cmd.add("-cp");
        cmd.add(String.join(File.pathSeparator, cp));
        cmd.add(mainClass);
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.redirectOutput(log.toFile());
        pb.environment().put("TORCH_CPP_LOG_LEVEL", "ERROR");
        Process p = pb.start();
        if (!p.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
            p.destroyForcibly().waitFor();
            fail(
                    mainClass
                            + " did not finish in "
                            + timeoutMinutes
                            + " min; its output:\n"
                            + tail(log));
        }
        String out = Files.readString(log);
        if (p.exitValue() != 0) {
            fail(mainClass + " exited with " + p.exitValue() + "; its output:\n" + tail(log));
        }
        return out;
    }

    static String tail(Path log) throws IOException {
        String s = Files.readString(log);
        return s.length() <= 6000 ? s : "...\n" + s.substring(s.length() - 6000);
    }

    private static String property(String name) {
        String v = System.getProperty(name);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException(
                    name + " is not set: run these tests through Maven (spark-assembly/pom.xml)");
        }
        return v;
    }
}
