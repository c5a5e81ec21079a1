#!/usr/bin/env python3
"""Where a JVM's CPU went, by thread and by streaming stage, from a JFR recording's execution samples.

    java -XX:StartFlightRecording=filename=rec.jfr,settings=profile -jar target/ripple.jar bench e2e ...
    bench/jfr-stages.py rec.jfr [--top 15]

Threads are grouped (stream thread, global stream thread, producer/consumer network threads, broker, other).
A stream-thread sample goes to its stage: commit, punctuation, poll or global-store work when found on its
stack, else the innermost processor (intake, scoring, influence, co-occurrence, ...) (intake, scoring, influence, co-occurrence,
commit, poll, punctuation, ...) and, within it, to the innermost kind of work (RocksDB, Avro, record send,
ranker, learner, user-state codec, ...). Shares are of the samples in the stream threads.
"""
import collections
import re
import subprocess
import sys

OUTER = [  # work of the stream thread outside record processing: the first entry found on the stack wins
    ("commit", ("TaskManager.commit", "TaskExecutor.commit", "StreamsProducer.commitTransaction",
                "StreamTask.prepareCommit", "StreamTask.postCommit", "TaskManager.maybeCommit")),
    ("punctuate", ("StreamTask.punctuate", "maybePunctuate")),
    ("global-catalog", ("CatalogUpdaters",)),
    ("poll", ("StreamThread.pollRequests", "KafkaConsumer.poll", "AsyncKafkaConsumer.poll", "ClassicKafkaConsumer.poll")),
    ("restore", ("StoreChangelogReader", "GlobalStateManagerImpl.restore")),
]
# A record goes through a sub-topology's processors within one call stack (each forwards to the next), so a
# sample belongs to the innermost processor on the stack.
STAGES = [
    ("intake", ("IntakeProcessor.process",)),
    ("scoring", ("ScoringProcessor.process",)),
    ("influence", ("InfluenceAggregator",)),
    ("cooccurrence", ("CooccurrenceAggregator",)),
    ("aggregate-other", ("KStreamAggregate", "KTableSource", "TimestampedCacheFlushListener")),
    ("erasure", ("ErasureProcessor",)),
    ("process-other", ("StreamTask.process", "TaskExecutor.process")),
]
KINDS = [  # innermost match on the stack (leaf first) wins
    ("rocksdb", ("org.rocksdb.",)),
    ("record-send", ("RecordCollectorImpl.send", "KafkaProducer.send", "KafkaProducer.doSend")),
    ("avro", ("org.apache.avro.", "ripple.serde.AvroSerde")),
    ("user-state-codec", ("UserStateCodec", "UserState.encode", "UserState.decode")),
    ("ranker", ("ripple.scoring.Ranker",)),
    ("learner", ("OnlineLearner",)),
    ("user-models", ("UserModels",)),
    ("catalog", ("ripple.features.ItemCatalog", "ripple.features.TextIndex")),
    ("cache", ("ThreadCache", "NamedCache", "CachingKeyValueStore", "CachingWindowStore")),
    ("changelog", ("ChangeLogging",)),
    ("kafka-client", ("org.apache.kafka.clients.",)),
    ("streams", ("org.apache.kafka.streams.",)),
    ("ripple", ("ripple.",)),
]


def group(thread):
    if "GlobalStreamThread" in thread:
        return "global-stream-thread"
    if "StreamThread" in thread and "producer" not in thread and "consumer" not in thread:
        return "stream-thread"
    if "producer-network-thread" in thread:
        return "producer-network"
    if "consumer" in thread.lower():
        return "consumer"
    if re.search(r"kafka|broker|controller|raft|data-plane|request-handler|log-cleaner|ReplicaFetcher|"
                 r"transaction|group-coordinator|quorum|ExpirationReaper|executor", thread, re.I):
        return "broker"
    return "other: " + re.sub(r"[-0-9]+$", "", thread)


def samples(path, event):
    out = subprocess.run(["jfr", "print", "--events", event, "--stack-depth", "256", path],
                         capture_output=True, text=True, check=True).stdout
    for block in out.split(event + " {")[1:]:
        m = re.search(r'sampledThread = "([^"]*)"', block)
        thread = m.group(1) if m else "?"
        frames = re.findall(r"^\s{4,}([\w$.<>/]+)\(", block, re.M)
        yield thread, frames  # leaf first


def first(frames, table):
    for name, marks in table:
        for f in frames:
            if any(m in f for m in marks):
                return name
    return None


def classify(frames, table, order):
    """The first frame in the given order that matches any entry; entries are tried per frame."""
    for f in order(frames):
        for name, marks in table:
            if any(m in f for m in marks):
                return name
    return None


def stage_of(frames):
    outer = first(frames, OUTER)
    if outer:
        return outer
    return classify(frames, STAGES, lambda f: f)  # innermost processor


def report(path, event, top):
    by_group = collections.Counter()
    stage = collections.Counter()
    kind = collections.Counter()
    leaf = collections.Counter()
    total = 0
    for thread, frames in samples(path, event):
        total += 1
        g = group(thread)
        by_group[g] += 1
        if g not in ("global-stream-thread", "stream-thread"):
            continue
        s = stage_of(frames) or g.replace("-thread", "") + "-other"
        k = classify(frames, KINDS, lambda f: f) or "other"
        stage[s] += 1
        kind[(s, k)] += 1
        leaf[frames[0] if frames else "?"] += 1
    print(f"== {event}: {total} samples")
    print("by thread group:")
    for g, n in by_group.most_common():
        print(f"  {g:40s} {n:7d}  {100 * n / total:5.1f}%")
    streams = sum(stage.values()) or 1
    print(f"stream and global stream threads ({streams} samples), by stage and kind of work:")
    for s, n in stage.most_common():
        print(f"  {s:20s} {n:7d}  {100 * n / streams:5.1f}%")
        for (s2, k), m in kind.most_common():
            if s2 == s and m * 200 >= streams:
                print(f"      {k:24s} {m:7d}  {100 * m / streams:5.1f}%")
    print(f"hottest leaf frames in those threads (top {top}):")
    for f, n in leaf.most_common(top):
        print(f"  {n:7d}  {100 * n / streams:5.1f}%  {f}")
    print()


def main():
    path = sys.argv[1]
    top = int(sys.argv[sys.argv.index("--top") + 1]) if "--top" in sys.argv else 15
    # Java code, then native code (RocksDB's JNI calls and socket waits are native samples)
    report(path, "jdk.ExecutionSample", top)
    report(path, "jdk.NativeMethodSample", top)


if __name__ == "__main__":
    main()
