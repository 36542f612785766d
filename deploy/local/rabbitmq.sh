#!/usr/bin/env bash
# Starts or stops a local RabbitMQ (Debian's rabbitmq-server, installed with apt-get when missing) on
# 127.0.0.1 only, with private directories under $AGGREGATOR_RUN_DIR (default /tmp/aggregator-local)
# and its own epmd, so it touches no system-wide broker. Prints the bus URL for `--bus`.
#   bash deploy/local/rabbitmq.sh start [PORT]   # default AMQP port 5672 (epmd and distribution ports follow it)
#   bash deploy/local/rabbitmq.sh stop
set -euo pipefail
run="${AGGREGATOR_RUN_DIR:-/tmp/aggregator-local}"
base="$run/rabbitmq"
server=/usr/lib/rabbitmq/bin/rabbitmq-server
ctl=/usr/lib/rabbitmq/bin/rabbitmqctl

environment() {
  local port="$1"
  export RABBITMQ_BASE="$base" RABBITMQ_MNESIA_BASE="$base/mnesia" RABBITMQ_LOG_BASE="$base/log"
  export RABBITMQ_CONFIG_FILE="$base/rabbitmq" RABBITMQ_ENABLED_PLUGINS_FILE="$base/enabled_plugins"
  export RABBITMQ_PID_FILE="$base/rabbitmq.pid" RABBITMQ_NODENAME="aggregator@localhost"
  export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT="$port" RABBITMQ_DIST_PORT="$((port + 20000))"
  export ERL_EPMD_ADDRESS=127.0.0.1 ERL_EPMD_PORT="$((port + 1))" HOME="$base"
  # Erlang distribution listens on every interface unless told otherwise.
  export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
}

case "${1:-}" in
  start)
    port="${2:-5672}"
    if [ ! -x "$server" ]; then
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends rabbitmq-server > /dev/null \
        || { apt-get update -q > /dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends rabbitmq-server > /dev/null; }
      # The package may start a system broker; this script runs its own.
      (systemctl stop rabbitmq-server 2>/dev/null || service rabbitmq-server stop 2>/dev/null || true) > /dev/null
    fi
    mkdir -p "$base/mnesia" "$base/log"
    environment "$port"
    printf '[rabbitmq_consistent_hash_exchange].\n' > "$base/enabled_plugins"
    cat > "$base/rabbitmq.conf" <<CONF
listeners.tcp.1 = 127.0.0.1:$port
CONF
    echo "$port" > "$run/rabbitmq.port"
    epmd -address 127.0.0.1 -port "$ERL_EPMD_PORT" -daemon
    "$server" > "$base/log/server.out" 2>&1 &
    echo $! > "$run/rabbitmq.pid"
    # The AMQP port opens late in the boot; `rabbitmq-diagnostics ping` answers before it is usable.
    # A loaded machine (CI runs test projects side by side) can take a minute or more to boot it.
    deadline=$((SECONDS + ${AGGREGATOR_RABBITMQ_START_SECONDS:-120}))
    while [ "$SECONDS" -lt "$deadline" ]; do
      if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        "$ctl" await_startup > /dev/null 2>&1 || true
        echo "rabbitmq://guest:guest@127.0.0.1:$port/"
        exit 0
      fi
      kill -0 "$(cat "$run/rabbitmq.pid")" 2>/dev/null || break
      sleep 0.1
    done
    echo "RabbitMQ did not open 127.0.0.1:$port (server exited or ${AGGREGATOR_RABBITMQ_START_SECONDS:-120} s passed); the end of $base/log/server.out:" >&2
    tail -n 20 "$base/log/server.out" >&2 || true
    exit 1
    ;;
  stop)
    if [ -f "$run/rabbitmq.port" ]; then
      environment "$(cat "$run/rabbitmq.port")"
      "$ctl" stop > /dev/null 2>&1 || true
      [ -f "$run/rabbitmq.pid" ] && kill "$(cat "$run/rabbitmq.pid")" 2>/dev/null || true
      # epmd refuses -kill while the node is still unregistering: ask for a few seconds, then end the
      # daemon this script started (found by its own port) so nothing outlives stop.
      for _ in $(seq 1 50); do
        epmd -port "$ERL_EPMD_PORT" -kill > /dev/null 2>&1 && break
        sleep 0.1
      done
      pkill -f "epmd -address 127.0.0.1 -port $ERL_EPMD_PORT -daemon" 2>/dev/null || true
      rm -f "$run/rabbitmq.pid" "$run/rabbitmq.port"
    fi
    ;;
  *)
    echo "usage: rabbitmq.sh start [PORT] | stop" >&2
    exit 2
    ;;
esac
