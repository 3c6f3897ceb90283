package ai.mlpzoo.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** Counters of this process: CPU time of all its threads, page faults, resident memory. */
final class ProcessStats {

    private ProcessStats() {}

    /**
     * @return CPU time of the process (all threads, native ones included) in ns, or -1
     */
    static long cpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    /**
     * @return minor page faults so far (field 10 of /proc/self/stat), or -1
     */
    static long minorFaults() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[7]);
        } catch (Exception e) {
            return -1;
        }
    }

    /**
     * @return the resident set size (VmRSS of /proc/self/status) in KiB, or -1
     */
    static long rssKiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (Exception e) {
            return -1;
        }
        return -1;
    }
}
