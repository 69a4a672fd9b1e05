#!/usr/bin/env bash
# Compares Haeryu with Apache Kafka (single node, loopback) using Kafka's own producer-perf / consumer-perf for both,
# following shared/guide/benchmarking.md: both brokers up, a 3-partition topic `perf` on each, every workload run
# alternately on A (Haeryu) and B (Kafka), A B A B..., medians and Haeryu/Kafka ratios printed as a markdown table
# and written to a results file.
#
# Usage: haeryu-bench/scripts/compare-with-kafka.sh
# Environment (defaults = the guide's workloads):
#   ROUNDS=2                 A B rounds per workload (A B A B)
#   FLOOD_RECORDS=1000000    flood-100B: records of 100 B, acks=1, unthrottled
#   PACED_RECORDS=250000     paced-1KB: records of 1000 B, acks=all, linger.ms=1, at PACED_RATE records/s
#   PACED_RATE=50000
#   CONSUME_RECORDS=2000000  consume: records read by consumer-perf (capped at what the topic holds by then)
#   HAERYU_PORT=29092  HAERYU_HEAP=1G  KREF_HEAP=1G (Kafka's heap; same as Haeryu's by default)
#   KREF=path/to/kafka-reference.sh (default: ../shared/tools/kafka-reference.sh from the repo root)
#   KREF_HOME=state dir for the reference Kafka (default /tmp/haeryu-bench-kref)
#   RESULTS=file for the table (default haeryu-bench/results/compare-<date>.md)
#   SKIP_BUILD=1             do not build Haeryu even if haeryu-cli/target looks stale
#   HAERYU_CMD=...           (testing the script) start side A with this command instead; it must exec a broker in
#                            the foreground on $HAERYU_PORT with its data in $HAERYU_DATA
# Quick smoke run: ROUNDS=1 FLOOD_RECORDS=20000 PACED_RECORDS=5000 PACED_RATE=5000 CONSUME_RECORDS=20000 $0
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
ROUNDS=${ROUNDS:-2}
FLOOD_RECORDS=${FLOOD_RECORDS:-1000000}
PACED_RECORDS=${PACED_RECORDS:-250000}
PACED_RATE=${PACED_RATE:-50000}
CONSUME_RECORDS=${CONSUME_RECORDS:-2000000}
HAERYU_PORT=${HAERYU_PORT:-29092}
HAERYU_HEAP=${HAERYU_HEAP:-1G}
export KREF_HEAP=${KREF_HEAP:-$HAERYU_HEAP}
export KREF_HOME=${KREF_HOME:-/tmp/haeryu-bench-kref}
KAFKA_PORT=19092
stamp=$(date -u +%Y%m%d-%H%M%S)
RESULTS=${RESULTS:-$root/haeryu-bench/results/compare-$stamp.md}
work=$(mktemp -d /tmp/haeryu-bench.XXXXXX)
mkdir -p "$(dirname "$RESULTS")"
# shellcheck source=lib/compare-common.sh
. "$root/haeryu-bench/scripts/lib/compare-common.sh"

haeryu_pid=""
kafka_started=""
cleanup() {
  local rc=$?
  if [ -n "$haeryu_pid" ] && kill -0 "$haeryu_pid" 2>/dev/null; then
    log "stopping Haeryu (pid $haeryu_pid)"
    kill "$haeryu_pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$haeryu_pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$haeryu_pid" 2>/dev/null || true
  fi
  if [ -n "$kafka_started" ]; then
    log "stopping Kafka"
    "$KREF" stop || true
  fi
  rm -rf "$work"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- build + start Haeryu
cli=$root/haeryu-cli/target
if [ -z "${SKIP_BUILD:-}${HAERYU_CMD:-}" ] && { [ ! -d "$cli/lib" ] || [ ! -d "$cli/classes" ] ||
     [ -n "$(find "$root/haeryu-broker/src" "$root/haeryu-cli/src" -newer "$cli/lib" -type f 2>/dev/null | head -1)" ]; }; then
  log "building Haeryu (mvn -B -q -DskipTests package -pl haeryu-cli -am)"
  (cd "$root" && mvn -B -q -DskipTests package -pl haeryu-cli -am)
fi
port_open "$HAERYU_PORT" && { echo "port $HAERYU_PORT is already in use" >&2; exit 1; }
port_open "$KAFKA_PORT" && { echo "port $KAFKA_PORT is already in use (another reference Kafka?)" >&2; exit 1; }

log "starting Haeryu on 127.0.0.1:$HAERYU_PORT"
mkdir -p "$work/haeryu-data"
if [ -n "${HAERYU_CMD:-}" ]; then
  # testing hook: any command that exec's a broker in the foreground on $HAERYU_PORT with data in $HAERYU_DATA
  HAERYU_PORT=$HAERYU_PORT HAERYU_DATA="$work/haeryu-data" HAERYU_HEAP=$HAERYU_HEAP \
    bash -c "exec $HAERYU_CMD" >"$work/haeryu.log" 2>&1 &
else
  # The README's launcher with config/server.properties, as a user runs it (same max heap as Kafka's).
  HAERYU_HEAP_OPTS="-Xmx$HAERYU_HEAP" "$root/bin/haeryu" server \
    --override broker.id=0 --override "listeners=PLAINTEXT://127.0.0.1:$HAERYU_PORT" \
    --override "log.dirs=$work/haeryu-data" --override num.partitions=3 >"$work/haeryu.log" 2>&1 &
fi
haeryu_pid=$!
up=$(wait_port "$HAERYU_PORT" Haeryu) || { tail -50 "$work/haeryu.log" >&2; exit 1; }
haeryu_start_ms=$((up - $(proc_start_ms "$haeryu_pid")))
log "Haeryu up: JVM start to port accepting ${haeryu_start_ms} ms"

log "starting Kafka (kafka-reference.sh start 1, KREF_HOME=$KREF_HOME)"
kafka_started=1
"$KREF" start 1 >"$work/kref-start.log" 2>&1 &
kref_starter=$!
up=$(wait_port "$KAFKA_PORT" Kafka) || { cat "$work/kref-start.log" >&2; exit 1; }
wait "$kref_starter" || { cat "$work/kref-start.log" >&2; exit 1; }
kafka_pid=$(head -1 "$KREF_HOME/pids")
kafka_start_ms=$((up - $(proc_start_ms "$kafka_pid")))
log "Kafka up (pid $kafka_pid): JVM start to port accepting ${kafka_start_ms} ms"

declare -A BOOT=([haeryu]="127.0.0.1:$HAERYU_PORT" [kafka]="127.0.0.1:$KAFKA_PORT")
for b in haeryu kafka; do
  log "creating topic perf (3 partitions) on $b"
  "$KREF" tool topics --bootstrap-server "${BOOT[$b]}" --create --topic perf --partitions 3 \
    --replication-factor 1 >/dev/null 2>"$work/topics-$b.err" || { cat "$work/topics-$b.err" >&2; exit 1; }
done

# ---------------------------------------------------------------- workloads
produced=0

for ((r = 1; r <= ROUNDS; r++)); do
  log "round $r/$ROUNDS: flood-100B ($FLOOD_RECORDS records)"
  flood haeryu; flood kafka
  log "round $r/$ROUNDS: paced-1KB ($PACED_RECORDS records at $PACED_RATE/s)"
  paced haeryu; paced kafka
  produced=$((produced + FLOOD_RECORDS + PACED_RECORDS))
  n=$((CONSUME_RECORDS < produced ? CONSUME_RECORDS : produced))
  log "round $r/$ROUNDS: consume ($n records)"
  consume haeryu "$n"; consume kafka "$n"
done

add rss haeryu "$(rss_mb "$haeryu_pid")"
add rss kafka "$(rss_mb "$kafka_pid")"
add start haeryu "$haeryu_start_ms"
add start kafka "$kafka_start_ms"

# ---------------------------------------------------------------- table
{
  echo "## Haeryu vs Apache Kafka ($(date -u +%Y-%m-%d), $(nproc) cores, $(uname -srm))"
  echo
  echo "Medians of $ROUNDS alternating run(s) per workload (A=Haeryu, B=Kafka 4.4.0 KRaft single node; heap $HAERYU_HEAP each)."
  echo "flood: $FLOOD_RECORDS x 100 B acks=1; paced: $PACED_RECORDS x 1000 B acks=all linger.ms=1 at $PACED_RATE/s;"
  echo "consume: consumer-perf up to $CONSUME_RECORDS records; clients: Kafka's producer-perf/consumer-perf for both."
  echo
  echo "| metric | Haeryu | Kafka | Haeryu/Kafka | better |"
  echo "|---|---:|---:|---:|---|"
  for row in "flood|flood-100B acks=1 (records/s)|higher" "p50|paced-1KB acks=all p50 (ms)|lower" \
             "p99|paced-1KB acks=all p99 (ms)|lower" "p999|paced-1KB acks=all p99.9 (ms)|lower" \
             "consume|consume (records/s)|higher" "rss|broker RSS after runs (MB)|lower" \
             "start|start: JVM start to port accepting (ms)|lower"; do
    IFS='|' read -r key label better <<<"$row"
    h=$(echo "${SAMPLES["$key|haeryu"]:-}" | median); k=$(echo "${SAMPLES["$key|kafka"]:-}" | median)
    echo "| $label | $(fmt "$h") | $(fmt "$k") | $(ratio "$h" "$k") | $better |"
  done
  echo
  echo "Raw samples:"
  echo
  for key in flood p50 p99 p999 consume rss start; do
    echo "- $key: Haeryu [${SAMPLES["$key|haeryu"]:-} ], Kafka [${SAMPLES["$key|kafka"]:-} ]"
  done
} >"$RESULTS"
echo
cat "$RESULTS"
log "results written to $RESULTS"
