#!/usr/bin/env bash
# Starts or stops a local RabbitMQ (Debian's rabbitmq-server, installed with apt-get when missing) on
# 127.0.0.1 only, with private directories under $AGGREGATOR_RUN_DIR (default /tmp/aggregator-local)
# and its own epmd, so it touches no system-wide broker.
# The broker speaks TLS only (amqps, a certificate from a local CA made here), has no guest user, and
# has one user per role instance with the permissions of deploy/broker/permissions.sh and a random
# password. Each user's credentials folder (for --bus-credentials) holds its password and the CA.
# Prints two lines: the bus URL (amqps://127.0.0.1:PORT/; put a user in it: amqps://engine@…) and the
# folder holding one credentials folder per user.
#   bash deploy/local/rabbitmq.sh start [PORT]   # default AMQPS port 5671 (epmd and distribution ports follow it)
#   bash deploy/local/rabbitmq.sh add-user USER  # one more user, with its role's permissions
#   bash deploy/local/rabbitmq.sh stop
set -euo pipefail
run="${AGGREGATOR_RUN_DIR:-/tmp/aggregator-local}"
base="$run/rabbitmq"
server=/usr/lib/rabbitmq/bin/rabbitmq-server
ctl=/usr/lib/rabbitmq/bin/rabbitmqctl
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# Every role instance the local world and the tests run as.
users=(adapter oracle engine engine-0-of-2 engine-1-of-2 prover prover-2 operator api risk tree-worker tree-worker-2 tree-worker-3 all)

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

# Ends the epmd on the port "$@" names (epmd's default without): it refuses -kill while a node is
# registered (ours may still be unregistering), so ask for a few seconds; return at once if none answers.
end_epmd() {
  for _ in $(seq 1 50); do
    epmd "$@" -names > /dev/null 2>&1 || return 0
    epmd "$@" -kill > /dev/null 2>&1 && return 0
    sleep 0.1
  done
}

# A local CA and a server certificate for 127.0.0.1 and localhost, made once per run folder.
certificates() {
  local tls="$base/tls"
  [ -f "$tls/server.pem" ] && return 0
  mkdir -p "$tls"
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=aggregator local CA" \
    -keyout "$tls/ca.key" -out "$tls/ca.pem" > /dev/null 2>&1
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$tls/server.key" -out "$tls/server.csr" > /dev/null 2>&1
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' > "$tls/server.ext"
  openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" -CAcreateserial -days 30 \
    -extfile "$tls/server.ext" -out "$tls/server.pem" > /dev/null 2>&1
  chmod 600 "$tls/ca.key" "$tls/server.key"
}

# A user with its role's permissions and a random password, kept in its credentials folder.
add_user() {
  local user="$1" folder="$base/credentials/$1"
  mkdir -p "$folder"
  chmod 700 "$folder"
  # Kept across restarts: a running role reconnects with the password it has.
  [ -s "$folder/password" ] || (umask 077 && openssl rand -hex 24 > "$folder/password")
  cp "$base/tls/ca.pem" "$folder/ca.pem"
  RABBITMQCTL="$ctl" bash "$here/../broker/add-user.sh" "$user" "$folder/password"
}

case "${1:-}" in
  add-user)
    environment "$(cat "$run/rabbitmq.port")"
    add_user "${2:?usage: rabbitmq.sh add-user USER}"
    ;;
  start)
    port="${2:-5671}"
    if [ ! -x "$server" ]; then
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends rabbitmq-server > /dev/null \
        || { apt-get update -q > /dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends rabbitmq-server > /dev/null; }
      # The package may start a system broker; this script runs its own.
      (systemctl stop rabbitmq-server 2>/dev/null || service rabbitmq-server stop 2>/dev/null || true) > /dev/null
      # That broker's epmd (default port, every interface) outlives it. An epmd another Erlang program
      # uses is left alone: epmd refuses -kill while a node is registered.
      end_epmd
    fi
    mkdir -p "$base/mnesia" "$base/log"
    environment "$port"
    printf '[rabbitmq_consistent_hash_exchange].\n' > "$base/enabled_plugins"
    certificates
    cat > "$base/rabbitmq.conf" <<CONF
listeners.tcp = none
listeners.ssl.1 = 127.0.0.1:$port
ssl_options.cacertfile = $base/tls/ca.pem
ssl_options.certfile = $base/tls/server.pem
ssl_options.keyfile = $base/tls/server.key
ssl_options.verify = verify_none
ssl_options.fail_if_no_peer_cert = false
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
        # Once per broker: a restart keeps its users (re-creating them would refuse, for a moment, the
        # logins of every role reconnecting).
        if [ ! -f "$base/credentials/.created" ]; then
          "$ctl" delete_user guest > /dev/null 2>&1 || true
          for user in "${users[@]}"; do
            add_user "$user"
          done
          touch "$base/credentials/.created"
        fi
        RABBITMQCTL="$ctl" bash "$here/../broker/limits.sh"
        echo "amqps://127.0.0.1:$port/"
        echo "$base/credentials"
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
      # Then the daemon this script started (found by its own port), so nothing outlives stop.
      end_epmd -port "$ERL_EPMD_PORT"
      pkill -f "epmd -address 127.0.0.1 -port $ERL_EPMD_PORT -daemon" 2>/dev/null || true
      rm -f "$run/rabbitmq.pid" "$run/rabbitmq.port"
    fi
    ;;
  *)
    echo "usage: rabbitmq.sh start [PORT] | stop" >&2
    exit 2
    ;;
esac
