package ripple.bench;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Two builds' scoring steps ({@link TwoStageBenchmark}) in one JVM, each build's classes in a class loader of its
 * own, measured in alternating blocks of thread CPU time. On a shared machine one JVM's steps ran 1.6 times slower
 * than the next JVM's of the same build (a step's cost is mostly waiting on memory, which the neighbours share), so
 * builds compared one JVM each, even alternated, could not show a 5% change; blocks side by side in one JVM see the
 * same neighbours, and their per-block ratio could. Both catalogues share the caches, so the absolute figures are
 * higher than {@link StepCpuTime}'s: read the ratio. The build set up second ran faster, whichever it was (one build
 * against itself: 0.961, 29 blocks of 30), so {@code bench/pair-step.sh} runs this twice, in both orders, and takes
 * the geometric mean, in which that cancels. Not a test. Arguments: the first build's classes directory, the
 * second's, the rest of the class path (this class's own directory, the test classes and the dependencies),
 * catalogue size, blocks, steps per block, and optionally {@link TwoStageBenchmark.Catalogue#retrievedShare}. The last line is the median ratio, second build over first.
 */
public final class PairedStepCpuTime {
    private static final int WARMUP_STEPS = 10_000;

    public static void main(String[] args) throws Exception {
        String[] builds = {args[0], args[1]};
        String[] rest = args[2].split(File.pathSeparator);
        int catalogSize = Integer.parseInt(args[3]);
        int blocks = Integer.parseInt(args[4]);
        int steps = Integer.parseInt(args[5]);
        double retrievedShare = args.length > 6 ? Double.parseDouble(args[6]) : 0;
        Object[] catalogues = new Object[2];
        Method[] step = new Method[2];
        for (int v = 0; v < 2; v++) {
            ClassLoader loader = new URLClassLoader(urls(builds[v], rest), ClassLoader.getPlatformClassLoader());
            Thread.currentThread().setContextClassLoader(loader);
            Class<?> type = Class.forName(TwoStageBenchmark.Catalogue.class.getName(), true, loader);
            Object catalogue = type.getDeclaredConstructor().newInstance();
            Field size = type.getDeclaredField("catalogSize");
            size.setAccessible(true);
            size.setInt(catalogue, catalogSize);
            Field share = type.getDeclaredField("retrievedShare");
            share.setAccessible(true);
            share.setDouble(catalogue, retrievedShare);
            type.getMethod("setup").invoke(catalogue);
            step[v] = type.getDeclaredMethod("step");
            step[v].setAccessible(true);
            catalogues[v] = catalogue;
        }
        for (int i = 0; i < WARMUP_STEPS; i++) {
            step[0].invoke(catalogues[0]);
            step[1].invoke(catalogues[1]);
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        double[][] micros = new double[2][blocks];
        double[] ratio = new double[blocks];
        for (int b = 0; b < blocks; b++) {
            for (int k = 0; k < 2; k++) {
                int v = (b + k) % 2; // which build goes first alternates from block to block
                long cpu = mx.getCurrentThreadCpuTime();
                for (int i = 0; i < steps; i++) {
                    step[v].invoke(catalogues[v]);
                }
                micros[v][b] = (mx.getCurrentThreadCpuTime() - cpu) / 1e3 / steps;
            }
            ratio[b] = micros[1][b] / micros[0][b];
        }
        for (int v = 0; v < 2; v++) {
            System.out.printf("%s: median %.1f us CPU a step; blocks %s%n", builds[v], median(micros[v]),
                    Arrays.toString(round(micros[v])));
        }
        double[] sorted = ratio.clone();
        Arrays.sort(sorted);
        System.out.printf("second / first: blocks with the second faster %d of %d; quartiles %.3f to %.3f%n",
                Arrays.stream(ratio).filter(r -> r < 1).count(), blocks, sorted[blocks / 4],
                sorted[(3 * blocks) / 4]);
        System.out.printf("ratio %.4f%n", median(ratio));
    }

    private static URL[] urls(String build, String[] rest) throws MalformedURLException {
        List<URL> urls = new ArrayList<>();
        urls.add(new File(build).toURI().toURL()); // first: the build's own classes win over any other copy
        for (String path : rest) {
            urls.add(new File(path).toURI().toURL());
        }
        return urls.toArray(new URL[0]);
    }

    private static double median(double[] x) {
        double[] y = x.clone();
        Arrays.sort(y);
        int n = y.length;
        return n % 2 == 1 ? y[n / 2] : (y[n / 2 - 1] + y[n / 2]) / 2;
    }

    private static double[] round(double[] x) {
        return Arrays.stream(x).map(d -> Math.round(d * 10) / 10.0).toArray();
    }
}
