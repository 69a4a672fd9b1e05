#!/usr/bin/env bash
# Runs the JMH micro-benchmarks: haeryu-bench/scripts/jmh.sh [JMH args, e.g. a benchmark name regex]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
echo "jmh: building the benchmark module..." >&2
(cd "$root" && mvn -B -q -DskipTests -pl haeryu-bench -am package)
exec java -cp "$root/haeryu-bench/target/classes:$root/haeryu-bench/target/lib/*" org.openjdk.jmh.Main "$@"
