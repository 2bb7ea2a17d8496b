#!/usr/bin/env bash
# Summaries flow benchmark. Run with nothing else loading the machine: bench/run summaries
#   (a) pipeline end-to-end with an LLM stub of fixed latency (default 100 ms) against the ideal critical path
#       (map waves x latency + reduce levels x latency): ratio, target <= 1.10
#   (b) outbox relay rows/s (PostgreSQL -> Kafka) against Kafka's ProducerPerformance on the same broker: ratio >= 0.5
#   (c) peak heap with 20 concurrent 10 MB transcripts: target <= 256 MB
# Needs PostgreSQL on 127.0.0.1:5432 (database "test", user postgres; schema hub_bench is dropped and recreated) and
# RabbitMQ/Redis on localhost as for the integration tests. Kafka runs in the benchmark JVM, S3 as a local process.
# Options: LLM_LATENCY_MS (100), RELAY_ROWS (50000), BENCH_HEAP_MB (-Xmx of the JVM for (a) and (b), 512),
#          HEAP_LIMIT_MB (-Xmx of the JVM for (c), 256: the target),
#          BENCH_PARTS (a,b,c: which of the three to run), BENCH_JAVA_OPTS (extra JVM options, e.g. a JFR recording, or
#          -Dbench.trace=true: when each endpoint was first called and last answered in every measured run of (a)).
source "$(dirname "$0")/../lib/tools.sh"
bench_tools_classpath
hub_test_classpath
cd "$PROJECT_ROOT"
# sun.net.httpserver.nodelay: the JDK HTTP server of the LLM stub writes the answer's headers and body separately;
# with Nagle's algorithm on, the body waits for the client's delayed ACK (40 ms on Linux), and the stub would answer
# in ~140 ms instead of the fixed latency it stands for. Real LLM servers set TCP_NODELAY.
parts="${BENCH_PARTS:-a,b,c}"
run() { # run PARTS HEAP_MB
  java -Dsun.net.httpserver.nodelay=true -Xmx"$2"m -XX:+UseSerialGC ${BENCH_JAVA_OPTS:-} -Dbench.parts="$1" \
    -Dhub.tools.dir="$PROJECT_ROOT/target/tools" -Dbench.llmLatencyMs="${LLM_LATENCY_MS:-100}" \
    -Dbench.relayRows="${RELAY_ROWS:-50000}" -cp "$HUB_TEST_CP" routes.summaries.SummariesBenchmark
}
ab="$(echo "$parts" | tr ',' '\n' | grep -e '^a$' -e '^b$' | paste -sd, || true)"
if [ -n "$ab" ]; then
  run "$ab" "${BENCH_HEAP_MB:-512}"
fi
# (c) in a JVM of its own whose heap limit is the target: it passes only if 20 transcripts at once fit in it
if echo "$parts" | tr ',' '\n' | grep -qx c; then
  run c "${HEAP_LIMIT_MB:-256}"
fi
