#!/usr/bin/env bash
# Compares the scoring step of a git revision (A) with the working tree (B) in one JVM, in alternating blocks of
# thread CPU time (ripple.bench.PairedStepCpuTime): on a shared machine, separate JVMs of one build differ by more
# than most changes do. Runs it in both orders (the build set up second runs faster) and prints the geometric mean
# of the median block ratios, B / A. The benchmark's own classes come from the working tree.
#   bench/pair-step.sh HEAD                 # the working tree against the last commit, 100k items
#   bench/pair-step.sh HEAD~1 100000 30     # more blocks (each of 2,000 steps a build)
#   bench/pair-step.sh HEAD 100000 16 2000 0.17  # 17% of events on an item the user's candidates hold
set -euo pipefail
cd "$(dirname "$0")/.."
rev=$(git rev-parse --verify "${1:?usage: bench/pair-step.sh REV [catalogue size] [blocks] [steps per block] [retrieved share]}^{commit}")
size=${2:-100000}
blocks=${3:-20}
steps=${4:-2000}
share=${5:-0}

base=target/pair/$rev
if [[ ! -d $base/classes ]]; then
  rm -rf "$base"
  git worktree add --detach -f "$base/src" "$rev" >/dev/null
  mvn -B -o -q -f "$base/src/pom.xml" compile
  cp -r "$base/src/target/classes" "$base/classes"
  git worktree remove --force "$base/src"
fi
source bench/common.sh
out=$(mktemp)
trap 'rm -f "$out"' EXIT
run() { # the two builds' classes directories, set up in that order; prints the median ratio, second over first
  java "${BENCH_JVM_FLAGS[@]}" -Xms8g -Xmx8g -XX:+AlwaysPreTouch \
    -cp "target/test-classes:$BENCH_DEPENDENCIES" ripple.bench.PairedStepCpuTime \
    "$1" "$2" "target/test-classes:$BENCH_DEPENDENCIES" "$size" "$blocks" "$steps" "$share" >"$out" 2>&1 \
    || { cat "$out" >&2; return 1; }
  grep -E '^(/|target|second|ratio)' "$out" >&2
  awk '/^ratio/ {print $2}' "$out"
}
# The build set up second runs faster whichever it is: both orders, and the geometric mean cancels that.
b_second=$(run "$base/classes" target/classes)
a_second=$(run target/classes "$base/classes")
awk -v r1="$b_second" -v r2="$a_second" 'BEGIN {
  printf "working tree / %s: %.3f (B/A with B set up second %.3f, A/B with A second %.3f; the order bias %.3f)\n",
    substr("'"$rev"'", 1, 7), sqrt(r1 / r2), r1, r2, sqrt(r1 * r2) }'
