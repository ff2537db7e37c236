#!/usr/bin/env bash
# Checks that a cluster tells busy and paused nodes from dead ones: two cpu workers and the flow's
# node on this machine, WORKS parallel works spinning a core each for SECONDS (CpuLoadApp), while a
# worker is frozen (SIGSTOP) for 2 s every 10 s. Prints the members taken for unreachable and the
# nodes downed, both of which must be 0, and exits non-zero otherwise.
#
#   samples/cpu-soak.sh [WORKS] [SECONDS]      (defaults: 200 60)
#
# Builds the runnable jar first if it is missing. Logs stay in a temporary directory it names.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
works="${1:-200}"
seconds="${2:-60}"
source "$here/soak-nodes.sh"
seed_port=$(free_port)
# enough call threads for every work to run at once
export FULGUR_JAVA_OPTS="-Dfulgur.node.max-call-threads=$((works + 16)) ${FULGUR_JAVA_OPTS:-}"
start_node "$logs/worker-1.log" --roles cpu --port "$seed_port"
start_node "$logs/worker-2.log" --roles cpu --seed "127.0.0.1:$seed_port"
workers=("${pids[@]}")

echo "Running $works works spinning ${seconds}s on two cpu workers; a worker frozen 2 s every 10 s"
"$here/fulgur" run io.fulgur.samples.CpuLoadApp "$works" "$seconds" --seed "127.0.0.1:$seed_port" \
  > "$logs/flow.log" 2>&1 &
flow=$!
freezes=0
while kill -0 "$flow" 2>/dev/null; do
  sleep 8
  kill -0 "$flow" 2>/dev/null || break
  victim=${workers[$((freezes % 2))]}
  kill -STOP "$victim"; sleep 2; kill -CONT "$victim"
  freezes=$((freezes + 1))
done
status=0
wait "$flow" || status=$?
unreachable=$(cat "$logs"/*.log | grep -c "for UNREACHABLE" || true)
downed=$(cat "$logs"/*.log | grep -c "DOWNED" || true)
echo "app exit code:               $status"
grep -h "^SPIN \|app failed" "$logs/flow.log" || true
echo "workers frozen for 2 s:      $freezes"
echo "members taken unreachable:   $unreachable"
echo "members downed:              $downed"
echo "logs:                        $logs"
[ "$status" = 0 ] && [ "$unreachable" = 0 ] && [ "$downed" = 0 ]
