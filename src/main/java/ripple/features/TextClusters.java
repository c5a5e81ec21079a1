package ripple.features;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Topics read from the item text: k-means over one text model's raw embeddings (a {@link TextSample}), each topic
 * then represented by the mean of its members' centred, projected vectors, which is where items are assigned. An
 * item that has no category gets the nearest topic as one ({@code ~model:c}), so the features and candidate lists
 * built on categories (the user's latest categories, popularity within them) also work where the catalogue has no
 * labels and only BERT can tell topics apart. Immutable; the catalogue refits and swaps it as items arrive.
 */
final class TextClusters {
    private static final int ITERATIONS = 25;
    /**
     * Lloyd's algorithm stops in a local optimum; the fit with the least within-topic spread of several seeded
     * starts is kept (synthetic titles, 16 topics in the projected space: one start gave 78-81% pure topics,
     * eight gave 83-87%).
     */
    private static final int RESTARTS = 6;
    /** Items the silhouette is measured on, as it compares every pair; the sample is in hash order, so a prefix is random. */
    private static final int SILHOUETTE_ITEMS = 400;

    private final String model;
    private final float[][] centroids;
    final long version;

    private TextClusters(String model, float[][] centroids, long version) {
        this.model = model;
        this.centroids = centroids;
        this.version = version;
    }

    /**
     * Fits topics on {@code raw} and represents each by the mean of the same items' {@code projected} vectors (row
     * for row). The number of topics is the one from 2 to {@code maxK} whose fit separates the items best (the
     * largest mean silhouette): a catalogue's topics are not known in advance, and too many split a topic in two
     * while too few merge two (synthetic titles with 8 topics, first visits, ndcg@10 with 8 topics 0.129, with 12
     * 0.120, with 16 0.115; the silhouette chose 8). Seeded k-means++ starts from fixed seeds, so every instance, fed the same items, finds
     * the same topics.
     */
    static TextClusters fit(String model, float[][] raw, float[][] projected, int maxK, long version) {
        int[] best = null;
        int bestK = 1;
        double bestSilhouette = Double.NEGATIVE_INFINITY;
        for (int k = 2; k <= Math.min(maxK, raw.length - 1); k++) {
            int[] assignment = fitK(raw, k);
            double silhouette = silhouette(raw, assignment, k);
            if (silhouette > bestSilhouette) {
                bestSilhouette = silhouette;
                best = assignment;
                bestK = k;
            }
        }
        if (best == null) {
            best = new int[raw.length];
        }
        float[][] means = means(projected, best, bestK);
        List<float[]> kept = new ArrayList<>(bestK);
        for (float[] m : means) {
            if (m != null) {
                kept.add(m); // a topic with no member has no place in the projected space
            }
        }
        return new TextClusters(model, kept.toArray(new float[0][]), version);
    }

    /** The best of {@link #RESTARTS} seeded fits with k clusters (least spread). */
    private static int[] fitK(float[][] raw, int k) {
        int[] best = null;
        double bestSpread = Double.MAX_VALUE;
        for (int start = 0; start < RESTARTS; start++) {
            int[] assignment = new int[raw.length];
            double spread = lloyd(raw, k, new SplittableRandom(0x5EED_0000L + 31L * k + start), assignment);
            if (spread < bestSpread) {
                bestSpread = spread;
                best = assignment;
            }
        }
        return best;
    }

    /**
     * The mean silhouette of the first {@link #SILHOUETTE_ITEMS} items, (b - a) / max(a, b), with a the mean
     * distance to the other members of the item's topic and b the least mean distance to another topic's members:
     * near 1 when topics are tight and far apart. (The cheaper form with centroids for members keeps growing with
     * the number of topics in 512 dimensions, so it cannot choose one.)
     */
    private static double silhouette(float[][] v, int[] assignment, int k) {
        int n = Math.min(v.length, SILHOUETTE_ITEMS);
        double[][] distances = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                distances[i][j] = distances[j][i] = Math.sqrt(distance(v[i], v[j]));
            }
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double[] total = new double[k];
            int[] count = new int[k];
            for (int j = 0; j < n; j++) {
                if (j != i) {
                    total[assignment[j]] += distances[i][j];
                    count[assignment[j]]++;
                }
            }
            int own = assignment[i];
            if (count[own] == 0) {
                continue; // a topic of one item counts 0, as usual
            }
            double a = total[own] / count[own];
            double b = Double.MAX_VALUE;
            for (int c = 0; c < k; c++) {
                if (c != own && count[c] > 0) {
                    b = Math.min(b, total[c] / count[c]);
                }
            }
            if (b != Double.MAX_VALUE && Math.max(a, b) > 0) {
                sum += (b - a) / Math.max(a, b);
            }
        }
        return sum / n;
    }

    /** One k-means++ seeded run; fills the assignment and returns the sum of squared distances to the centroids. */
    private static double lloyd(float[][] v, int k, SplittableRandom rnd, int[] assignment) {
        int n = v.length;
        float[][] c = new float[k][];
        c[0] = v[rnd.nextInt(n)].clone();
        double[] nearest = new double[n];
        Arrays.fill(nearest, Double.MAX_VALUE);
        for (int j = 1; j < k; j++) {
            double total = 0;
            for (int i = 0; i < n; i++) {
                nearest[i] = Math.min(nearest[i], distance(v[i], c[j - 1]));
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
            c[j] = v[chosen].clone();
        }
        double spread = 0;
        Arrays.fill(assignment, -1);
        for (int iter = 0; iter < ITERATIONS; iter++) {
            spread = 0;
            boolean moved = false;
            for (int i = 0; i < n; i++) {
                int closest = nearest(c, v[i]);
                moved |= closest != assignment[i];
                assignment[i] = closest;
                spread += distance(v[i], c[closest]);
            }
            if (!moved) {
                break; // converged: the centroids would not change
            }
            float[][] m = means(v, assignment, k);
            for (int j = 0; j < k; j++) {
                if (m[j] != null) {
                    c[j] = m[j]; // an empty cluster keeps its centroid
                }
            }
        }
        return spread;
    }

    /** Per cluster, the mean of its members' vectors; null for a cluster without members. */
    private static float[][] means(float[][] v, int[] assignment, int k) {
        int dims = v[0].length;
        double[][] sum = new double[k][dims];
        int[] count = new int[k];
        for (int i = 0; i < v.length; i++) {
            count[assignment[i]]++;
            for (int d = 0; d < dims; d++) {
                sum[assignment[i]][d] += v[i][d];
            }
        }
        float[][] out = new float[k][];
        for (int j = 0; j < k; j++) {
            if (count[j] > 0) {
                out[j] = new float[dims];
                for (int d = 0; d < dims; d++) {
                    out[j][d] = (float) (sum[j][d] / count[j]);
                }
            }
        }
        return out;
    }

    int size() {
        return centroids.length;
    }

    /** The category name of the topic nearest a (centred, projected) vector. */
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

    /** The vector scaled to unit length, in place; a zero vector stays zero. */
    static float[] unit(float[] v) {
        double n = 0;
        for (float x : v) {
            n += x * x;
        }
        if (n > 0) {
            float scale = (float) (1 / Math.sqrt(n));
            for (int i = 0; i < v.length; i++) {
                v[i] *= scale;
            }
        }
        return v;
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
