package ripple.features;

import java.util.SplittableRandom;

/**
 * Topics read from the item text: k-means centroids of one text model's centred, projected vectors. An item
 * that has no category gets the nearest centroid as one ({@code ~model:c}), so the features and candidate lists
 * built on categories (the user's latest categories, popularity within them) also work where the catalogue has
 * no labels and only BERT can tell topics apart. Immutable; the catalogue refits and swaps it as items arrive.
 */
final class TextClusters {
    /** Lloyd iterations per fit; a fit runs on the global thread, over at most {@link #SAMPLE} items. */
    private static final int ITERATIONS = 12;
    static final int SAMPLE = 20_000;

    private final String model;
    private final float[][] centroids;
    final long version;

    private TextClusters(String model, float[][] centroids, long version) {
        this.model = model;
        this.centroids = centroids;
        this.version = version;
    }

    /**
     * k-means over {@code vectors} (centred already), seeded k-means++ style from a fixed seed so that every
     * instance, fed the same items, finds the same topics.
     */
    static TextClusters fit(String model, float[][] vectors, int k, long version) {
        int n = vectors.length;
        int dims = vectors[0].length;
        k = Math.min(k, n);
        SplittableRandom rnd = new SplittableRandom(0x5EED_0000L + k);
        float[][] c = new float[k][];
        c[0] = vectors[rnd.nextInt(n)].clone();
        double[] nearest = new double[n];
        java.util.Arrays.fill(nearest, Double.MAX_VALUE);
        for (int j = 1; j < k; j++) {
            double total = 0;
            for (int i = 0; i < n; i++) {
                nearest[i] = Math.min(nearest[i], distance(vectors[i], c[j - 1]));
                total += nearest[i];
            }
            double pick = rnd.nextDouble() * total;
            int chosen = n - 1;
            for (int i = 0; i < n; i++) {
                pick -= nearest[i];
                if (pick <= 0) {
                    chosen = i;
                    break;
                }
            }
            c[j] = vectors[chosen].clone();
        }
        int[] assignment = new int[n];
        for (int iter = 0; iter < ITERATIONS; iter++) {
            double[][] sum = new double[k][dims];
            int[] count = new int[k];
            for (int i = 0; i < n; i++) {
                assignment[i] = nearest(c, vectors[i]);
                count[assignment[i]]++;
                for (int d = 0; d < dims; d++) {
                    sum[assignment[i]][d] += vectors[i][d];
                }
            }
            for (int j = 0; j < k; j++) {
                if (count[j] == 0) {
                    continue; // an empty cluster keeps its centroid
                }
                for (int d = 0; d < dims; d++) {
                    c[j][d] = (float) (sum[j][d] / count[j]);
                }
            }
        }
        return new TextClusters(model, c, version);
    }

    /** The category name of the topic nearest a (centred) vector. */
    String category(float[] centred) {
        return "~" + model + ":" + nearest(centroids, centred);
    }

    private static int nearest(float[][] centroids, float[] v) {
        int best = 0;
        double bestDistance = Double.MAX_VALUE;
        for (int j = 0; j < centroids.length; j++) {
            double d = distance(v, centroids[j]);
            if (d < bestDistance) {
                bestDistance = d;
                best = j;
            }
        }
        return best;
    }

    private static double distance(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            s += d * d;
        }
        return s;
    }
}
