#!/usr/bin/env bash
# Sourced by bench scripts. Gives:
#   BENCH_TOOLS_CP  classpath with RabbitMQ PerfTest and Kafka's tools (bench/pom.xml)
#   HUB_TEST_CP     the hub's test classpath (target/classes, target/test-classes and all test dependencies),
#                   for benchmark mains under src/test/java (classes named *Benchmark, never run by `verify`)
#   rss_kb PID      resident set size of a process in KB
#   median N...     median of the numbers given
set -euo pipefail
BENCH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PROJECT_ROOT="$(cd "$BENCH_ROOT/.." && pwd)"
mkdir -p "$BENCH_ROOT/target"

bench_tools_classpath() {
  local out="$BENCH_ROOT/target/tools.classpath"
  if [ ! -s "$out" ] || [ "$BENCH_ROOT/pom.xml" -nt "$out" ]; then
    "$PROJECT_ROOT/mvnw" -B -q -f "$BENCH_ROOT/pom.xml" dependency:build-classpath -Dmdep.outputFile="$out" >&2
  fi
  BENCH_TOOLS_CP="$(cat "$out")"
  export BENCH_TOOLS_CP
}

hub_test_classpath() {
  local out="$PROJECT_ROOT/target/test.classpath"
  (cd "$PROJECT_ROOT" && ./mvnw -B -q test-compile dependency:build-classpath -Dmdep.includeScope=test \
      -Dmdep.outputFile="$out" >&2)
  HUB_TEST_CP="$PROJECT_ROOT/target/test-classes:$PROJECT_ROOT/target/classes:$(cat "$out")"
  export HUB_TEST_CP
}

rss_kb() {
  awk '/VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0
}

# median of the numbers given as arguments (the mean of the middle two for an even count)
median() {
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
