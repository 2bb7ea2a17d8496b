#!/usr/bin/env bash
# Start-up and idle memory of the packaged hub against plain `java -jar` on this machine.
#   bench/run startup [ROUNDS] [IDLE_SECONDS]        (defaults 3 and 10)
# 1. Extracts the packaged jar (target/integration-hub-*.jar, `./mvnw package` first) to the layout Spring Boot's
#    CDS support needs (java -Djarmode=tools -jar ... extract) and writes a CDS archive from a training run
#    (-XX:ArchiveClassesAtExit with -Dspring.context.exit=onRefresh, Flyway off: no broker or database needed),
#    as the Dockerfile does.
# 2. Starts, one after the other per round, the baseline (`java -jar target/integration-hub-*.jar`, JVM defaults)
#    and the hub as the image runs it (`java @jvm.options -XX:SharedArchiveFile=... -jar extracted.jar`) against the
#    machine's RabbitMQ/PostgreSQL/Redis, a Kafka broker and an S3 server (processes) and WireMock peers.
#    ready = process start to /actuator/health/readiness 200; idle rss = VmRSS IDLE_SECONDS after ready.
# EXTRA_VARIANTS: more "name|java options" pairs separated by ';' to measure single flags, e.g.
#   EXTRA_VARIANTS='cds-only|-XX:SharedArchiveFile=bench/target/startup/app.jsa'
# Prints `name: value unit` lines, medians over ROUNDS, and the ratios hub / baseline.
source "$(dirname "$0")/../lib/tools.sh"
ROUNDS="${1:-3}"
IDLE="${2:-10}"
jar="$(ls "$PROJECT_ROOT"/target/integration-hub-*.jar | grep -v original | head -1)"
[ -f "$jar" ] || { echo "no packaged hub in target/: run ./mvnw -B package -DskipTests first" >&2; exit 2; }
work="$BENCH_ROOT/target/startup"
rm -rf "$work/app" "$work/app.jsa"; mkdir -p "$work"
java -Djarmode=tools -jar "$jar" extract --destination "$work/app" >&2
app="$work/app/$(basename "$jar")"
# training run: loads and initialises every bean, exits before Camel starts its routes; the archive is written at exit
SPRING_FLYWAY_ENABLED=false java @"$PROJECT_ROOT/jvm.options" -XX:ArchiveClassesAtExit="$work/app.jsa" \
  -Dspring.context.exit=onRefresh -jar "$app" > "$work/training.log" 2>&1 || { tail -20 "$work/training.log" >&2; exit 1; }
echo "cds_archive: $(( $(stat -c %s "$work/app.jsa") / 1024 / 1024 )) MB"

hub_test_classpath

variants=(baseline java -jar "$jar" -- hub java @"$PROJECT_ROOT/jvm.options" -XX:SharedArchiveFile="$work/app.jsa" -jar "$app")
if [ -n "${EXTRA_VARIANTS:-}" ]; then
  IFS=';' read -ra extra <<< "$EXTRA_VARIANTS"
  for pair in "${extra[@]}"; do
    name="${pair%%|*}"; opts="${pair#*|}"
    # shellcheck disable=SC2206
    variants+=(-- "$name" java $opts -jar "$app")
  done
fi
cd "$PROJECT_ROOT"
java -Xmx256m -cp "$HUB_TEST_CP" routes.startup.StartupBenchmark "$ROUNDS" "$IDLE" "$work" "${variants[@]}"
