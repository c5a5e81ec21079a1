package ripple.features;

import ripple.avro.BehaviorType;

/**
 * Behaviour types grouped for item-influence features: what all users recently did on an item.
 * Grouping keeps the weight vector short; similar signals share one weight.
 */
public enum InfluenceGroup {
    VIEW, LIKE, SOCIAL, CART, BUY;

    public static final int COUNT = values().length;

    public static InfluenceGroup of(BehaviorType type) {
        switch (type) {
            case FAVORITE:
            case LIKE:
                return LIKE;
            case COMMENT:
            case SHARE:
                return SOCIAL;
            case CART:
                return CART;
            case PURCHASE:
                return BUY;
            default:
                return VIEW;
        }
    }
}
