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

mvn -B -o -q test-compile
# the test classpath, written only when the pom changed since it was last written
if [[ ! -s target/bench-classpath.txt || pom.xml -nt target/bench-classpath.txt ]]; then
  mvn -B -o -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
fi

if [[ $# -eq 0 || "$1" == -* ]]; then
  set -- HotPath "$@"
fi
exec java --add-modules jdk.incubator.vector -Dorg.apache.avro.SERIALIZABLE_PACKAGES=ripple.avro,java.lang,java.util,java.math,java.time \
  -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
  org.openjdk.jmh.Main "$@"
