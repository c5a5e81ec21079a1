package ripple.bench;

import java.lang.management.ManagementFactory;
import java.util.Locale;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Where a scorer's commits went over a phase. Under exactly-once a score becomes visible when its transaction
 * commits, so the commit cycle sets the latency: how often commits came, and per commit how long the producer's
 * flush, sending the consumed offsets and committing took (Kafka Streams' and its producer's own counters). With
 * the embedded broker, which shares the JVM's MBean server, also the broker's side: produce requests per commit,
 * the mean time it took to handle one, and the mean time to write a transaction's markers (one per partition the
 * transaction wrote). Zero where a counter is absent.
 *
 * @param commitsPerSec   commits per second of the phase
 * @param flushMs         the producer's flush per commit: every record of the transaction acknowledged
 * @param sendOffsetsMs   sending the consumed offsets to the transaction, per commit
 * @param txnCommitMs     ending the transaction, per commit
 * @param produceRequests produce requests the broker handled per commit (every client's)
 * @param produceMs       the broker's mean time per produce request
 * @param markersMs       the broker's mean time to write one transaction's markers
 */
public record CommitBreakdown(double commitsPerSec, double flushMs, double sendOffsetsMs, double txnCommitMs,
                              double produceRequests, double produceMs, double markersMs) {
    private static final String PRODUCE = "kafka.network:type=RequestMetrics,name=TotalTimeMs,request=Produce";
    private static final String MARKERS = "kafka.network:type=RequestMetrics,name=TotalTimeMs,request=WriteTxnMarkers";

    /** Cumulative counters at one moment. */
    record Counters(long nanos, double commits, double flushNs, double sendOffsetsNs, double txnCommitNs,
                    double produceCount, double produceMeanMs, double markersCount, double markersMeanMs) {
    }

    static Counters read(KafkaStreams streams) {
        double[] c = new double[4];
        streams.metrics().forEach((n, m) -> {
            if (!(m.metricValue() instanceof Number v)) {
                return;
            }
            int slot = switch (n.group() + "/" + n.name()) {
                case "stream-thread-metrics/commit-total" -> 0;
                case "producer-metrics/flush-time-ns-total" -> 1;
                case "producer-metrics/txn-send-offsets-time-ns-total" -> 2;
                case "producer-metrics/txn-commit-time-ns-total" -> 3;
                default -> -1;
            };
            if (slot >= 0) {
                c[slot] += v.doubleValue();
            }
        });
        double[] produce = broker(PRODUCE);
        double[] markers = broker(MARKERS);
        return new Counters(System.nanoTime(), c[0], c[1], c[2], c[3], produce[0], produce[1], markers[0], markers[1]);
    }

    /** A broker request histogram's count and all-time mean, or zeros without an embedded broker. */
    private static double[] broker(String name) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            ObjectName n = new ObjectName(name);
            if (!server.isRegistered(n)) {
                return new double[2];
            }
            return new double[] {((Number) server.getAttribute(n, "Count")).doubleValue(),
                    ((Number) server.getAttribute(n, "Mean")).doubleValue()};
        } catch (JMException e) {
            return new double[2];
        }
    }

    /** What happened between two readings of the same app. */
    static CommitBreakdown between(Counters from, Counters to) {
        double commits = to.commits() - from.commits();
        double seconds = (to.nanos() - from.nanos()) / 1e9;
        double per = commits > 0 ? 1 / commits : 0;
        return new CommitBreakdown(commits / seconds, (to.flushNs() - from.flushNs()) / 1e6 * per,
                (to.sendOffsetsNs() - from.sendOffsetsNs()) / 1e6 * per, (to.txnCommitNs() - from.txnCommitNs()) / 1e6 * per,
                (to.produceCount() - from.produceCount()) * per,
                meanBetween(from.produceCount(), from.produceMeanMs(), to.produceCount(), to.produceMeanMs()),
                meanBetween(from.markersCount(), from.markersMeanMs(), to.markersCount(), to.markersMeanMs()));
    }

    /** The mean of the values added between two readings of an all-time count and mean. */
    static double meanBetween(double count0, double mean0, double count1, double mean1) {
        double added = count1 - count0;
        return added > 0 ? (count1 * mean1 - count0 * mean0) / added : 0;
    }

    String toJson() {
        return String.format(Locale.ROOT, "{\"commits_per_sec\": %.2f, \"flush_ms\": %.2f, \"send_offsets_ms\": %.2f, "
                        + "\"txn_commit_ms\": %.2f, \"broker_produce_requests_per_commit\": %.1f, "
                        + "\"broker_produce_ms\": %.2f, \"broker_txn_markers_ms\": %.2f}",
                commitsPerSec, flushMs, sendOffsetsMs, txnCommitMs, produceRequests, produceMs, markersMs);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%.1f commits/s; per commit: flush %.1f ms, send offsets %.1f ms, commit %.1f ms; "
                        + "broker: %.1f produce requests per commit at %.2f ms each, a transaction's markers %.2f ms",
                commitsPerSec, flushMs, sendOffsetsMs, txnCommitMs, produceRequests, produceMs, markersMs);
    }
}
