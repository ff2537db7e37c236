#!/usr/bin/env bash
# Runs the seed's toy app across a local cluster of three JVM processes: two worker nodes with
# role cpu and the app's flow node. Shows which node ran which work, then stops every process it
# started (also on Ctrl-C or an error).
#
#   samples/local-cluster.sh [parallel|sequential] [count]      (defaults: parallel 5)
#
# Ports: FULGUR_SEED_PORT (default 2551) for the first worker; the others pick free ports.
# Builds the runnable jar first if it is missing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
mode="${1:-parallel}"
count="${2:-5}"
seed_port="${FULGUR_SEED_PORT:-2551}"
jar="$here/target/fulgur-app.jar"
logs=$(mktemp -d)

if [ ! -f "$jar" ]; then
  echo "Building $jar ..."
  (cd "$root" && ./mvnw -q -B -DskipTests package)
fi

pids=()
cleanup() {
  for pid in "${pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true   # SIGTERM: the node leaves the cluster cleanly
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  echo "Stopped the worker nodes (logs in $logs)."
}
trap cleanup EXIT

wait_up() { # log file
  for _ in $(seq 1 300); do
    if grep -q " is up with roles" "$1"; then grep " is up with roles" "$1"; return 0; fi
    sleep 0.2
  done
  echo "A worker node did not come up; its log:" >&2
  cat "$1" >&2
  exit 1
}

"$here/fulgur" node --roles cpu --port "$seed_port" > "$logs/worker-1.log" 2>&1 &
pids+=($!)
wait_up "$logs/worker-1.log"
"$here/fulgur" node --roles cpu --seed "127.0.0.1:$seed_port" > "$logs/worker-2.log" 2>&1 &
pids+=($!)
wait_up "$logs/worker-2.log"

echo "Running the toy app ($mode, count $count) with its flow on a third node:"
"$here/fulgur" run io.fulgur.samples.ToyApp "$mode" "$count" --seed "127.0.0.1:$seed_port"
