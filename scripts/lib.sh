# Shared by ./mall, scripts/services.sh and scripts/test-suites/*.sh: source it, never run it.
#   . "$ROOT/scripts/lib.sh"      (ROOT = the repository; set MALL_TAG first to name the messages' prefix)
# Only functions and the settings every script reads the same way; nothing here starts anything.

MALL_TAG=${MALL_TAG:-mall}

say() { printf '[%s] %s\n' "$MALL_TAG" "$*"; }
die() { printf '[%s] %s\n' "$MALL_TAG" "$*" >&2; exit 1; }

# Is the process a pid file names running? An exited child can linger as a zombie for a while, so kill -0 is not
# proof of life: read its state.
alive() {
  local pid_file=$1 pid
  [ -f "$pid_file" ] || return 1
  pid=$(cat "$pid_file" 2>/dev/null) || return 1
  pid_alive "$pid"
}
pid_alive() {
  local pid=$1 state
  [[ $pid =~ ^[0-9]+$ ]] && [ -r "/proc/$pid/status" ] || return 1
  state=$(awk '/^State:/ {print $2}' "/proc/$pid/status" 2>/dev/null)
  [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

# Stops the process of a pid file (signal, default TERM) and waits up to 20 s. The pid file goes only once the
# process is gone: a process that survives keeps its pid file (so status/down still see it), is named, and the
# function fails.
stop_pid() {
  local name=$1 pid_file=$2 signal=${3:-TERM} pid deadline
  if ! alive "$pid_file"; then rm -f "$pid_file"; return 0; fi
  pid=$(cat "$pid_file")
  say "stopping $name (pid $pid)"
  kill -"$signal" "$pid" 2>/dev/null || true
  deadline=$((SECONDS + 20))
  while pid_alive "$pid" && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
  if pid_alive "$pid"; then
    say "$name (pid $pid) is still running 20 s after SIG$signal; keeping $pid_file (kill -KILL $pid to force it)" >&2
    return 1
  fi
  rm -f "$pid_file"
}

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else say "not root and no sudo: trying '$*' as $(id -un)" >&2; "$@"; fi
}

# Is a command there (also in the sbin directories a non-root PATH often lacks)?
have() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/sbin/$1" ]; }
# Path of a command, for the sbin ones.
bin_of() { command -v "$1" 2>/dev/null || { [ -x "/usr/sbin/$1" ] && echo "/usr/sbin/$1"; } || echo "/sbin/$1"; }

# apt-get install the Debian packages given (callers pass only the missing ones; none: nothing happens).
apt_install() {
  [ $# -gt 0 ] || return 0
  say "installing $* (Debian packages, about 30 s)"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# Waits until a URL answers 2xx (curl -f), up to SECONDS.
wait_http() {
  local url=$1 deadline=$((SECONDS + $2))
  until curl -fsS -o /dev/null "$url" 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.3
  done
}

# npm ci in DIR, but only when node_modules is missing or older than package-lock.json (npm ci writes
# node_modules/.package-lock.json last, so it marks a finished install).
npm_ci_if_stale() {
  local dir=$1
  if [ ! -f "$dir/node_modules/.package-lock.json" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

# ---- connection settings of the local MariaDB and Redis (scripts/services.sh starts them) ----
DB_PORT=${MALL_DB_PORT:-3306}
DB_NAME=${MALL_DB_NAME:-mall}
DB_USER=${MALL_DB_USER:-mall}
DB_PASSWORD=${MALL_DB_PASSWORD:-mall-dev-password}
REDIS_PORT=${MALL_REDIS_PORT:-6379}
REDIS_PASSWORD=${MALL_REDIS_PASSWORD:-mall-dev-redis}

# A value for an ADO.NET connection string (MySqlConnector): always double-quoted, a quote inside doubled, so ';',
# '=', quotes, spaces and backslashes in a password stay part of it.
cs_value() { local v=${1//\"/\"\"}; printf '"%s"' "$v"; }
# A MariaDB string literal: backslashes and single quotes escaped (the server's default sql_mode treats a backslash
# as an escape character).
sql_string() { local v=${1//\\/\\\\}; v=${v//\'/\\\'}; printf "'%s'" "$v"; }
# A MariaDB identifier between backticks.
sql_ident() { printf '`%s`' "${1//\`/\`\`}"; }

mall_connection_string() {
  printf 'Server=127.0.0.1;Port=%s;Database=%s;User ID=%s;Password=%s' \
    "$DB_PORT" "$(cs_value "$DB_NAME")" "$(cs_value "$DB_USER")" "$(cs_value "$DB_PASSWORD")"
}
redis_connection_string() {
  # StackExchange.Redis's configuration string has no quoting: a comma always starts the next option.
  case $REDIS_PASSWORD in *,*) die "MALL_REDIS_PASSWORD must not contain a comma (StackExchange.Redis cannot read it in a connection string)";; esac
  printf '127.0.0.1:%s,password=%s' "$REDIS_PORT" "$REDIS_PASSWORD"
}
# Exports ConnectionStrings__Mall and ConnectionStrings__Redis for the API, the tests and the load-test CLI: no eval.
export_connection_strings() {
  ConnectionStrings__Mall=$(mall_connection_string) || return 1
  ConnectionStrings__Redis=$(redis_connection_string) || return 1
  export ConnectionStrings__Mall ConnectionStrings__Redis
}
