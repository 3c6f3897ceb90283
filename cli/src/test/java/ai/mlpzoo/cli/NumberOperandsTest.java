package ai.mlpzoo.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No main class of mlp-zoo calls an operation whose gradient can read freed memory: DJL's {@code
 * mul}, {@code div}, {@code pow}, {@code maximum}, {@code minimum} (and in-place forms) with a
 * {@code Number} operand, the {@code NDArrays} helpers of the same, or DJL's losses that multiply
 * by their weight that way. Why, and the replacement, are in {@code
 * ai.mlpzoo.blocks.common.Scalars}. The check reads the constant pool of every mlp-zoo class on the
 * test class path (this module depends on all the others). The translators' pre- and
 * post-processing runs without gradients and is left out.
 */
class NumberOperandsTest {

    private static final Set<String> OPS =
            Set.of("mul", "div", "pow", "maximum", "minimum", "muli", "divi", "powi");

    private static final Set<String> LOSSES =
            Set.of(
                    "l1Loss",
                    "l2Loss",
                    "softmaxCrossEntropyLoss",
                    "maskedSoftmaxCrossEntropyLoss",
                    "sigmoidBinaryCrossEntropyLoss",
                    "hingeLoss",
                    "quantileL1Loss",
                    "l1WeightedDecay",
                    "l2WeightedDecay",
                    "elasticNetWeightedDecay");

    @Test
    void noMainClassUsesANumberOperandWhoseGradientIsUnsafe() throws IOException {
        List<String> scanned = new ArrayList<>();
        Set<String> offenders = new TreeSet<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Paths.get(entry);
            if (Files.isDirectory(p) && p.endsWith(Paths.get("target", "classes"))) {
                try (Stream<Path> files = Files.walk(p)) {
                    for (Path f : (Iterable<Path>) files::iterator) {
                        String rel = p.relativize(f).toString().replace(File.separatorChar, '/');
                        if (rel.startsWith("ai/mlpzoo/") && rel.endsWith(".class")) {
                            scanned.add(rel);
                            try (InputStream in = Files.newInputStream(f)) {
                                check(rel, in, offenders);
                            }
                        }
                    }
                }
            } else if (p.getFileName() != null
                    && p.getFileName().toString().startsWith("mlpzoo-")
                    && entry.endsWith(".jar")) {
                try (JarFile jar = new JarFile(p.toFile())) {
                    Enumeration<JarEntry> es = jar.entries();
                    while (es.hasMoreElements()) {
                        JarEntry e = es.nextElement();
                        if (e.getName().startsWith("ai/mlpzoo/")
                                && e.getName().endsWith(".class")) {
                            scanned.add(e.getName());
                            try (InputStream in = jar.getInputStream(e)) {
                                check(e.getName(), in, offenders);
                            }
                        }
                    }
                }
            }
        }
        System.out.println("NumberOperandsTest: " + scanned.size() + " classes read");
        assertTrue(
                scanned.stream().anyMatch(c -> c.startsWith("ai/mlpzoo/blocks/"))
                        && scanned.stream().anyMatch(c -> c.startsWith("ai/mlpzoo/train/"))
                        && scanned.stream().anyMatch(c -> c.startsWith("ai/mlpzoo/blocks/sae/")),
                "the blocks, sae and training classes must be on the class path, read: "
                        + scanned.size());
        assertTrue(
                offenders.isEmpty(),
                "use ai.mlpzoo.blocks.common.Scalars (or a loss of our own) instead of: "
                        + String.join("; ", offenders));
    }

    /** Adds "class: owner.name(descriptor)" for each unsafe method reference in the class file. */
    static void check(String className, InputStream raw, Set<String> offenders) throws IOException {
        if (className.startsWith("ai/mlpzoo/translate/")) {
            return;
        }
        DataInputStream in = new DataInputStream(raw);
        if (in.readInt() != 0xCAFEBABE) {
            throw new IOException(className + " is not a class file");
        }
        in.readUnsignedShort(); // minor
        in.readUnsignedShort(); // major
        int n = in.readUnsignedShort();
        String[] utf8 = new String[n];
        int[] a = new int[n];
        int[] b = new int[n];
        int[] tag = new int[n];
        for (int i = 1; i < n; i++) {
            tag[i] = in.readUnsignedByte();
            switch (tag[i]) {
                case 1 -> utf8[i] = in.readUTF();
                case 3, 4 -> in.readInt();
                case 5, 6 -> {
                    in.readLong();
                    i++; // takes two slots
                }
                case 7, 8, 16, 19, 20 -> a[i] = in.readUnsignedShort();
                case 9, 10, 11, 12, 17, 18 -> {
                    a[i] = in.readUnsignedShort();
                    b[i] = in.readUnsignedShort();
                }
                case 15 -> {
                    in.readUnsignedByte();
                    a[i] = in.readUnsignedShort();
                }
                default -> throw new IOException(className + ": constant tag " + tag[i]);
            }
        }
        for (int i = 1; i < n; i++) {
            if (tag[i] != 10 && tag[i] != 11) {
                continue;
            }
            String owner = utf8[a[a[i]]];
            String name = utf8[a[b[i]]];
            String desc = utf8[b[b[i]]];
            boolean numberOp =
                    OPS.contains(name)
                            && desc.contains("Ljava/lang/Number;")
                            && (owner.startsWith("ai/djl/ndarray/NDArray")
                                    || owner.equals("ai/djl/ndarray/NDArrays")
                                    || owner.startsWith("ai/djl/pytorch/engine/PtNDArray"));
            boolean loss = owner.equals("ai/djl/training/loss/Loss") && LOSSES.contains(name);
            if (numberOp || loss) {
                offenders.add(className + ": " + owner + "." + name + desc);
            }
        }
    }
}
