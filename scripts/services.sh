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
MALL_TAG=services
# say, alive, as_root, apt_install, the DB_*/REDIS_* settings (MALL_DB_PORT, MALL_DB_PASSWORD, …) and the quoting helpers.
. "$ROOT/scripts/lib.sh"
DATA=${MALL_DATA_DIR:-$ROOT/.mall}
REDIS_FSYNC=${MALL_REDIS_APPENDFSYNC:-everysec}

DB_DIR=$DATA/mariadb
RUN_DIR=$DATA/run
LOG_DIR=$DATA/logs
REDIS_DIR=$DATA/redis
SOCKET=$RUN_DIR/mariadb.sock

install_missing() {
  local missing=()
  have mariadbd || missing+=(mariadb-server)
  have redis-server || missing+=(redis-server)
  have nginx || missing+=(nginx)
  apt_install "${missing[@]}"
}

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
    setsid "$(bin_of mariadbd)" --no-defaults $(user_flag) --datadir="$DB_DIR" --socket="$SOCKET" \
      --pid-file="$RUN_DIR/mariadb.pid" --port="$DB_PORT" --bind-address=127.0.0.1 --skip-name-resolve \
      --log-error="$LOG_DIR/mariadb.err" --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
      --max-connections=500 --innodb-buffer-pool-size=256M </dev/null >/dev/null 2>&1 &
    wait_for MariaDB db_ping 60
  fi
  # The app user may create its own databases (mall, and one fresh mall_test_* per test run). Every value is quoted
  # for SQL (sql_string/sql_ident), and the statements go in on stdin: any password works, none shows in ps.
  local user_local user_ip password pattern
  user_local="$(sql_string "$DB_USER")@'localhost'" user_ip="$(sql_string "$DB_USER")@'127.0.0.1'"
  password=$(sql_string "$DB_PASSWORD")
  # The grants name a pattern: mall, mall_test_*, …
  pattern=$(sql_ident "${DB_NAME}%")
  db_root <<SQL
CREATE DATABASE IF NOT EXISTS $(sql_ident "$DB_NAME") CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS $user_ip IDENTIFIED BY $password;
CREATE USER IF NOT EXISTS $user_local IDENTIFIED BY $password;
ALTER USER $user_ip IDENTIFIED BY $password;
ALTER USER $user_local IDENTIFIED BY $password;
GRANT ALL PRIVILEGES ON $pattern.* TO $user_ip;
GRANT ALL PRIVILEGES ON $pattern.* TO $user_local;
FLUSH PRIVILEGES;
SQL
}

# The password goes in through the environment (REDISCLI_AUTH), not on a command line ps shows.
redis_cli() { REDISCLI_AUTH=$REDIS_PASSWORD redis-cli -h 127.0.0.1 -p "$REDIS_PORT" "$@"; }
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
    if alive "$RUN_DIR/mariadb.pid"; then say "MariaDB (pid $(cat "$RUN_DIR/mariadb.pid")) is still running 30 s after its shutdown; see $LOG_DIR" >&2; return 1; fi
  fi
}

redis_down() {
  if alive "$RUN_DIR/redis.pid"; then
    say "stopping Redis"
    redis_cli shutdown >/dev/null 2>&1 || kill "$(cat "$RUN_DIR/redis.pid")" || true
    local deadline=$((SECONDS + 30)); while alive "$RUN_DIR/redis.pid" && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
    if alive "$RUN_DIR/redis.pid"; then say "Redis (pid $(cat "$RUN_DIR/redis.pid")) is still running 30 s after its shutdown; see $LOG_DIR" >&2; return 1; fi
  fi
}

# Shell exports of the connection strings, each value quoted with printf %q, so eval "$(scripts/services.sh env)"
# gives back exactly these strings whatever the passwords hold. (./mall and the suites source scripts/lib.sh and call
# export_connection_strings instead: no eval at all.)
print_env() {
  local mall redis
  mall=$(mall_connection_string) && redis=$(redis_connection_string) || exit 1
  printf 'export ConnectionStrings__Mall=%q\n' "$mall"
  printf 'export ConnectionStrings__Redis=%q\n' "$redis"
}

case "${1:-}" in
  up) install_missing; db_up; redis_up; say "ready (data in $DATA)";;
  # Only makes sure the database exists (another shop's, or a test suite's, on the running server).
  db-create) db_up;;
  # A test suite's own shop starts from nothing: drop its database and its Redis keys (MALL_REDIS_PREFIX).
  reset)
    [ "$DB_NAME" != mall ] || { say "refusing to reset the main database 'mall'"; exit 2; }
    db_root -e "DROP DATABASE IF EXISTS $(sql_ident "$DB_NAME")"
    db_up
    prefix=${MALL_REDIS_PREFIX:?set MALL_REDIS_PREFIX}
    # One key per line (-d '\n'), so a key with a space stays one key; the password stays in the environment.
    redis_cli --scan --pattern "${prefix}*" | REDISCLI_AUTH=$REDIS_PASSWORD xargs -r -d '\n' -n 500 redis-cli -h 127.0.0.1 -p "$REDIS_PORT" unlink >/dev/null
    say "reset database $DB_NAME and Redis keys ${prefix}*";;
  down) status=0; db_down || status=1; redis_down || status=1; exit $status;;
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
