#!/usr/bin/env bash
# Summaries flow benchmark (issue 4). Run under the build lock: flock /work/wt/build.lock bench/run summaries
#   (a) pipeline end-to-end with an LLM stub of fixed latency (default 100 ms) against the ideal critical path
#       (map waves x latency + reduce levels x latency): ratio, target <= 1.10
#   (b) outbox relay rows/s (PostgreSQL -> Kafka) against Kafka's ProducerPerformance on the same broker: ratio >= 0.5
#   (c) peak heap with 20 concurrent 10 MB transcripts: target <= 256 MB
# Needs PostgreSQL on 127.0.0.1:5432 (database "test", user postgres; schema hub_bench is dropped and recreated) and
# RabbitMQ/Redis on localhost as for the integration tests. Kafka runs in the benchmark JVM, S3 as a local process.
# Options: LLM_LATENCY_MS (100), RELAY_ROWS (50000), BENCH_HEAP_MB (the benchmark JVM's -Xmx, 512),
#          BENCH_PARTS (a,b,c: which of the three to run), BENCH_JAVA_OPTS (extra JVM options, e.g. a JFR recording).
source "$(dirname "$0")/../lib/tools.sh"
bench_tools_classpath
hub_test_classpath
cd "$PROJECT_ROOT"
# sun.net.httpserver.nodelay: the JDK HTTP server of the LLM stub writes the answer's headers and body separately;
# with Nagle's algorithm on, the body waits for the client's delayed ACK (40 ms on Linux), and the stub would answer
# in ~140 ms instead of the fixed latency it stands for. Real LLM servers set TCP_NODELAY.
exec java -Dsun.net.httpserver.nodelay=true -Xmx"${BENCH_HEAP_MB:-512}"m -XX:+UseSerialGC ${BENCH_JAVA_OPTS:-} -Dbench.parts="${BENCH_PARTS:-a,b,c}" -Dhub.tools.dir="$PROJECT_ROOT/target/tools" \
  -Dbench.llmLatencyMs="${LLM_LATENCY_MS:-100}" -Dbench.relayRows="${RELAY_ROWS:-50000}" \
  -cp "$HUB_TEST_CP" routes.summaries.SummariesBenchmark
