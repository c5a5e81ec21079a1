package ripple.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * The thread CPU time of {@link TwoStageBenchmark}'s scoring step, for comparing two builds on a machine shared with
 * other work (wall-clock JMH figures then move with the load; CPU time moves far less), and what a step allocates
 * (young collections, whose pauses are most of the end-to-end latency's tail, come as often as allocation fills
 * the young generation). Not a test. Arguments:
 * catalogue size, warm-up steps, measured steps, and optionally {@link TwoStageBenchmark.Catalogue#retrievedShare}.
 */
public final class StepCpuTime {
    public static void main(String[] args) {
        TwoStageBenchmark.Catalogue s = new TwoStageBenchmark.Catalogue();
        s.catalogSize = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        int steps = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
        s.retrievedShare = args.length > 3 ? Double.parseDouble(args[3]) : 0;
        s.setup();
        System.out.printf("candidates of one user: %d%n", s.ranker.view(s.user, s.w, TwoStageBenchmark.NOW.toEpochMilli()).candidates().size());
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        for (int i = 0; i < warmup; i++) {
            s.step();
        }
        long cpu0 = mx.getCurrentThreadCpuTime();
        int searches = 200;
        for (int i = 0; i < searches; i++) {
            s.stageTextQuery();
        }
        System.out.printf("text query (one HNSW search): %.1f us CPU%n",
                (mx.getCurrentThreadCpuTime() - cpu0) / 1e3 / searches);
        com.sun.management.ThreadMXBean allocation = (com.sun.management.ThreadMXBean) mx;
        long thread = Thread.currentThread().getId();
        for (int round = 0; round < 3; round++) {
            long cpu = mx.getCurrentThreadCpuTime();
            long wall = System.nanoTime();
            long allocated = allocation.getThreadAllocatedBytes(thread);
            for (int i = 0; i < steps; i++) {
                s.step();
            }
            System.out.printf("round %d: %.1f us CPU, %.1f us wall, %.1f KB allocated per step%n", round,
                    (mx.getCurrentThreadCpuTime() - cpu) / 1e3 / steps, (System.nanoTime() - wall) / 1e3 / steps,
                    (allocation.getThreadAllocatedBytes(thread) - allocated) / 1024.0 / steps);
        }
    }
}
