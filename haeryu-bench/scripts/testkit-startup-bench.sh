#!/usr/bin/env bash
# Start-up of an in-process test cluster, Haeryu vs Apache Kafka's KafkaClusterTestKit 4.4, in the same run: each
# trial is a fresh JVM (class loading and JIT warm-up are part of what a test suite pays) that starts the cluster,
# creates a topic (1 partition, replicated to every broker), sends one record with acks=all and waits for the
# acknowledgement, then measures heap and non-heap used after a full GC and the process's RSS with the cluster
# still running (io.haeryu.bench.startup.*StartupTrial). Clusters: Haeryu's HaeryuCluster (haeryu-test) with 1 and
# 3 brokers (one in-process ZooKeeper), Kafka with 1 combined KRaft node and (KAFKA_3=1) 3 brokers + 1 controller.
# Rounds alternate the clusters (Haeryu 1, Kafka 1, Haeryu 3, Kafka 3+1, next round ...); the table gives median,
# min and max per cluster and the Kafka/Haeryu ratios of the medians, and goes to a results file.
#
# Usage: haeryu-bench/scripts/testkit-startup-bench.sh
# Environment:
#   ROUNDS=5                     trials per cluster
#   KAFKA_3=1                    also run Kafka with 3 brokers + 1 controller (0: only the 1-node reference)
#   JVM_OPTS="-Xmx1g"            options of every trial JVM (the same for both)
#   TRIAL_TIMEOUT=300            seconds before a trial is killed and the run fails
#   RESULTS=file for the table (default haeryu-bench/results/testkit-startup-<date>.md)
#   SKIP_BUILD=1                 do not build (needs haeryu-bench/target/{classes,lib,kafka-testkit-lib})
# Classpaths: Haeryu's trials get haeryu-bench's classes and runtime dependencies (target/lib: haeryu-test, the
# broker and kafka-clients, no Kafka server jar); Kafka's get the test kit with its dependencies
# (target/kafka-testkit-lib) and kafka-clients with its own dependencies from target/lib (no Haeryu jar). Neither
# has an SLF4J provider, so both log nothing.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
ROUNDS=${ROUNDS:-5}
KAFKA_3=${KAFKA_3:-1}
JVM_OPTS=${JVM_OPTS:--Xmx1g}
TRIAL_TIMEOUT=${TRIAL_TIMEOUT:-300}
stamp=$(date -u +%Y%m%d-%H%M%S)
RESULTS=${RESULTS:-$root/haeryu-bench/results/testkit-startup-$stamp.md}
work=$(mktemp -d /tmp/haeryu-testkit-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$(dirname "$RESULTS")"
# shellcheck source=lib/stats.sh
. "$root/haeryu-bench/scripts/lib/stats.sh"
log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

bench=$root/haeryu-bench/target
if [ -z "${SKIP_BUILD:-}" ]; then
  log "building (mvn -B -q -o -DskipTests package -pl haeryu-bench -am)"
  (cd "$root" && mvn -B -q -o -DskipTests package -pl haeryu-bench -am) >&2
fi
[ -f "$bench/classes/io/haeryu/bench/startup/StartupTrial.class" ] && [ -d "$bench/lib" ] &&
  [ -d "$bench/kafka-testkit-lib" ] || { echo "build missing: run without SKIP_BUILD" >&2; exit 1; }

haeryu_cp="$bench/classes:$bench/lib/*"
kafka_cp="$bench/classes:$bench/kafka-testkit-lib/*"
for dep in kafka-clients-[0-9]*.jar zstd-jni-*.jar lz4-java-*.jar snappy-java-*.jar slf4j-api-*.jar; do
  for jar in "$bench"/lib/$dep; do
    [ -f "$jar" ] || { echo "no $dep in $bench/lib" >&2; exit 1; }
    kafka_cp="$kafka_cp:$jar"
  done
done

# cluster name -> "main class|brokers|label"
declare -A CLUSTER=(
  [haeryu-1]="io.haeryu.bench.startup.HaeryuStartupTrial|1|Haeryu, 1 broker (+ in-process ZooKeeper)"
  [haeryu-3]="io.haeryu.bench.startup.HaeryuStartupTrial|3|Haeryu, 3 brokers (+ in-process ZooKeeper)"
  [kafka-1]="io.haeryu.bench.startup.KafkaTestKitStartupTrial|1|Kafka KafkaClusterTestKit, 1 combined KRaft node"
  [kafka-3]="io.haeryu.bench.startup.KafkaTestKitStartupTrial|3|Kafka KafkaClusterTestKit, 3 brokers + 1 controller"
)
order=(haeryu-1 kafka-1 haeryu-3)
[ "$KAFKA_3" = 1 ] && order+=(kafka-3)
metrics=(first_produce_ms cpu_ms classes_loaded process_age_ms start_ms heap_used_mb nonheap_used_mb rss_mb close_ms)

declare -A SAMPLES # "metric|cluster" -> samples
trial() {
  local c=$1 main brokers label cp line kv
  IFS='|' read -r main brokers label <<<"${CLUSTER[$c]}"
  case $c in haeryu-*) cp=$haeryu_cp ;; *) cp=$kafka_cp ;; esac
  # shellcheck disable=SC2086 # JVM_OPTS is a list of options
  if ! line=$(timeout "$TRIAL_TIMEOUT" java $JVM_OPTS -cp "$cp" "$main" "$brokers" 2>"$work/$c.err" |
      grep '^impl='); then
    echo "trial $c failed:" >&2; tail -30 "$work/$c.err" >&2; exit 1
  fi
  for kv in $line; do
    for m in "${metrics[@]}"; do
      [ "${kv%%=*}" = "$m" ] && SAMPLES["$m|$c"]="${SAMPLES["$m|$c"]:-} ${kv#*=}"
    done
  done
  log "  $c: $line (load $(loadavg))"
}

load_before=$(loadavg)
log "load average before: $load_before; $ROUNDS rounds of: ${order[*]}"
for ((r = 1; r <= ROUNDS; r++)); do
  log "round $r/$ROUNDS"
  for c in "${order[@]}"; do trial "$c"; done
done
load_after=$(loadavg)

cell() { # median (min-max) of metric $1 for cluster $2
  local s=${SAMPLES["$1|$2"]:-}
  echo "$(fmt "$(echo "$s" | median)") ($(fmt "$(echo "$s" | minimum)")–$(fmt "$(echo "$s" | maximum)"))"
}
med() { echo "${SAMPLES["$1|$2"]:-}" | median; }
{
  echo "## In-process test cluster start-up, Haeryu vs KafkaClusterTestKit" \
    "($(date -u +%Y-%m-%d), $(nproc) cores, $(uname -srm))"
  echo
  echo "$ROUNDS fresh JVMs per cluster ($(java -version 2>&1 | head -1), JVM options \`$JVM_OPTS\`), rounds alternating"
  echo "${order[*]}; load average (1, 5, 15 min) $load_before before, $load_after after."
  echo "Times in ms from main() to the event; median (min–max). first produce = cluster started, topic created,"
  echo "one record acknowledged with acks=all; CPU = CPU time of the whole JVM by then (all threads, user + system),"
  echo "the steadier measure on a loaded machine; heap, non-heap after System.gc() and RSS in MiB, with the cluster"
  echo "running."
  echo
  echo "| cluster | first produce (ms) | cluster started (ms) | CPU used (ms) | classes loaded |" \
    "JVM age at ack (ms) | heap used (MiB) | non-heap (MiB) | RSS (MiB) | close (ms) |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  for c in "${order[@]}"; do
    echo "| ${CLUSTER[$c]##*|} | $(cell first_produce_ms "$c") | $(cell start_ms "$c") | $(cell cpu_ms "$c") |" \
      "$(cell classes_loaded "$c") | $(cell process_age_ms "$c") | $(cell heap_used_mb "$c") |" \
      "$(cell nonheap_used_mb "$c") | $(cell rss_mb "$c") | $(cell close_ms "$c") |"
  done
  echo
  echo "Kafka/Haeryu ratios of the medians (target: first produce ≥ 5, heap ≥ 2):"
  echo
  echo "| Kafka vs Haeryu | first produce | CPU used | heap used | RSS |"
  echo "|---|---:|---:|---:|---:|"
  pairs=("kafka-1|haeryu-1" "kafka-1|haeryu-3")
  [ "$KAFKA_3" = 1 ] && pairs+=("kafka-3|haeryu-3")
  for p in "${pairs[@]}"; do
    k=${p%|*}; h=${p#*|}
    echo "| $k / $h | $(ratio "$(med first_produce_ms "$k")" "$(med first_produce_ms "$h")") |" \
      "$(ratio "$(med cpu_ms "$k")" "$(med cpu_ms "$h")") |" \
      "$(ratio "$(med heap_used_mb "$k")" "$(med heap_used_mb "$h")") |" \
      "$(ratio "$(med rss_mb "$k")" "$(med rss_mb "$h")") |"
  done
  echo
  echo "Raw samples:"
  echo
  for c in "${order[@]}"; do
    echo "- $c: first_produce_ms [${SAMPLES["first_produce_ms|$c"]:-} ], cpu_ms [${SAMPLES["cpu_ms|$c"]:-} ]," \
      "heap_used_mb [${SAMPLES["heap_used_mb|$c"]:-} ], rss_mb [${SAMPLES["rss_mb|$c"]:-} ]"
  done
} | tee "$RESULTS"
log "results written to $RESULTS"
