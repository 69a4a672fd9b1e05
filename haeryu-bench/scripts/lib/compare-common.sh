# Shared by the compare-*-with-kafka.sh and rebalance-bench.sh scripts: stopping what they started on exit,
# locating kafka-reference.sh, building haeryu-cli, timing helpers, the producer-perf and consumer-perf workloads
# (recorded into SAMPLES), and the statistics of the results table.
# The sourcing script sets root and work before sourcing; cli before build_cli_if_stale; BOOT (broker name ->
# bootstrap list) before running workloads, and FLOOD_RECORDS, FLOOD_ACKS, PACED_RECORDS, PACED_RATE.

# On exit, cleanup stops the Haeryu process haeryu_pid (a broker, or the `haeryu cluster` launcher; SIGTERM, then
# SIGKILL after haeryu_stop_polls x 0.2 s), the reference Kafka once kafka_started is set, and removes work.
haeryu_pid=""
haeryu_name="Haeryu"
haeryu_stop_polls=100
kafka_started=""
cleanup() {
  local rc=$?
  if [ -n "$haeryu_pid" ] && kill -0 "$haeryu_pid" 2>/dev/null; then
    log "stopping $haeryu_name (pid $haeryu_pid)"
    kill "$haeryu_pid" 2>/dev/null || true
    for _ in $(seq "$haeryu_stop_polls"); do kill -0 "$haeryu_pid" 2>/dev/null || break; sleep 0.2; done
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

if [ -z "${KREF:-}" ]; then
  for c in "$root/../shared/tools/kafka-reference.sh" "/work/shared/tools/kafka-reference.sh"; do
    [ -x "$c" ] && { KREF=$c; break; }
  done
fi
[ -n "${KREF:-}" ] && [ -x "$KREF" ] || { echo "kafka-reference.sh not found; set KREF=..." >&2; exit 2; }

log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }

# Builds haeryu-cli (with what it needs) when $cli lacks lib/ or classes/ or is older than the sources; SKIP_BUILD=1
# skips it.
build_cli_if_stale() {
  if [ -z "${SKIP_BUILD:-}" ] && { [ ! -d "$cli/lib" ] || [ ! -d "$cli/classes" ] ||
       [ -n "$(find "$root/haeryu-broker/src" "$root/haeryu-cli/src" -newer "$cli/lib" -type f 2>/dev/null | head -1)" ]; }; then
    log "building Haeryu (mvn -B -q -DskipTests package -pl haeryu-cli -am)"
    (cd "$root" && mvn -B -q -DskipTests package -pl haeryu-cli -am)
  fi
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# ms since boot, from /proc/uptime (10 ms resolution)
now_ms() { awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime; }
# the start of a process in ms since boot, from /proc/PID/stat (field 22, clock ticks)
proc_start_ms() {
  local hz; hz=$(getconf CLK_TCK)
  awk -v hz="$hz" '{ sub(/^.*\) /, ""); printf "%d\n", $20 * 1000 / hz }' "/proc/$1/stat"
}
# waits for a port; prints ms since boot when it first accepted
wait_port() {
  local port=$1 what=$2 i
  for ((i = 0; i < 1200; i++)); do
    if port_open "$port"; then now_ms; return 0; fi
    sleep 0.05
  done
  echo "$what did not open port $port" >&2; return 1
}
rss_mb() { ps -o rss= -p "$1" | awk '{ printf "%d\n", $1 / 1024 }'; }

declare -gA SAMPLES   # key "metric|broker" -> space-separated samples
add() { SAMPLES["$1|$2"]="${SAMPLES["$1|$2"]:-} $3"; }

flood() {
  local b=$1 out
  out=$("$KREF" tool producer-perf --topic perf --num-records "$FLOOD_RECORDS" --record-size 100 --throughput -1 \
    --producer-props "bootstrap.servers=${BOOT[$b]}" acks="${FLOOD_ACKS:-1}" 2>"$work/last.err" | tail -1)
  echo "$out" | grep -q "records/sec" || { echo "producer-perf on $b failed: $out" >&2; cat "$work/last.err" >&2; exit 1; }
  add flood "$b" "$(echo "$out" | sed -E 's/.* ([0-9.]+) records\/sec.*/\1/')"
  add flood_p50 "$b" "$(echo "$out" | sed -E 's/.* ([0-9.]+) ms 50th.*/\1/')"
  add flood_p99 "$b" "$(echo "$out" | sed -E 's/.* ([0-9.]+) ms 99th.*/\1/')"
  add flood_p999 "$b" "$(echo "$out" | sed -E 's/.* ([0-9.]+) ms 99\.9th.*/\1/')"
  log "  flood-100B $b: $(echo "$out" | sed -E 's/.* ([0-9.]+) records\/sec.*/\1/') records/s"
}
paced() {
  local b=$1 out
  out=$("$KREF" tool producer-perf --topic perf --num-records "$PACED_RECORDS" --record-size 1000 \
    --throughput "$PACED_RATE" --producer-props "bootstrap.servers=${BOOT[$b]}" acks=all linger.ms=1 \
    2>"$work/last.err" | tail -1)
  echo "$out" | grep -q "99.9th" || { echo "producer-perf on $b failed: $out" >&2; cat "$work/last.err" >&2; exit 1; }
  add p50 "$b" "$(echo "$out" | sed -E 's/.* ([0-9.]+) ms 50th.*/\1/')"
  add p99 "$b" "$(echo "$out" | sed -E 's/.* ([0-9.]+) ms 99th.*/\1/')"
  add p999 "$b" "$(echo "$out" | sed -E 's/.* ([0-9.]+) ms 99\.9th.*/\1/')"
  log "  paced-1KB $b: $(echo "$out" | sed -E 's/.*max latency, //')"
}
consume() {
  local b=$1 n=$2 out
  out=$("$KREF" tool consumer-perf --bootstrap-server "${BOOT[$b]}" --topic perf --messages "$n" --timeout 60000 \
    2>"$work/last.err")
  local rate
  rate=$(echo "$out" | awk -F', *' '/nMsg.sec/ { for (i = 1; i <= NF; i++) if ($i == "nMsg.sec") col = i; next }
                                     col && NF > 5 { print $col; exit }')
  [ -n "$rate" ] || { echo "consumer-perf on $b failed: $out" >&2; cat "$work/last.err" >&2; exit 1; }
  add consume "$b" "$rate"
  log "  consume $b: $rate records/s ($n records)"
}

# ROUNDS rounds of flood, paced and consume, each run on haeryu then on kafka (A B); $1 (e.g. " acks=all") is
# appended to the flood and paced names in the log.
run_rounds() {
  local acks=${1:-} produced=0 r n
  for ((r = 1; r <= ROUNDS; r++)); do
    log "round $r/$ROUNDS: flood-100B$acks ($FLOOD_RECORDS records)"
    flood haeryu; flood kafka
    log "round $r/$ROUNDS: paced-1KB$acks ($PACED_RECORDS records at $PACED_RATE/s)"
    paced haeryu; paced kafka
    produced=$((produced + FLOOD_RECORDS + PACED_RECORDS))
    n=$((CONSUME_RECORDS < produced ? CONSUME_RECORDS : produced))
    log "round $r/$ROUNDS: consume ($n records)"
    consume haeryu "$n"; consume kafka "$n"
  done
}

# median, ratio, fmt
# shellcheck source=stats.sh
. "$(dirname "${BASH_SOURCE[0]}")/stats.sh"

# The markdown results table, a row per "key|label|better" argument (medians and the Haeryu/Kafka ratio), then the
# raw samples of those keys.
results_table() {
  local row key label better h k
  echo "| metric | Haeryu | Kafka | Haeryu/Kafka | better |"
  echo "|---|---:|---:|---:|---|"
  for row in "$@"; do
    IFS='|' read -r key label better <<<"$row"
    h=$(echo "${SAMPLES["$key|haeryu"]:-}" | median); k=$(echo "${SAMPLES["$key|kafka"]:-}" | median)
    echo "| $label | $(fmt "$h") | $(fmt "$k") | $(ratio "$h" "$k") | $better |"
  done
  echo
  echo "Raw samples:"
  echo
  for row in "$@"; do
    key=${row%%|*}
    echo "- $key: Haeryu [${SAMPLES["$key|haeryu"]:-} ], Kafka [${SAMPLES["$key|kafka"]:-} ]"
  done
}
