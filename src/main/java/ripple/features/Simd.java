package ripple.features;

/**
 * Whether Ripple's loops over text use SIMD lanes: the JDK's incubating Vector API, present when the JVM was started
 * with {@code --add-modules jdk.incubator.vector} (the launcher, the tests and the benchmarks do), on a CPU with
 * 256-bit vectors, unless {@code -Dripple.simd=false}. Otherwise scalar loops. A class that uses the API is loaded
 * only when this holds, since without the module it cannot link.
 */
public final class Simd {
    /** Decided once, at class load. */
    public static final boolean ENABLED = Boolean.parseBoolean(System.getProperty("ripple.simd", "true"))
            && ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent() && Lanes.EIGHT;

    private Simd() {
    }

    /**
     * Whether the CPU has eight float lanes, which the loops use: a text's eight 8-bit integers widen to them in one
     * step. Loaded only once the module is known to be there.
     */
    private static final class Lanes {
        static final boolean EIGHT = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length() >= 8;
    }
}
