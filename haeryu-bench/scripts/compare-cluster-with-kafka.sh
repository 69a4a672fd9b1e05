#!/usr/bin/env bash
# Compares a 3-broker Haeryu cluster (`haeryu cluster`: ZooKeeper + 3 broker processes) with a 3-node Apache Kafka
# (`kafka-reference.sh start 3`, KRaft) on the same machine, loopback, with Kafka's own producer-perf and
# consumer-perf for both: a topic `perf` of 3 partitions, replication factor 3, min.insync.replicas=2, every
# workload run alternately on A (Haeryu) and B (Kafka); then the time each takes to elect a new leader after the
# leader of a partition is killed with kill -9. Medians printed as a markdown table and written to a results file.
#
# Usage: haeryu-bench/scripts/compare-cluster-with-kafka.sh
# Environment:
#   ROUNDS=2                 A B rounds per workload
#   FLOOD_RECORDS=1000000    flood: records of 100 B, acks=all, unthrottled
#   PACED_RECORDS=250000     paced: records of 1000 B, acks=all, linger.ms=1, at PACED_RATE records/s
#   PACED_RATE=20000
#   CONSUME_RECORDS=2000000  consume: records read by consumer-perf (capped at what the topic holds)
#   SESSION_MS=9000          Haeryu's zookeeper.session.timeout.ms, matched to Kafka's broker.session.timeout.ms
#                            default (9000): both notice a kill -9 through a session/heartbeat timeout
#   HAERYU_PORT=29092 (brokers on 29092..29094)  KREF_HEAP=1G (Haeryu's brokers run with -Xmx1g)
#   KREF, KREF_HOME, RESULTS, SKIP_BUILD as in compare-with-kafka.sh
# Quick smoke run: ROUNDS=1 FLOOD_RECORDS=20000 PACED_RECORDS=5000 PACED_RATE=2000 CONSUME_RECORDS=20000 $0
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
ROUNDS=${ROUNDS:-2}
FLOOD_RECORDS=${FLOOD_RECORDS:-1000000}
FLOOD_ACKS=all
PACED_RECORDS=${PACED_RECORDS:-250000}
PACED_RATE=${PACED_RATE:-20000}
CONSUME_RECORDS=${CONSUME_RECORDS:-2000000}
SESSION_MS=${SESSION_MS:-9000}
HAERYU_PORT=${HAERYU_PORT:-29092}
export KREF_HEAP=${KREF_HEAP:-1G}
export KREF_HOME=${KREF_HOME:-/tmp/haeryu-bench-kref}
stamp=$(date -u +%Y%m%d-%H%M%S)
RESULTS=${RESULTS:-$root/haeryu-bench/results/compare-cluster-$stamp.md}
work=$(mktemp -d /tmp/haeryu-bench.XXXXXX)
mkdir -p "$(dirname "$RESULTS")"
# shellcheck source=lib/compare-common.sh
. "$root/haeryu-bench/scripts/lib/compare-common.sh"
command -v kcat >/dev/null || { echo "kcat is needed to time leader elections" >&2; exit 2; }
haeryu_name="the Haeryu cluster"
haeryu_stop_polls=300 # up to 60 s: the launcher stops its brokers and ZooKeeper before it exits

# ---------------------------------------------------------------- build + start both clusters
cli=$root/haeryu-cli/target
build_cli_if_stale
for p in "$HAERYU_PORT" $((HAERYU_PORT + 1)) $((HAERYU_PORT + 2)) 19092 19093 19094; do
  port_open "$p" && { echo "port $p is already in use" >&2; exit 1; }
done

log "starting Haeryu: haeryu cluster --brokers 3 on 127.0.0.1:$HAERYU_PORT.."
java -Xmx256m -cp "$cli/classes:$cli/lib/*" io.haeryu.cli.HaeryuCli cluster --brokers 3 --data-dir "$work/haeryu" \
  --port "$HAERYU_PORT" --zookeeper-port 0 --override "zookeeper.session.timeout.ms=$SESSION_MS" \
  --override num.partitions=3 --override default.replication.factor=3 --override min.insync.replicas=2 \
  >"$work/cluster.log" 2>&1 &
haeryu_pid=$!
for _ in $(seq 1200); do grep -q '^Brokers:' "$work/cluster.log" && break; kill -0 "$haeryu_pid" || break; sleep 0.1; done
grep -q '^Brokers:' "$work/cluster.log" || { tail -50 "$work/cluster.log" >&2; exit 1; }

log "starting Kafka (kafka-reference.sh start 3, KREF_HOME=$KREF_HOME)"
kafka_started=1
"$KREF" start 3 >"$work/kref-start.log" 2>&1 || { cat "$work/kref-start.log" >&2; exit 1; }

declare -A BOOT=([haeryu]="127.0.0.1:$HAERYU_PORT,127.0.0.1:$((HAERYU_PORT + 1)),127.0.0.1:$((HAERYU_PORT + 2))"
                 [kafka]="$("$KREF" bootstrap)")
create_topic() {
  local b=$1 topic=$2
  "$KREF" tool topics --bootstrap-server "${BOOT[$b]}" --create --topic "$topic" --partitions 3 \
    --replication-factor 3 --config min.insync.replicas=2 >/dev/null 2>"$work/topics-$b.err" \
    || { cat "$work/topics-$b.err" >&2; exit 1; }
}
for b in haeryu kafka; do
  log "creating topic perf (3 partitions, RF 3, min.insync.replicas=2) on $b"
  create_topic "$b" perf
done

# ---------------------------------------------------------------- workloads
run_rounds " acks=all"

# ---------------------------------------------------------------- failover
# leader (broker id) of partition 0 of $2 as the cluster reports it, -1 without one
leader_of() {
  kcat -b "${BOOT[$1]}" -L -t "$2" -J -m 2 2>/dev/null | python3 -c '
import json, sys
try:
    parts = json.load(sys.stdin)["topics"][0]["partitions"]
    print(next(p["leader"] for p in parts if p["partition"] == 0))
except Exception:
    print(-1)'
}
broker_pid() {
  case $1 in
    haeryu) sed -n 's/^pid=//p' "$work/haeryu/broker-$2/broker.pid" ;;
    kafka) sed -n "${2}p" "$KREF_HOME/pids" ;;
  esac
}
failover() {
  local b=$1 topic=$2 old pid t0 now leader
  create_topic "$b" "$topic"
  "$KREF" tool producer-perf --topic "$topic" --num-records 10000 --record-size 100 --throughput -1 \
    --producer-props "bootstrap.servers=${BOOT[$b]}" acks=all >/dev/null 2>&1
  old=$(leader_of "$b" "$topic")
  [ "$old" -ge 0 ] || { echo "no leader for $topic-0 on $b" >&2; exit 1; }
  pid=$(broker_pid "$b" "$old")
  t0=$(now_ms)
  kill -9 "$pid"
  while true; do
    now=$(now_ms)
    leader=$(leader_of "$b" "$topic")
    if [ "$leader" -ge 0 ] && [ "$leader" != "$old" ]; then break; fi
    [ $((now - t0)) -lt 120000 ] || { echo "$b elected no new leader within 120 s" >&2; exit 1; }
    sleep 0.05
  done
  add failover "$b" $((now - t0))
  log "  failover $b: broker $old killed, broker $leader leads $topic-0 after $((now - t0)) ms"
}
# One kill per system: it leaves 2 of 3 brokers, still enough for min.insync.replicas=2.
log "failover: kill -9 of the leader of a fresh topic's partition 0"
failover haeryu failover; failover kafka failover

# ---------------------------------------------------------------- table
{
  echo "## Haeryu cluster vs Apache Kafka cluster ($(date -u +%Y-%m-%d), $(nproc) cores, $(uname -srm))"
  echo
  echo "3 brokers each on loopback (Haeryu: \`haeryu cluster\`, ZooKeeper + 3 broker processes, -Xmx1g each;"
  echo "Kafka 4.4.0: kafka-reference.sh start 3, KRaft combined nodes, heap $KREF_HEAP each). Topic perf: 3 partitions,"
  echo "RF 3, min.insync.replicas=2. Medians of $ROUNDS alternating run(s): flood $FLOOD_RECORDS x 100 B acks=all;"
  echo "paced $PACED_RECORDS x 1000 B acks=all linger.ms=1 at $PACED_RATE/s; consume: consumer-perf."
  echo "Failover: kill -9 of partition 0's leader until metadata (kcat) names another leader; Haeryu"
  echo "zookeeper.session.timeout.ms=$SESSION_MS, Kafka broker.session.timeout.ms default 9000."
  echo
  results_table "flood|flood-100B acks=all (records/s)|higher" "flood_p50|flood-100B acks=all p50 (ms)|lower" \
                "flood_p99|flood-100B acks=all p99 (ms)|lower" "flood_p999|flood-100B acks=all p99.9 (ms)|lower" \
                "p50|paced-1KB acks=all p50 (ms)|lower" "p99|paced-1KB acks=all p99 (ms)|lower" \
                "p999|paced-1KB acks=all p99.9 (ms)|lower" "consume|consume (records/s)|higher" \
                "failover|new leader after kill -9 (ms)|lower"
} >"$RESULTS"
echo
cat "$RESULTS"
log "results written to $RESULTS"
