#!/usr/bin/env bash
# Extraction callback benchmark: callbacks/s and latency of POST /extraction/internal/completed (the internal listener) on a
# running hub (each 200 = an event confirmed by RabbitMQ), driven by wrk with keep-alive, against RabbitMQ
# PerfTest's publish-with-confirms rate on the same broker with the same concurrency (one outstanding confirm
# per producer, persistent ~110 B messages to a durable queue). Prints the ratio (target >= 0.5).
#
#   bench/run extraction            (nothing else running: it measures the machine)
# Environment: BENCH_CONNECTIONS (16), BENCH_SECONDS (20), BENCH_ROUNDS (3: pairs of a hub run and a PerfTest run),
# BENCH_WARMUP_SECONDS (60: on 2 cores the JIT needs about a minute of load before the hub's rate settles; with 5 s
# the figure was half the warmed one), RABBITMQ_URL (local guest),
# BENCH_HUB_INTERNAL_THREADS (32 = HUB_INTERNAL_THREADS' default: the internal listener's callbacks in flight),
# BENCH_PROFILE=1 (thread dumps of the hub under load in bench/target/extraction), BENCH_HUB_JAVA_OPTS (extra JVM
# options for the hub, e.g. -XX:StartFlightRecording=filename=bench/target/extraction/hub.jfr for a CPU profile).
# Needs wrk (Debian package `wrk`: apt-get install -y wrk), RabbitMQ, PostgreSQL and Redis on 127.0.0.1.
set -euo pipefail
source "$(dirname "$0")/../lib/tools.sh"

CONNECTIONS="${BENCH_CONNECTIONS:-16}"
SECONDS_RUN="${BENCH_SECONDS:-20}"
WARMUP="${BENCH_WARMUP_SECONDS:-60}"
ROUNDS="${BENCH_ROUNDS:-3}"
AMQP_URL="${RABBITMQ_URL:-amqp://guest:guest@127.0.0.1:5672/}"
PERFTEST_URL="${AMQP_URL%/}/%2F"
SECRET="bench-secret-$$"
CONSOLE_PASSWORD="bench-console-$$"
WORK="$BENCH_ROOT/target/extraction"
mkdir -p "$WORK"

command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install -y wrk" >&2; exit 2; }

bench_tools_classpath
hub_test_classpath

PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
INTERNAL_PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
HUB_LOG="$WORK/hub.log"
HUB_PID=""

cleanup() {
  if [ -n "$HUB_PID" ] && kill -0 "$HUB_PID" 2>/dev/null; then
    kill -CONT "$HUB_PID" 2>/dev/null || true
    kill "$HUB_PID" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$HUB_PID" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$HUB_PID" 2>/dev/null || true
  fi
  for q in bench.extraction.completed bench.extraction.completed.dlq bench.extraction.perftest; do
    rabbitmqctl -q delete_queue "$q" >/dev/null 2>&1 || true
  done
}
trap cleanup EXIT

# a fresh schema of its own (other benchmarks keep theirs)
psql -q -h 127.0.0.1 -U "${POSTGRES_USER:-postgres}" -d "${POSTGRES_DB:-test}" \
  -c 'DROP SCHEMA IF EXISTS hub_bench_extraction CASCADE' >/dev/null 2>&1 || true

# The hub on 127.0.0.1 from the test classpath, on its own exchange/queues and PostgreSQL schema, with the rate
# limit out of the way (one load generator = one caller address).
SERVER_PORT="$PORT" SERVER_ADDRESS=127.0.0.1 HUB_INTERNAL_PORT="$INTERNAL_PORT" HUB_INTERNAL_ADDRESS=127.0.0.1 \
INTERNAL_API_SECRET="$SECRET" HAWTIO_USER=bench HAWTIO_PASSWORD="$CONSOLE_PASSWORD" \
EXTRACTION_EXCHANGE=bench.extraction.events EXTRACTION_QUEUE=bench.extraction.completed \
EXTRACTION_DLQ=bench.extraction.completed.dlq \
EXTRACTION_RATE_LIMIT_PER_SECOND=1000000 EXTRACTION_RATE_LIMIT_BURST=1000000 \
POSTGRES_URL_PARAMS='?currentSchema=hub_bench_extraction' SPRING_FLYWAY_SCHEMAS=hub_bench_extraction \
RABBITMQ_URL="$AMQP_URL" \
HUB_INTERNAL_THREADS="${BENCH_HUB_INTERNAL_THREADS:-32}" \
  java -Xmx512m -XX:+UseSerialGC ${BENCH_HUB_JAVA_OPTS:-} -cp "$HUB_TEST_CP" routes.HubApplication >"$HUB_LOG" 2>&1 &
HUB_PID=$!

for _ in $(seq 1 120); do
  if curl -sf -o /dev/null "http://127.0.0.1:$PORT/actuator/health/liveness"; then break; fi
  kill -0 "$HUB_PID" 2>/dev/null || { echo "hub exited during start-up, see $HUB_LOG" >&2; exit 1; }
  sleep 0.5
done
curl -sf -o /dev/null "http://127.0.0.1:$PORT/actuator/health/liveness" || { echo "hub not up, see $HUB_LOG" >&2; exit 1; }

# Only the callback is measured: stop the consumer (Jolokia, the console login) so it does not compete for the CPU.
curl -sf -u "bench:$CONSOLE_PASSWORD" -H 'Content-Type: application/json' \
  -d '{"type":"exec","mbean":"org.apache.camel:context=integration-hub,type=routes,name=\"extractionCompletedConsumer\"","operation":"stop()"}' \
  "http://127.0.0.1:$PORT/actuator/jolokia" >/dev/null || echo "note: consumer route not stopped (Jolokia refused); it runs during the benchmark"

cat >"$WORK/callback.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Internal-Secret"] = "$SECRET"
wrk.body = '{"contentId": "bench-content-0001"}'
LUA

URL="http://127.0.0.1:${INTERNAL_PORT}/extraction/internal/completed"
status="$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' -H "X-Internal-Secret: $SECRET" \
  -d '{"contentId":"bench-smoke"}' "$URL")"
[ "$status" = "200" ] || { echo "callback smoke test answered $status, see $HUB_LOG" >&2; exit 1; }

wrk -t2 -c"$CONNECTIONS" -d"${WARMUP}s" -s "$WORK/callback.lua" "$URL" >/dev/null

# wrk latencies come as e.g. 812.00us / 3.21ms / 1.02s: convert to ms
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'; }

# Rounds of (hub, PerfTest): this machine's rates drift by 10-20 % within minutes, so each hub run is compared with
# a PerfTest run right after it, and the median of the rounds' ratios is the figure. While PerfTest runs the hub is
# frozen (SIGSTOP), so the baseline has the machine to itself as the hub had. Each run starts on an empty queue: the
# warm-up left ~250k events in the hub's (consumer-less) queue, and a classic queue holding that many pages them out
# (p99 465 ms instead of 35 ms); PerfTest's queue is deleted after each of its runs.
: >"$WORK/rounds.txt"
for round in $(seq 1 "$ROUNDS"); do
  rabbitmqctl -q purge_queue bench.extraction.completed >/dev/null 2>&1 || echo "note: queue not purged before round $round"
  wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_RUN}s" --latency -s "$WORK/callback.lua" "$URL" >"$WORK/wrk-$round.txt" &
  WRK_PID=$!
  if [ "${BENCH_PROFILE:-0}" = "1" ] && [ "$round" = 1 ]; then
    # thread dumps of the hub under load, to see where a callback waits
    for i in 1 2 3; do sleep 4; jstack "$HUB_PID" >"$WORK/hub-threads-$i.txt" 2>&1 || true; done
  fi
  wait "$WRK_PID"
  [ "$round" = 1 ] && HUB_RSS="$(rss_kb "$HUB_PID")"

  # wrk leaves up to one callback per connection in flight: let them finish before freezing the hub, or their
  # confirms time out during the freeze, and the 503s open the broker circuit breaker for the next round
  sleep 2
  kill -STOP "$HUB_PID"
  java -cp "$BENCH_TOOLS_CP" com.rabbitmq.perf.PerfTest -h "$PERFTEST_URL" \
    -x "$CONNECTIONS" -y 0 -c 1 -s 110 -f persistent -z "$SECONDS_RUN" \
    -e bench.extraction.perftest -t topic -k extraction.completed -u bench.extraction.perftest -ad false \
    >"$WORK/perftest-$round.txt" 2>&1 || true
  PERF_DURABLE="$(rabbitmqctl -q list_queues --no-table-headers name durable 2>/dev/null | awk '$1 == "bench.extraction.perftest" {print $2}')"
  rabbitmqctl -q delete_queue bench.extraction.perftest >/dev/null 2>&1 || true
  kill -CONT "$HUB_PID"

  # only 200s count: a 503 (breaker open) or any other refusal is not a callback the broker took
  non2xx="$(awk '/Non-2xx or 3xx responses:/ {print $5}' "$WORK/wrk-$round.txt")"
  rps="$(awk -v bad="${non2xx:-0}" '/requests in/ { d = $4; sub(/s,?$/, "", d); printf "%.2f", ($1 - bad) / d }' "$WORK/wrk-$round.txt")"
  p50="$(to_ms "$(awk '$1 == "50%" {print $2}' "$WORK/wrk-$round.txt")")"
  p99="$(to_ms "$(awk '$1 == "99%" {print $2}' "$WORK/wrk-$round.txt")")"
  errors="$(awk '/Socket errors:/ {print $0}' "$WORK/wrk-$round.txt")"
  perf="$(grep -Eo 'sending rate avg: [0-9]+' "$WORK/perftest-$round.txt" | awk '{print $4}' | tail -1)"
  ratio="$(awk -v a="$rps" -v b="${perf:-0}" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "0" }')"
  echo "$rps $p50 $p99 ${perf:-0} $ratio ${non2xx:-0}" >>"$WORK/rounds.txt"
  echo "round_$round: callbacks $rps req/s, p50 $p50 ms, p99 $p99 ms, non-2xx ${non2xx:-0}${errors:+, $errors}; perftest ${perf:-0} msg/s; ratio $ratio"
done

RPS="$(median $(awk '{print $1}' "$WORK/rounds.txt"))"
P50="$(median $(awk '{print $2}' "$WORK/rounds.txt"))"
P99="$(median $(awk '{print $3}' "$WORK/rounds.txt"))"
PERF_RATE="$(median $(awk '{print $4}' "$WORK/rounds.txt"))"
RATIO="$(median $(awk '{print $5}' "$WORK/rounds.txt"))"
NON2XX="$(awk '{ n += $6 } END { print n + 0 }' "$WORK/rounds.txt")"

echo "callback_connections: $CONNECTIONS"
echo "hub_internal_threads: ${BENCH_HUB_INTERNAL_THREADS:-32} (HUB_INTERNAL_THREADS; the callback is on the internal listener, netty-http)"
echo "rounds: $ROUNDS x (hub $SECONDS_RUN s, PerfTest $SECONDS_RUN s); figures below are medians over the rounds"
echo "callbacks_per_second: $RPS req/s (answered 200)"
echo "callback_latency_p50: $P50 ms"
echo "callback_latency_p99: $P99 ms"
echo "callback_non_2xx: $NON2XX responses (all rounds)"
echo "hub_rss: $((HUB_RSS / 1024)) MB"
echo "perftest_confirmed_publish_rate: $PERF_RATE msg/s (producers $CONNECTIONS, 1 unconfirmed each, persistent, durable queue: ${PERF_DURABLE:-?})"
echo "ratio_callbacks_to_perftest: $RATIO (median of the rounds' ratios; target >= 0.5)"
