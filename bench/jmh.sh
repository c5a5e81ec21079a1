#!/usr/bin/env bash
# JMH micro-benchmarks of the scorer's per-event hot path (src/test/java/ripple/bench: package ripple.bench, the
# home of every benchmark, in test scope like JMH itself; the command-line ones, ./ripple bench e2e|embed, are in
# src/main/java/ripple/bench). They are not tests: `mvn verify` compiles them but never runs them. Any arguments
# go to JMH; the defaults are in the benchmark's annotations (1 fork, 2 warm-up and 3 measured iterations
# of 1 s), e.g.
#   bench/jmh.sh                        # every HotPath benchmark
#   bench/jmh.sh rankTop20 -i 5         # one benchmark, more iterations
#   bench/jmh.sh -p catalogSize=10000   # one catalogue size
set -euo pipefail
cd "$(dirname "$0")/.."

source bench/common.sh

if [[ $# -eq 0 || "$1" == -* ]]; then
  set -- HotPath "$@"
fi
exec java "${BENCH_JVM_FLAGS[@]}" -cp "target/test-classes:target/classes:$BENCH_DEPENDENCIES" \
  org.openjdk.jmh.Main "$@"
