#!/usr/bin/env bash
# Local MariaDB and Redis for Mall, without Docker and without systemd.
#
#   scripts/services.sh up       install (where missing) and start both, create the database and app user
#   scripts/services.sh down     stop both cleanly
#   scripts/services.sh status   say what runs
#   scripts/services.sh env      print the connection settings as shell exports
#   (for benchmarks: reset, aof-rewrite, aof-auto PERCENT; see the cases below)
#
# Both run as the current user's processes, bound to 127.0.0.1, with every byte of data under
# $MALL_DATA_DIR (default: <repo>/.mall, git-ignored). Safe to run twice.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DATA=${MALL_DATA_DIR:-$ROOT/.mall}
DB_PORT=${MALL_DB_PORT:-3306}
DB_NAME=${MALL_DB_NAME:-mall}
DB_USER=${MALL_DB_USER:-mall}
DB_PASSWORD=${MALL_DB_PASSWORD:-mall-dev-password}
REDIS_PORT=${MALL_REDIS_PORT:-6379}
REDIS_PASSWORD=${MALL_REDIS_PASSWORD:-mall-dev-redis}
REDIS_FSYNC=${MALL_REDIS_APPENDFSYNC:-everysec}

DB_DIR=$DATA/mariadb
RUN_DIR=$DATA/run
LOG_DIR=$DATA/logs
REDIS_DIR=$DATA/redis
SOCKET=$RUN_DIR/mariadb.sock

say() { printf '[services] %s\n' "$*"; }

# An exited child can linger as a zombie, so kill -0 is not proof of life: read its state.
alive() {
  local pid_file=$1 pid state
  [ -f "$pid_file" ] || return 1
  pid=$(cat "$pid_file" 2>/dev/null) || return 1
  [ -n "$pid" ] && [ -r "/proc/$pid/status" ] || return 1
  state=$(awk '/^State:/ {print $2}' "/proc/$pid/status")
  [ "$state" != "Z" ] && [ "$state" != "X" ]
}

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else "$@"; fi; }

install_missing() {
  local missing=()
  command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ] || missing+=(mariadb-server)
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing ${missing[*]} (Debian packages, about 30 s)"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

mariadbd_bin() { command -v mariadbd 2>/dev/null || echo /usr/sbin/mariadbd; }
user_flag() { [ "$(id -u)" = 0 ] && echo "--user=root" || true; }

db_ping() { mariadb-admin --no-defaults --socket="$SOCKET" -uroot ping >/dev/null 2>&1; }
db_root() { mariadb --no-defaults --socket="$SOCKET" -uroot "$@"; }

wait_for() {
  local what=$1 check=$2 deadline=$((SECONDS + ${3:-60}))
  until $check; do
    if [ $SECONDS -ge $deadline ]; then say "$what did not answer in time; see $LOG_DIR"; return 1; fi
    sleep 0.2
  done
}

db_up() {
  mkdir -p "$DB_DIR" "$RUN_DIR" "$LOG_DIR"
  if alive "$RUN_DIR/mariadb.pid" && db_ping; then say "MariaDB already running on 127.0.0.1:$DB_PORT"; else
    if [ ! -d "$DB_DIR/mysql" ]; then
      say "initialising MariaDB data in $DB_DIR"
      mariadb-install-db --no-defaults $(user_flag) --datadir="$DB_DIR" \
        --auth-root-authentication-method=normal --skip-test-db >"$LOG_DIR/mariadb-install.log" 2>&1
    fi
    say "starting MariaDB on 127.0.0.1:$DB_PORT"
    # --no-defaults ignores /etc/mysql, so the charset flags are what make the server utf8mb4.
    setsid "$(mariadbd_bin)" --no-defaults $(user_flag) --datadir="$DB_DIR" --socket="$SOCKET" \
      --pid-file="$RUN_DIR/mariadb.pid" --port="$DB_PORT" --bind-address=127.0.0.1 --skip-name-resolve \
      --log-error="$LOG_DIR/mariadb.err" --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
      --max-connections=500 --innodb-buffer-pool-size=256M </dev/null >/dev/null 2>&1 &
    wait_for MariaDB db_ping 60
  fi
  # The app user may create its own databases (mall, and one fresh mall_test_* per test run).
  db_root <<SQL
CREATE DATABASE IF NOT EXISTS \`$DB_NAME\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS '$DB_USER'@'127.0.0.1' IDENTIFIED BY '$DB_PASSWORD';
CREATE USER IF NOT EXISTS '$DB_USER'@'localhost' IDENTIFIED BY '$DB_PASSWORD';
ALTER USER '$DB_USER'@'127.0.0.1' IDENTIFIED BY '$DB_PASSWORD';
ALTER USER '$DB_USER'@'localhost' IDENTIFIED BY '$DB_PASSWORD';
GRANT ALL PRIVILEGES ON \`${DB_NAME}%\`.* TO '$DB_USER'@'127.0.0.1';
GRANT ALL PRIVILEGES ON \`${DB_NAME}%\`.* TO '$DB_USER'@'localhost';
FLUSH PRIVILEGES;
SQL
}

redis_cli() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" --no-auth-warning -a "$REDIS_PASSWORD" "$@"; }
redis_ping() { [ "$(redis_cli ping 2>/dev/null)" = PONG ]; }

redis_up() {
  mkdir -p "$REDIS_DIR" "$RUN_DIR" "$LOG_DIR"
  if alive "$RUN_DIR/redis.pid" && redis_ping; then say "Redis already running on 127.0.0.1:$REDIS_PORT"; return; fi
  say "starting Redis on 127.0.0.1:$REDIS_PORT (AOF, appendfsync $REDIS_FSYNC)"
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$REDIS_DIR" --appendonly yes \
    --appendfsync "$REDIS_FSYNC" --save "" --daemonize yes --pidfile "$RUN_DIR/redis.pid" \
    --logfile "$LOG_DIR/redis.log" --requirepass "$REDIS_PASSWORD" --maxclients 10000 \
    --notify-keyspace-events "" >/dev/null
  wait_for Redis redis_ping 30
}

db_down() {
  if alive "$RUN_DIR/mariadb.pid"; then
    say "stopping MariaDB"
    mariadb-admin --no-defaults --socket="$SOCKET" -uroot shutdown >/dev/null 2>&1 || kill "$(cat "$RUN_DIR/mariadb.pid")" || true
    local deadline=$((SECONDS + 30)); while alive "$RUN_DIR/mariadb.pid" && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
  fi
}

redis_down() {
  if alive "$RUN_DIR/redis.pid"; then
    say "stopping Redis"
    redis_cli shutdown >/dev/null 2>&1 || kill "$(cat "$RUN_DIR/redis.pid")" || true
    local deadline=$((SECONDS + 30)); while alive "$RUN_DIR/redis.pid" && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
  fi
}

print_env() {
  cat <<ENV
export ConnectionStrings__Mall='Server=127.0.0.1;Port=$DB_PORT;Database=$DB_NAME;User ID=$DB_USER;Password=$DB_PASSWORD'
export ConnectionStrings__Redis='127.0.0.1:$REDIS_PORT,password=$REDIS_PASSWORD'
ENV
}

case "${1:-}" in
  up) install_missing; db_up; redis_up; say "ready (data in $DATA)";;
  # Only makes sure the database exists (another shop's, or a test suite's, on the running server).
  db-create) db_up;;
  # A test suite's own shop starts from nothing: drop its database and its Redis keys (MALL_REDIS_PREFIX).
  reset)
    [ "$DB_NAME" != mall ] || { say "refusing to reset the main database 'mall'"; exit 2; }
    db_root -e "DROP DATABASE IF EXISTS \`$DB_NAME\`"
    db_up
    prefix=${MALL_REDIS_PREFIX:?set MALL_REDIS_PREFIX}
    redis_cli --scan --pattern "${prefix}*" | xargs -r -n 500 redis-cli -h 127.0.0.1 -p "$REDIS_PORT" --no-auth-warning -a "$REDIS_PASSWORD" unlink >/dev/null
    say "reset database $DB_NAME and Redis keys ${prefix}*";;
  down) db_down; redis_down;;
  # Benchmarks: compact Redis's AOF now (and wait), so no automatic rewrite forks a child mid-measurement.
  aof-rewrite)
    redis_cli bgrewriteaof >/dev/null
    for _ in $(seq 1 600); do
      info=$(redis_cli info persistence)
      if grep -q '^aof_rewrite_in_progress:0' <<<"$info" && grep -q '^aof_rewrite_scheduled:0' <<<"$info"; then exit 0; fi
      sleep 0.1
    done
    say "the AOF rewrite did not finish within 60 s"; exit 1;;
  # Benchmarks: set auto-aof-rewrite-percentage (0 turns automatic rewrites off); prints the value it had.
  aof-auto)
    value=${2:?usage: $0 aof-auto PERCENT}
    redis_cli config get auto-aof-rewrite-percentage | tail -n 1
    redis_cli config set auto-aof-rewrite-percentage "$value" >/dev/null;;
  db-up) install_missing; db_up;;
  db-down) db_down;;
  status)
    if alive "$RUN_DIR/mariadb.pid" && db_ping; then say "MariaDB: running on 127.0.0.1:$DB_PORT"; else say "MariaDB: stopped"; fi
    if alive "$RUN_DIR/redis.pid" && redis_ping; then say "Redis: running on 127.0.0.1:$REDIS_PORT"; else say "Redis: stopped"; fi;;
  env) print_env;;
  *) echo "usage: $0 up|down|status|env|db-up|db-down|db-create|reset|aof-rewrite|aof-auto PERCENT" >&2; exit 2;;
esac
