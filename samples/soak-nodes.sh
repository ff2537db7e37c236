# Sourced by the soak scripts (cpu-soak.sh, chaos-soak.sh): builds the runnable jar if it is
# missing, makes the logs directory ($logs), and gives a free port, starting `fulgur node`
# processes in the background and waiting until each is up, and stopping every one of them on exit
# (SIGCONT first, for a frozen one, then SIGTERM). Expects $here (the samples directory).

jar="$here/target/fulgur-app.jar"
logs=$(mktemp -d)
if [ ! -f "$jar" ]; then
  echo "Building $jar ..."
  (cd "$here/.." && ./mvnw -q -B -DskipTests package)
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -CONT "$pid" 2>/dev/null || true; kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

wait_up() {
  for _ in $(seq 1 300); do
    if grep -q " is up with roles" "$1"; then return 0; fi
    sleep 0.2
  done
  echo "A worker node did not come up; its log:" >&2; cat "$1" >&2; exit 1
}

# start_node LOG ARGS...: `fulgur node ARGS...` in the background, logging to LOG; waits until it
# is up and leaves its pid in $node_pid.
start_node() {
  local log=$1
  shift
  "$here/fulgur" node "$@" > "$log" 2>&1 &
  node_pid=$!
  pids+=("$node_pid")
  wait_up "$log"
}
