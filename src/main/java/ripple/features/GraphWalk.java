package ripple.features;

import java.io.IOException;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.FixedBitSet;
import org.apache.lucene.util.hnsw.HnswGraph;
import org.apache.lucene.util.hnsw.NeighborQueue;

/**
 * A best-first search of one HNSW graph, as Lucene's {@code HnswGraphSearcher} makes it (greedy down the upper
 * levels, then a beam of {@code k} on the bottom one), but scoring the neighbours of each node it expands together:
 * it first reads every unvisited neighbour's vector ({@link Nodes#touch}), so that their cache misses overlap, then
 * scores them. A search of 100k items visits some 1,500 nodes whose vectors are rarely in cache; scored one by one,
 * each waited on its own misses.
 */
final class GraphWalk {
    /** Scores the graph's nodes (its ordinals) against one query. */
    interface Nodes {
        /** Reads the node's vector, so that scoring it soon finds it in cache; returns something read from it. */
        int touch(int node);

        /** The node's score: higher is nearer. */
        float score(int node);

        /** Nodes in the graph. */
        int size();
    }

    /** The sum of what {@link Nodes#touch} returned: kept, so that the reads are not left out as unused. */
    private int touched;

    /**
     * The (about) {@code k} best nodes that {@code accept} lets through (null: all), best first, their scores in
     * {@code scores} (as long as the result at least).
     */
    int[] search(HnswGraph graph, Nodes nodes, int k, Bits accept, float[] scores) throws IOException {
        int entry = graph.entryNode();
        if (entry < 0 || nodes.size() == 0) {
            return new int[0];
        }
        float entryScore = nodes.score(entry);
        for (int level = graph.numLevels() - 1; level > 0; level--) {
            // greedy: move to the best neighbour while it beats where the walk stands
            for (boolean moved = true; moved; ) {
                moved = false;
                int n = neighbours(graph, level, entry, null, nodes);
                for (int i = 0; i < n; i++) {
                    float s = nodes.score(batch[i]);
                    if (s > entryScore) {
                        entry = batch[i];
                        entryScore = s;
                        moved = true;
                    }
                }
            }
        }
        FixedBitSet visited = new FixedBitSet(nodes.size());
        NeighborQueue candidates = new NeighborQueue(k, true);
        NeighborQueue results = new NeighborQueue(k, false);
        visited.set(entry);
        candidates.add(entry, entryScore);
        if (accept == null || accept.get(entry)) {
            results.insertWithOverflow(entry, entryScore);
        }
        float bar = Float.NEGATIVE_INFINITY; // the worst result's score once there are k
        while (candidates.size() > 0) {
            if (candidates.topScore() < bar) {
                break;
            }
            int node = candidates.pop();
            int n = neighbours(graph, 0, node, visited, nodes);
            for (int i = 0; i < n; i++) {
                int friend = batch[i];
                float s = nodes.score(friend);
                if (s > bar) {
                    candidates.add(friend, s);
                    // a queue of k: it grows to k, then keeps the best k
                    if (accept == null || accept.get(friend)) {
                        results.insertWithOverflow(friend, s);
                        if (results.size() >= k) {
                            bar = results.topScore();
                        }
                    }
                }
            }
        }
        int[] best = new int[results.size()];
        for (int i = best.length - 1; i >= 0; i--) {
            scores[i] = results.topScore();
            best[i] = results.pop();
        }
        return best;
    }

    /** The neighbours of the node being expanded, as {@link #neighbours} found them. */
    private int[] batch = new int[64];

    /**
     * Puts the neighbours of {@code node} on {@code level} into {@link #batch} (grown if need be), leaving out those
     * {@code visited} (when given) holds and marking the rest, then reads each one's vector; returns how many.
     */
    private int neighbours(HnswGraph graph, int level, int node, FixedBitSet visited, Nodes nodes)
            throws IOException {
        graph.seek(level, node);
        int n = 0;
        for (int friend = graph.nextNeighbor(); friend != DocIdSetIterator.NO_MORE_DOCS; friend = graph.nextNeighbor()) {
            if (visited != null && visited.getAndSet(friend)) {
                continue;
            }
            if (n == batch.length) {
                batch = java.util.Arrays.copyOf(batch, n * 2);
            }
            batch[n++] = friend;
        }
        for (int i = 0; i < n; i++) {
            touched += nodes.touch(batch[i]);
        }
        return n;
    }

    /** {@link #touched}: read by nothing that matters, but reading it keeps the touches. */
    int touched() {
        return touched;
    }
}
