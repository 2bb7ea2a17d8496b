#!/usr/bin/env bash
# Event bridge: events/s through POST /api/ml/events/ingest with all four sinks on (Redis stream, per-minute
# counters, running features, Python), once with the Python stub answering at once and once with it down
# (batches parked in RabbitMQ). Needs the machine's Redis and RabbitMQ; WireMock (in the benchmark JVM) is Python.
# Run with nothing else loading the machine:  bench/run event-bridge
# Knobs (system properties): -Dbench.clients=8 -Dbench.batch=50 -Dbench.seconds=20 -Dbench.warmupSeconds=5
set -euo pipefail
source "$(cd "$(dirname "$0")/.." && pwd)/lib/tools.sh"
hub_test_classpath
cd "$PROJECT_ROOT"
echo "clients: ${BENCH_CLIENTS:-8} concurrent HTTP clients, ${BENCH_BATCH:-50} events per request"
exec java -Xmx768m -XX:+UseSerialGC -Dbench.clients="${BENCH_CLIENTS:-8}" -Dbench.batch="${BENCH_BATCH:-50}" \
  -Dbench.seconds="${BENCH_SECONDS:-20}" -cp "$HUB_TEST_CP" routes.eventbridge.EventBridgeBenchmark
