#!/usr/bin/env bash
# Checks that nothing is lost when nodes die: two cpu workers and the flow's node on this machine
# run PrintingApp again and again for MINUTES (fan-outs of 10,000 works printing a line each, of
# 2,000 printing 50, and of 40 printing 100 slowly with up to 3 retries), and a random worker is
# killed with kill -9 and started again during the slow ones. Prints the calls that succeeded,
# those that failed with their reasons, the lines of succeeded calls that were lost or doubled
# (must be 0) and the nodes lost, and exits non-zero if a line was lost or an app failed.
#
#   samples/chaos-soak.sh [MINUTES]      (default: 30)
#
# Builds the runnable jar first if it is missing. Logs stay in a temporary directory it names.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
minutes="${1:-30}"
source "$here/soak-nodes.sh"
seed_port=$(free_port)
start_node "$logs/seed.log" --roles cpu --port "$seed_port"
workers_started=0
start_worker() {
  workers_started=$((workers_started + 1))
  start_node "$logs/worker-$workers_started.log" --roles cpu --seed "127.0.0.1:$seed_port"
  victim=$node_pid
}
start_worker

# Checks one app's output: every succeeded attempt printed lines 0..LINES-1, once each, in order.
check() { # flow.log lines
  awk -v lines="$2" '
    /^\[root\.works\.[0-9]+\] [0-9a-f]+ line [0-9]+$/ {
      work = substr($1, 2, length($1) - 2); key = work " " $2
      if (seen[key] != $4) { bad[key] = 1 }
      seen[key] = $4 + 1
    }
    /^ATTEMPT / { ok[$2 " " $3] = 1; succeeded++ }
    /^FAILED / { failed++; $1 = ""; $2 = ""; reasons[substr($0, 3)]++ }
    END {
      lost = 0
      for (k in ok) { if (bad[k] || seen[k] != lines) lost++ }
      printf "%d %d %d\n", succeeded, failed, lost
      for (r in reasons) printf "REASON %d %s\n", reasons[r], r > "/dev/stderr"
    }' "$1"
}

end=$(( $(date +%s) + minutes * 60 ))
apps=0; succeeded=0; failed=0; lost=0; kills=0; app_failures=0
echo "Running PrintingApp fan-outs for $minutes minutes, killing a worker during the slow ones"
while [ "$(date +%s)" -lt "$end" ]; do
  case $((apps % 3)) in
    0) args=(10000 1 0 0) ;;
    1) args=(2000 50 0 0) ;;
    2) args=(40 100 3 80) ;;
  esac
  apps=$((apps + 1))
  log="$logs/flow-$apps.log"
  "$here/fulgur" run io.fulgur.samples.PrintingApp "${args[@]}" --seed "127.0.0.1:$seed_port" \
    > "$log" 2>&1 &
  flow=$!
  if [ "${args[2]}" -gt 0 ]; then
    # once the works print (the flow's node is Up: a node still joining does not count for the
    # split-brain resolver, docs/operations.md), then at a random moment of their 8 s
    for _ in $(seq 1 300); do
      grep -q "\] [0-9a-f]* line 1$" "$log" && break
      sleep 0.2
    done
    sleep $((RANDOM % 5))
    if kill -0 "$flow" 2>/dev/null; then
      kill -9 "$victim" 2>/dev/null || true
      kills=$((kills + 1))
      start_worker
    fi
  fi
  status=0
  wait "$flow" || status=$?
  [ "$status" = 0 ] || app_failures=$((app_failures + 1))
  read -r s f l < <(check "$log" "${args[1]}" 2>> "$logs/reasons.txt")
  succeeded=$((succeeded + s)); failed=$((failed + f)); lost=$((lost + l))
  echo "app $apps (${args[*]}): exit $status, $s succeeded, $f failed, $l attempts with lines lost"
done
node_losses=$(cat "$logs"/flow-*.log | grep -c "lost its node" || true)
unreachable=$(cat "$logs"/*.log | grep -c "for UNREACHABLE" || true)
echo "apps run:                    $apps ($app_failures did not exit 0)"
echo "calls succeeded:             $succeeded"
echo "calls failed:                $failed"
awk '{c = $2; $1 = ""; $2 = ""; n[substr($0, 3)] += c} END {for (r in n) printf "  %6d %s\n", n[r], r}' \
  "$logs/reasons.txt" 2>/dev/null || true
echo "succeeded calls with lines lost or doubled: $lost"
echo "workers killed (kill -9):    $kills"
echo "works that lost their node:  $node_losses"
echo "members taken unreachable:   $unreachable"
echo "logs:                        $logs"
[ "$lost" = 0 ] && [ "$app_failures" = 0 ]
