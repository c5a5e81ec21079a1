package ripple.bench;

import ripple.scoring.Ranker;

/**
 * The cost of ranking one view's candidates with every one of them in cache: {@link TwoStageBenchmark}'s catalogue
 * and warmed scorer, then one view's top-K again and again. In the scoring step the candidates are cold: there its
 * top-K took 140-260 us for about 570 candidates at 100k items on the 2-core machine, against 64-68 us here (50-52
 * once the SIMD pass summed its lanes as trees and the cosines took one square root). The difference is cache
 * misses; this is compute. Not a test. Arguments: catalogue size, rankings per round.
 */
public final class HotRankProbe {
    public static void main(String[] args) {
        TwoStageBenchmark.Catalogue s = new TwoStageBenchmark.Catalogue();
        s.catalogSize = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int rankings = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        s.setup();
        for (int i = 0; i < 20_000; i++) {
            s.step();
        }
        Ranker.View view = s.ranker.view("bench-user", s.user, null, s.w, TwoStageBenchmark.NOW.toEpochMilli());
        int candidates = view.candidates().size();
        long kept = 0;
        for (int round = 0; round < 4; round++) {
            long start = System.nanoTime();
            for (int i = 0; i < rankings; i++) {
                kept += view.topK(TwoStageBenchmark.SETTINGS.topK(), true).size();
            }
            double ns = (System.nanoTime() - start) / (double) rankings;
            System.out.printf("round %d: top-K of %d candidates in cache: %.1f us, %.1f ns a candidate%n", round,
                    candidates, ns / 1e3, ns / candidates);
        }
        System.out.println("kept " + kept); // used, so the rankings are not optimised away
    }
}
