package ripple.features;

/**
 * Whether Ripple's loops over text use SIMD lanes: the JDK's incubating Vector API, present when the JVM was started
 * with {@code --add-modules jdk.incubator.vector} (the launcher, the tests and the benchmarks do), unless
 * {@code -Dripple.simd=false}. Without it, scalar loops; a class that uses the API is loaded only when this holds,
 * since without the module it cannot link.
 */
public final class Simd {
    /** Decided once, at class load. */
    public static final boolean ENABLED = Boolean.parseBoolean(System.getProperty("ripple.simd", "true"))
            && ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    private Simd() {
    }
}
