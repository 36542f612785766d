#!/usr/bin/env bash
# Starts or stops a local EVM node (anvil, from the npm package @foundry-rs/anvil pinned in contracts/)
# on 127.0.0.1 only. The PID is kept in $AGGREGATOR_RUN_DIR (default /tmp/aggregator-local).
#   bash deploy/local/anvil.sh start [PORT]   # default port 8545; prints the RPC URL
#   bash deploy/local/anvil.sh stop
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
run="${AGGREGATOR_RUN_DIR:-/tmp/aggregator-local}"
mkdir -p "$run"
anvil="$root/contracts/node_modules/.bin/anvil"
case "${1:-}" in
  start)
    port="${2:-8545}"
    [ -x "$anvil" ] || { echo "anvil is not installed: run 'npm ci' in contracts/" >&2; exit 1; }
    # anvil moves old states to disk and removes them only on a clean exit: keep them in $run, removed on stop.
    "$anvil" --host 127.0.0.1 --port "$port" --chain-id 31337 --silent --cache-path "$run/anvil-states" > "$run/anvil.log" 2>&1 &
    echo $! > "$run/anvil.pid"
    for _ in $(seq 1 100); do
      if curl -s -X POST -H 'content-type: application/json' --data '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}' "http://127.0.0.1:$port" | grep -q result; then
        echo "http://127.0.0.1:$port"
        exit 0
      fi
      sleep 0.1
    done
    echo "anvil did not answer on 127.0.0.1:$port within 10 s; see $run/anvil.log" >&2
    exit 1
    ;;
  stop)
    if [ -f "$run/anvil.pid" ]; then
      pid="$(cat "$run/anvil.pid")"
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      rm -f "$run/anvil.pid"
      rm -rf "$run/anvil-states"
    fi
    ;;
  *)
    echo "usage: anvil.sh start [PORT] | stop" >&2
    exit 2
    ;;
esac
