# Shared by the compare-*-with-kafka.sh scripts: locating kafka-reference.sh, timing helpers, the producer-perf
# and consumer-perf workloads (recorded into SAMPLES), and the statistics of the results table.
# The sourcing script sets root, work and BOOT (broker name -> bootstrap list) before running workloads, and
# FLOOD_RECORDS, FLOOD_ACKS, PACED_RECORDS, PACED_RATE.

if [ -z "${KREF:-}" ]; then
  for c in "$root/../shared/tools/kafka-reference.sh" "/work/shared/tools/kafka-reference.sh"; do
    [ -x "$c" ] && { KREF=$c; break; }
  done
fi
[ -n "${KREF:-}" ] && [ -x "$KREF" ] || { echo "kafka-reference.sh not found; set KREF=..." >&2; exit 2; }

log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }

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

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) print "n/a";
  else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0) print "n/a"; else printf "%.2f\n", a / b }'; }
fmt() { awk -v x="$1" 'BEGIN { if (x == "n/a") print x; else if (x >= 1000) printf "%.0f\n", x; else printf "%.1f\n", x }'; }

