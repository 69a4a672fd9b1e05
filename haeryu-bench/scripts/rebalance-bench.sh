#!/usr/bin/env bash
# Consumer-group rebalance time, Haeryu vs Apache Kafka (single node, loopback), with real kafka-clients consumers
# (io.haeryu.bench.RebalanceBenchmark): a group of MEMBERS consumers joining a PARTITIONS-partition topic at once
# (join: until every member has its assignment in one generation) and one member leaving with close() (leave:
# until the others are stable again in a newer generation and own every partition). Both brokers run with
# group.initial.rebalance.delay.ms=0 (the reference Kafka's setting). Trials alternate Haeryu / Kafka (A B A B),
# medians and Haeryu/Kafka ratios are printed as a markdown table and written to a results file.
#
# Usage: haeryu-bench/scripts/rebalance-bench.sh
# Environment:
#   ROUNDS=3           A B rounds; each round runs TRIALS trials on each broker (fresh group per trial)
#   TRIALS=3
#   MEMBERS=10  PARTITIONS=30  HEARTBEAT_MS=500 (consumer heartbeat.interval.ms; session.timeout.ms=10000)
#   HAERYU_PORT=29092  HAERYU_HEAP=1G  KREF_HEAP=same  KREF=path/to/kafka-reference.sh
#   KREF_HOME=/tmp/haeryu-rebalance-kref  RESULTS=haeryu-bench/results/rebalance-<date>.md
#   SKIP_BUILD=1       do not build (needs haeryu-cli/target/lib and haeryu-bench/target/classes)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
ROUNDS=${ROUNDS:-3}
TRIALS=${TRIALS:-3}
MEMBERS=${MEMBERS:-10}
PARTITIONS=${PARTITIONS:-30}
HEARTBEAT_MS=${HEARTBEAT_MS:-500}
HAERYU_PORT=${HAERYU_PORT:-29092}
HAERYU_HEAP=${HAERYU_HEAP:-1G}
export KREF_HEAP=${KREF_HEAP:-$HAERYU_HEAP}
export KREF_HOME=${KREF_HOME:-/tmp/haeryu-rebalance-kref}
KAFKA_PORT=19092
stamp=$(date -u +%Y%m%d-%H%M%S)
RESULTS=${RESULTS:-$root/haeryu-bench/results/rebalance-$stamp.md}
work=$(mktemp -d /tmp/haeryu-rebalance.XXXXXX)
mkdir -p "$(dirname "$RESULTS")"
# shellcheck source=lib/compare-common.sh
. "$root/haeryu-bench/scripts/lib/compare-common.sh"

# ---------------------------------------------------------------- build + start
cli=$root/haeryu-cli/target
bench=$root/haeryu-bench/target
if [ -z "${SKIP_BUILD:-}" ]; then
  log "building (mvn -B -q -DskipTests package -pl haeryu-cli,haeryu-bench -am)"
  (cd "$root" && mvn -B -q -o -DskipTests package -pl haeryu-cli,haeryu-bench -am)
fi
[ -d "$cli/lib" ] && [ -f "$bench/classes/io/haeryu/bench/RebalanceBenchmark.class" ] ||
  { echo "build missing: run without SKIP_BUILD" >&2; exit 1; }
port_open "$HAERYU_PORT" && { echo "port $HAERYU_PORT is already in use" >&2; exit 1; }
port_open "$KAFKA_PORT" && { echo "port $KAFKA_PORT is already in use (another reference Kafka?)" >&2; exit 1; }

log "starting Haeryu on 127.0.0.1:$HAERYU_PORT (bin/haeryu server)"
mkdir -p "$work/haeryu-data"
HAERYU_HEAP_OPTS="-Xms$HAERYU_HEAP -Xmx$HAERYU_HEAP" "$root/bin/haeryu" server \
  --override broker.id=0 --override "listeners=PLAINTEXT://127.0.0.1:$HAERYU_PORT" \
  --override "log.dirs=$work/haeryu-data" --override group.initial.rebalance.delay.ms=0 \
  --override offsets.topic.replication.factor=1 >"$work/haeryu.log" 2>&1 &
haeryu_pid=$!
wait_port "$HAERYU_PORT" Haeryu >/dev/null || { tail -50 "$work/haeryu.log" >&2; exit 1; }

log "starting Kafka (kafka-reference.sh start 1, KREF_HOME=$KREF_HOME; group.initial.rebalance.delay.ms=0)"
grep -q '^group.initial.rebalance.delay.ms=0' "$KREF" ||
  log "WARNING: kafka-reference.sh no longer sets group.initial.rebalance.delay.ms=0"
kafka_started=1
"$KREF" start 1 >"$work/kref-start.log" 2>&1 || { cat "$work/kref-start.log" >&2; exit 1; }

declare -A BOOT=([haeryu]="127.0.0.1:$HAERYU_PORT" [kafka]="127.0.0.1:$KAFKA_PORT")

run() {
  local b=$1 out line
  out=$(java -Xmx512m -cp "$bench/classes:$cli/lib/*" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    io.haeryu.bench.RebalanceBenchmark "${BOOT[$b]}" "$TRIALS" "$MEMBERS" "$PARTITIONS" "$HEARTBEAT_MS" \
    2>"$work/last.err") || { echo "benchmark on $b failed:" >&2; tail -30 "$work/last.err" >&2; exit 1; }
  while read -r line; do
    case $line in
      join_ms=*)
        add join "$b" "$(echo "$line" | sed -E 's/join_ms=([0-9]+).*/\1/')"
        add leave "$b" "$(echo "$line" | sed -E 's/.*leave_ms=([0-9]+).*/\1/')"
        log "  $b: $line" ;;
    esac
  done <<<"$out"
}

# one untimed warm-up trial each (JIT, topic creation, __consumer_offsets creation)
log "warm-up"
TRIALS_SAVED=$TRIALS; TRIALS=1
run haeryu; run kafka
TRIALS=$TRIALS_SAVED
SAMPLES=()
for ((r = 1; r <= ROUNDS; r++)); do
  log "round $r/$ROUNDS ($TRIALS trials each, $MEMBERS members, $PARTITIONS partitions)"
  run haeryu; run kafka
done


{
  echo "## Rebalance time, Haeryu vs Apache Kafka ($(date -u +%Y-%m-%d), $(nproc) cores, $(uname -srm))"
  echo
  echo "$MEMBERS kafka-clients 4.4.0 consumers (classic protocol, default range assignor, heartbeat.interval.ms=$HEARTBEAT_MS,"
  echo "session.timeout.ms=10000), topic of $PARTITIONS partitions, group.initial.rebalance.delay.ms=0 on both;"
  echo "medians of $ROUNDS alternating rounds x $TRIALS trials (fresh group per trial) after one warm-up trial each."
  echo
  echo "| metric | Haeryu (ms) | Kafka (ms) | Haeryu/Kafka | better |"
  echo "|---|---:|---:|---:|---|"
  for row in "join|first join: $MEMBERS members all assigned" "leave|one member leaves: group stable again"; do
    k=${row%%|*}; name=${row#*|}
    h=$(echo "${SAMPLES["$k|haeryu"]:-}" | median); kf=$(echo "${SAMPLES["$k|kafka"]:-}" | median)
    echo "| $name | $h | $kf | $(ratio "$h" "$kf") | lower |"
  done
  echo
  echo "Raw samples (ms):"
  echo
  for k in join leave; do
    for b in haeryu kafka; do echo "- $k $b:${SAMPLES["$k|$b"]:-}"; done
  done
} | tee "$RESULTS"
log "results written to $RESULTS"
