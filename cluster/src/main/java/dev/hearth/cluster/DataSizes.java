package dev.hearth.cluster;

import dev.hearth.api.ConfigurationException;

import java.util.Locale;

/** Parses sizes such as {@code 3GiB}, {@code 512MiB}, {@code 2GB} or plain bytes. */
public final class DataSizes {
    private DataSizes() {
    }

    /**
     * Half of this machine's physical memory: the default budget a node lends to stages (weights are mapped, not on
     * the heap, so the heap size says nothing about it).
     */
    public static long halfOfPhysicalMemory() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize() / 2;
        }
        return Runtime.getRuntime().maxMemory();
    }

    public static long parse(String text) {
        String s = text.trim().toUpperCase(Locale.ROOT).replace(" ", "");
        long unit = 1;
        String[][] units = {{"KIB", "1024"}, {"MIB", "1048576"}, {"GIB", "1073741824"}, {"TIB", "1099511627776"},
                {"KB", "1000"}, {"MB", "1000000"}, {"GB", "1000000000"}, {"TB", "1000000000000"}, {"B", "1"}};
        for (String[] u : units) {
            if (s.endsWith(u[0])) {
                unit = Long.parseLong(u[1]);
                s = s.substring(0, s.length() - u[0].length());
                break;
            }
        }
        try {
            double value = Double.parseDouble(s);
            if (value < 0) {
                throw new NumberFormatException();
            }
            return (long) (value * unit);
        } catch (NumberFormatException e) {
            throw new ConfigurationException("not a size: '" + text + "' (try 3GiB, 512MiB or a number of bytes)");
        }
    }
}
