#!/usr/bin/env bash
# Replicated Redis on loopback, for the failover tests and for trying the shop against Redis's own HA engines.
#
#   scripts/redis-ha.sh sentinel up     a primary, one replica and three sentinels (service name "mall"), fresh
#   scripts/redis-ha.sh cluster up      a 6-node Redis Cluster: 3 primaries, 3 replicas (--cluster-replicas 1), fresh
#   scripts/redis-ha.sh single up       one primary alone (the AOF rollback test), fresh; "single start" keeps its data
#   scripts/redis-ha.sh sentinel|cluster|single down|status|env
#   scripts/redis-ha.sh down            stop both
#
# Ports (MALL_REDIS_HA_BASE, default 16400): primary +1, replica +2, sentinels +11..+13, cluster nodes +21..+26, single +31.
# A cluster node also listens on its port + 10000 (the cluster bus): every port stays below the kernel's ephemeral range
# (32768 and up), where an outgoing connection can hold the very port a node is about to bind.
# Every node runs as the current user's process, bound to 127.0.0.1, AOF on (appendfsync everysec, like production),
# password $MALL_REDIS_PASSWORD (the sentinels require it too), data under $MALL_DATA_DIR/redis-ha/<port>.
# "up" always starts from nothing: a test wants a known topology, not last run's promoted replica.
# Installs redis-server / redis-sentinel (Debian) where missing.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MALL_TAG=redis-ha
. "$ROOT/scripts/lib.sh"
DATA=${MALL_DATA_DIR:-$ROOT/.mall}
HA_DIR=$DATA/redis-ha
LOG_DIR=$DATA/logs
BASE=${MALL_REDIS_HA_BASE:-16400}
SERVICE=mall
PRIMARY=$((BASE + 1)) REPLICA=$((BASE + 2))
SENTINELS=($((BASE + 11)) $((BASE + 12)) $((BASE + 13)))
SINGLE=$((BASE + 31))
CLUSTER=($((BASE + 21)) $((BASE + 22)) $((BASE + 23)) $((BASE + 24)) $((BASE + 25)) $((BASE + 26)))

cli() { local port=$1; shift; REDISCLI_AUTH=$REDIS_PASSWORD redis-cli --no-auth-warning -h 127.0.0.1 -p "$port" "$@"; }
ping_port() { [ "$(cli "$1" ping 2>/dev/null)" = PONG ]; }
pid_file() { echo "$HA_DIR/$1/redis.pid"; }

wait_until() {
  local what=$1 deadline=$((SECONDS + $2)); shift 2
  until "$@"; do
    if [ $SECONDS -ge $deadline ]; then say "$what: not ready in time; see $LOG_DIR/redis-ha-*.log"; return 1; fi
    sleep 0.1
  done
}

install_missing() {
  local missing=()
  have redis-server || missing+=(redis-server)
  have redis-sentinel || missing+=(redis-sentinel)
  apt_install "${missing[@]}"
}

# One node: its own directory and AOF; masterauth so it can follow a new primary after a failover.
start_node() {
  local port=$1; shift
  [ "${KEEP_DATA:-}" = 1 ] || rm -rf "${HA_DIR:?}/$port"
  mkdir -p "$HA_DIR/$port" "$LOG_DIR"
  redis-server --port "$port" --bind 127.0.0.1 --dir "$HA_DIR/$port" --appendonly yes --appendfsync everysec --save "" \
    --daemonize yes --pidfile "$(pid_file "$port")" --logfile "$LOG_DIR/redis-ha-$port.log" \
    --requirepass "$REDIS_PASSWORD" --masterauth "$REDIS_PASSWORD" --maxclients 2000 "$@" >/dev/null
}

stop_port() {
  local port=$1 file
  file=$(pid_file "$port")
  if alive "$file"; then
    kill "$(cat "$file")" 2>/dev/null || true
    local deadline=$((SECONDS + 10)); while alive "$file" && [ $SECONDS -lt $deadline ]; do sleep 0.1; done
    alive "$file" && kill -9 "$(cat "$file")" 2>/dev/null || true
  fi
  return 0
}

sentinel_up() {
  install_missing
  sentinel_down
  require_free "$PRIMARY" "$REPLICA" "${SENTINELS[@]}"
  say "starting the Sentinel group '$SERVICE': primary $PRIMARY, replica $REPLICA, sentinels ${SENTINELS[*]}"
  start_node "$PRIMARY"
  start_node "$REPLICA" --replicaof 127.0.0.1 "$PRIMARY"
  wait_until "primary" 30 ping_port "$PRIMARY"
  wait_until "replica" 30 ping_port "$REPLICA"
  wait_until "replication link" 30 bash -c "REDISCLI_AUTH='$REDIS_PASSWORD' redis-cli --no-auth-warning -p $REPLICA info replication | grep -q 'master_link_status:up'"
  for port in "${SENTINELS[@]}"; do
    rm -rf "${HA_DIR:?}/$port"; mkdir -p "$HA_DIR/$port"
    # Quorum 2 of 3; a primary silent for 1 s is down (tests want failovers in seconds, production keeps 5-30 s).
    cat >"$HA_DIR/$port/sentinel.conf" <<CONF
port $port
bind 127.0.0.1
daemonize yes
pidfile $(pid_file "$port")
logfile $LOG_DIR/redis-ha-$port.log
dir $HA_DIR/$port
requirepass "$REDIS_PASSWORD"
sentinel monitor $SERVICE 127.0.0.1 $PRIMARY 2
sentinel auth-pass $SERVICE "$REDIS_PASSWORD"
sentinel down-after-milliseconds $SERVICE 1000
sentinel failover-timeout $SERVICE 5000
sentinel parallel-syncs $SERVICE 1
CONF
    "$(bin_of redis-sentinel)" "$HA_DIR/$port/sentinel.conf" >/dev/null
  done
  for port in "${SENTINELS[@]}"; do wait_until "sentinel $port" 30 ping_port "$port"; done
  # Every sentinel knows the others (quorum needs them) and the replica before the group counts as ready.
  sentinel_ready() {
    local port
    for port in "${SENTINELS[@]}"; do
      local info; info=$(cli "$port" sentinel master "$SERVICE" 2>/dev/null | tr '\n' ' ')
      grep -q 'num-other-sentinels 2' <<<"$info" && grep -q 'num-slaves 1' <<<"$info" || return 1
    done
  }
  wait_until "sentinels" 60 sentinel_ready
  say "Sentinel group ready"
}

sentinel_down() {
  for port in "${SENTINELS[@]}" "$PRIMARY" "$REPLICA"; do stop_port "$port"; done
}

# A port another process holds fails at once, naming it, instead of a node that never answers (a cluster node also
# binds its port + 10000, the cluster bus).
require_free() {
  local port holder
  for port in "$@"; do
    holder=$(ss -Htlnp "sport = :$port" 2>/dev/null | head -n 1)
    [ -z "$holder" ] || die "port $port is already in use (${holder##* }); stop that process or set MALL_REDIS_HA_BASE"
  done
}

cluster_up() {
  install_missing
  cluster_down
  local port bus=()
  for port in "${CLUSTER[@]}"; do bus+=($((port + 10000))); done
  require_free "${CLUSTER[@]}" "${bus[@]}"
  say "starting a Redis Cluster on ${CLUSTER[*]} (3 primaries, 3 replicas)"
  for port in "${CLUSTER[@]}"; do
    start_node "$port" --cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 1000 \
      --cluster-require-full-coverage no
  done
  for port in "${CLUSTER[@]}"; do wait_until "node $port" 30 ping_port "$port"; done
  local nodes=()
  for port in "${CLUSTER[@]}"; do nodes+=("127.0.0.1:$port"); done
  cli "${CLUSTER[0]}" --cluster create "${nodes[@]}" --cluster-replicas 1 --cluster-yes >"$LOG_DIR/redis-ha-cluster-create.log" 2>&1 \
    || { cat "$LOG_DIR/redis-ha-cluster-create.log"; die "redis-cli --cluster create failed"; }
  cluster_ok() {
    local port
    for port in "${CLUSTER[@]}"; do cli "$port" cluster info 2>/dev/null | grep -q 'cluster_state:ok' || return 1; done
    # Every replica has finished its first sync.
    [ "$(for port in "${CLUSTER[@]}"; do cli "$port" info replication; done | grep -c 'master_link_status:up')" -eq 3 ]
  }
  wait_until "cluster" 60 cluster_ok
  say "Redis Cluster ready"
}

cluster_down() {
  for port in "${CLUSTER[@]}"; do stop_port "$port"; done
}

single_up() {
  install_missing
  stop_port "$SINGLE"
  say "starting a single Redis on $SINGLE${KEEP_DATA:+ (keeping its data)}"
  start_node "$SINGLE"
  wait_until "single" 30 ping_port "$SINGLE"
}

status() {
  local port
  for port in "$PRIMARY" "$REPLICA" "${SENTINELS[@]}" "${CLUSTER[@]}" "$SINGLE"; do
    if ping_port "$port"; then say "127.0.0.1:$port: $(cli "$port" info server | grep -E '^redis_mode' | tr -d '\r') $(cli "$port" info replication 2>/dev/null | grep -E '^role' | tr -d '\r')"; fi
  done
}

# The shop's settings for each topology (environment variables, Redis__Sentinel__* / Redis__Cluster__*).
print_env() {
  local i=0
  case $1 in
    sentinel)
      printf 'export Redis__Sentinel__ServiceName=%q\n' "$SERVICE"
      for port in "${SENTINELS[@]}"; do printf 'export Redis__Sentinel__Endpoints__%d=127.0.0.1:%d\n' $i "$port"; i=$((i + 1)); done;;
    cluster)
      for port in "${CLUSTER[@]}"; do printf 'export Redis__Cluster__Endpoints__%d=127.0.0.1:%d\n' $i "$port"; i=$((i + 1)); done;;
  esac
  local plain=$PRIMARY; [ "$1" = single ] && plain=$SINGLE
  printf 'export ConnectionStrings__Redis=%q\n' "127.0.0.1:$plain,password=$REDIS_PASSWORD"
}

case "${1:-}/${2:-}" in
  # A group that fails to come up is taken down again: no half-started nodes left to hold its ports.
  sentinel/up) trap sentinel_down EXIT; sentinel_up; trap - EXIT;;
  sentinel/down) sentinel_down;;
  cluster/up) trap cluster_down EXIT; cluster_up; trap - EXIT;;
  cluster/down) cluster_down;;
  single/up) single_up;;
  single/start) KEEP_DATA=1 single_up;;
  single/down) stop_port "$SINGLE";;
  sentinel/env|cluster/env|single/env) print_env "$1";;
  */status|status/) status;;
  down/) sentinel_down; cluster_down; stop_port "$SINGLE";;
  *) echo "usage: $0 sentinel|cluster|single up|down|status|env, $0 single start, or $0 down" >&2; exit 2;;
esac
