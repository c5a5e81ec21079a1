package ripple.features;

/**
 * An item's co-occurrence neighbours, best first: how often each other item was touched by the same user close
 * to this one (decayed to {@code time}), and how often this item took part in any such pair ({@code selfCount},
 * decayed the same way), which normalises the counts into a cosine at read time. Immutable.
 */
public record ItemNeighbours(long time, float selfCount, String[] ids, float[] counts) {
    public ItemNeighbours {
        if (ids.length != counts.length) {
            throw new IllegalArgumentException(ids.length + " neighbour ids but " + counts.length + " counts");
        }
    }

    public int size() {
        return ids.length;
    }
}
