#!/usr/bin/env bash
# Live events benchmark: N concurrent SSE clients (default 1,000 then 10,000) on one hub instance, events POSTed to
# the internal broadcast endpoint, latency from publish to receipt (p50/p99) and the hub's RSS.
#   bench/run live-events [CLIENTS] [EVENTS] [INTERVAL_MS]     e.g. bench/run live-events 1000,10000 20 250
# Needs RabbitMQ on 127.0.0.1:5672 (RABBITMQ_URL; the shared routes) and Redis on 127.0.0.1:6379 (the live events stream). Starts the hub with only the shared and live-events routes.
set -euo pipefail
source "$(dirname "$0")/../lib/tools.sh"

CLIENTS="${1:-1000,10000}"
EVENTS="${2:-20}"
INTERVAL_MS="${3:-250}"
PORT="${LIVE_EVENTS_BENCH_PORT:-18480}"
SECRET="bench-secret-$$"
LOG="$BENCH_ROOT/target/live-events-hub.log"

# every SSE client is a socket in the hub and in the client JVM
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
echo "open_files_limit: $(ulimit -n) files"

hub_test_classpath

# an open stream costs the hub about 100 KB of heap (Tomcat's per-connection buffers): 3 GB for 10,000 clients
HUB_HEAP="${LIVE_EVENTS_BENCH_HUB_HEAP:-3g}"
echo "hub_heap_max: $HUB_HEAP"
java -Xms256m -Xmx"$HUB_HEAP" -XX:+UseSerialGC -cp "$HUB_TEST_CP" routes.HubApplication \
  --server.port="$PORT" \
  --camel.main.routes-include-pattern=classpath:camel/shared.camel.yaml,classpath:camel/live-events.camel.yaml \
  --spring.flyway.enabled=false \
  --server.tomcat.max-connections=12000 \
  --server.tomcat.accept-count=1000 \
  --hub.live-events.max-clients=11000 \
  --hub.live-events.max-streams-per-client=11000 \
  --hub.security.internal-secret="$SECRET" \
  --hub.access.public-callback-rate-limit.per-second=1000000 \
  --hub.access.public-callback-rate-limit.burst=1000000 \
  --logging.structured.format.console= \
  > "$LOG" 2>&1 &
HUB_PID=$!
stop_hub() {
  kill "$HUB_PID" 2>/dev/null || return 0
  for _ in $(seq 1 60); do kill -0 "$HUB_PID" 2>/dev/null || return 0; sleep 0.5; done
  kill -9 "$HUB_PID" 2>/dev/null || true
}
trap stop_hub EXIT

for _ in $(seq 1 120); do
  if curl -fsS "http://127.0.0.1:$PORT/api/v2/events/health" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$HUB_PID" 2>/dev/null; then echo "hub exited; see $LOG"; tail -20 "$LOG"; exit 1; fi
  sleep 0.5
done
curl -fsS "http://127.0.0.1:$PORT/api/v2/events/health" >/dev/null || { echo "hub did not start; see $LOG"; exit 1; }

timeout 600 java -Xmx1g -XX:+UseSerialGC -cp "$HUB_TEST_CP" routes.liveevents.LiveEventsBenchmark \
  "$PORT" "$SECRET" "$HUB_PID" "$CLIENTS" "$EVENTS" "$INTERVAL_MS"
