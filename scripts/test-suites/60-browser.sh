#!/usr/bin/env bash
# Browser tests of the Vue shop: headless Chromium (playwright-core) through the real nginx against the real API,
# on a shop of their own (ports 5180/8180, database mall_e2e, Redis prefix e2e:) that is stopped afterwards.
# MALL_E2E_API_PORT, MALL_E2E_WEB_PORT, MALL_E2E_DB_NAME, MALL_E2E_REDIS_PREFIX, and for the nginx that checks the site
# template MALL_E2E_CHECK_PORT / MALL_E2E_CHECK_TLS_PORT (18999/18998), override them; MALL_DB_PORT and MALL_REDIS_PORT
# pick the services, as everywhere.
# Also: the nginx site template renders (sed and envsubst) and passes nginx -t, docker/compose.yml is valid, and src/api/schema.d.ts matches
# the live OpenAPI document. Installs what it needs (chromium, a CJK font, npm packages). Last line: "N passed, N failed, N skipped".
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export MALL_DATA_DIR=${MALL_DATA_DIR:-$ROOT/.mall}
export MALL_API_PORT=${MALL_E2E_API_PORT:-5180} MALL_WEB_PORT=${MALL_E2E_WEB_PORT:-8180}
export MALL_DB_NAME=${MALL_E2E_DB_NAME:-mall_e2e} MALL_REDIS_PREFIX=${MALL_E2E_REDIS_PREFIX:-e2e:}
# Every flow registers its shoppers from 127.0.0.1: the per-address registration cap (20 an hour) would refuse the later
# flows. The cap has its own .NET tests; the challenge after 3 stays on (the harness solves it).
export Auth__Registration__MaxPerIp=${MALL_E2E_REGISTRATIONS_PER_IP:-100000}
# The throwaway nginx that checks the site template listens on these (plain, TLS); several checkouts running this
# suite at once on one machine give each its own.
CHECK_PORT=${MALL_E2E_CHECK_PORT:-18999} CHECK_TLS_PORT=${MALL_E2E_CHECK_TLS_PORT:-18998}
MALL_TAG=browser
. "$ROOT/scripts/lib.sh"
passed=0 failed=0 skipped=0
ok() { echo "PASS  $*"; passed=$((passed + 1)); }
bad() { echo "FAIL  $*"; failed=$((failed + 1)); }
finish() { echo "$passed passed, $failed failed, $skipped skipped"; [ "$failed" -eq 0 ]; exit $?; }

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
dpkg -s fonts-wqy-microhei >/dev/null 2>&1 || missing+=(fonts-wqy-microhei)
have envsubst || missing+=(gettext-base)
have nginx || missing+=(nginx)
have docker-compose || missing+=(docker-compose)
apt_install "${missing[@]}" || { bad "apt-get install ${missing[*]}"; finish; }

cd "$ROOT/vue-client" || { bad "vue-client missing"; finish; }
npm_ci_if_stale "$ROOT/vue-client" || { bad "npm ci"; finish; }

# 1. The nginx site renders both ways and nginx accepts it; over TLS (the opt-in template) it answers with HSTS.
check_nginx() {
  local dir; dir=$(mktemp -d)
  mkdir -p "$dir/temp" "$dir/spa" "$dir/media/products/7"
  echo '<div id="app"></div>' >"$dir/spa/index.html"
  local image=/media/products/7/0123456789abcdef0123456789abcdef.png
  printf 'not really a png' >"$dir$image"
  local site=$ROOT/docker/nginx/mall-site.conf
  sed -e 's#${MALL_API_UPSTREAM}#127.0.0.1:5999#g' -e "s#\${MALL_SPA_ROOT}#$dir/spa#g" -e "s#\${MALL_WEB_PORT}#$CHECK_PORT#g" \
      -e "s#\${MALL_NGINX_SITE}#$site#g" -e "s#\${MALL_MEDIA_ROOT}#$dir/media#g" "$ROOT/docker/nginx/mall.conf.template" >"$dir/sed.conf"
  MALL_API_UPSTREAM=127.0.0.1:5999 MALL_SPA_ROOT=$dir/spa MALL_WEB_PORT=$CHECK_PORT MALL_NGINX_SITE=$site MALL_MEDIA_ROOT=$dir/media \
    envsubst '${MALL_API_UPSTREAM} ${MALL_SPA_ROOT} ${MALL_WEB_PORT} ${MALL_NGINX_SITE} ${MALL_MEDIA_ROOT}' <"$ROOT/docker/nginx/mall.conf.template" >"$dir/envsubst.conf"
  cmp -s "$dir/sed.conf" "$dir/envsubst.conf" || { echo "sed and envsubst render differently"; diff "$dir/sed.conf" "$dir/envsubst.conf" | head; return 1; }
  grep -q '\$http_upgrade' "$site" || { echo "nginx variables were eaten by the rendering"; return 1; }
  openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -days 1 -keyout "$dir/key.pem" -out "$dir/cert.pem" >/dev/null 2>&1 \
    || { echo "openssl could not make a test certificate"; return 1; }
  MALL_SPA_ROOT=$dir/spa MALL_NGINX_SITE=$site MALL_TLS_PORT=$CHECK_TLS_PORT MALL_TLS_CERT=$dir/cert.pem MALL_TLS_KEY=$dir/key.pem \
    envsubst '${MALL_SPA_ROOT} ${MALL_NGINX_SITE} ${MALL_TLS_PORT} ${MALL_TLS_CERT} ${MALL_TLS_KEY}' \
    <"$ROOT/docker/nginx/mall-tls.conf.template" >"$dir/tls.conf"
  # Its files are in a private temporary folder: run as root, the workers must be root too to read them.
  cat >"$dir/nginx.conf" <<NGINX
$([ "$(id -u)" = 0 ] && echo 'user root root;')
pid $dir/nginx.pid;
error_log $dir/error.log;
events {}
http {
  include /etc/nginx/mime.types;
  client_body_temp_path $dir/temp/body; proxy_temp_path $dir/temp/proxy; fastcgi_temp_path $dir/temp/fastcgi;
  uwsgi_temp_path $dir/temp/uwsgi; scgi_temp_path $dir/temp/scgi;
  include $dir/sed.conf;
  include $dir/tls.conf;
}
NGINX
  local nginx_bin rc=0 plain tls; nginx_bin=$(bin_of nginx)
  "$nginx_bin" -t -q -c "$dir/nginx.conf" -p "$dir" -e "$dir/error.log" || rc=1
  if [ $rc -eq 0 ]; then
    "$nginx_bin" -c "$dir/nginx.conf" -p "$dir" -e "$dir/error.log" # daemonises; stopped below
    wait_http "http://127.0.0.1:$CHECK_PORT/" 10 || rc=1
    tls=$(curl -sk -o /dev/null -D - https://127.0.0.1:$CHECK_TLS_PORT/ 2>/dev/null | tr -d '\r')
    plain=$(curl -s -o /dev/null -D - http://127.0.0.1:$CHECK_PORT/ 2>/dev/null | tr -d '\r')
    grep -q '^HTTP/[0-9.]* 200' <<<"$tls" && grep -qi '^strict-transport-security: max-age=31536000; includeSubDomains' <<<"$tls" \
      || { echo "over TLS: no 200 with HSTS: $tls"; rc=1; }
    ! grep -qi '^strict-transport-security' <<<"$plain" || { echo "plain HTTP sent HSTS"; rc=1; }
    # An uploaded product image comes from the media folder, cached for good; a name that is not a content hash does not.
    local media; media=$(curl -s -D - -o /dev/null "http://127.0.0.1:$CHECK_PORT$image" 2>/dev/null | tr -d '\r')
    grep -q '^HTTP/[0-9.]* 200' <<<"$media" && grep -qi '^cache-control: public, max-age=31536000, immutable' <<<"$media" \
      || { echo "an uploaded image is not served from the media folder as immutable: $media"; rc=1; }
    "$nginx_bin" -c "$dir/nginx.conf" -p "$dir" -e "$dir/error.log" -s quit 2>/dev/null
    local deadline=$((SECONDS + 10)); while [ -f "$dir/nginx.pid" ] && [ $SECONDS -lt $deadline ]; do sleep 0.1; done
  fi
  rm -rf "$dir"
  return $rc
}
if check_nginx; then ok "nginx site renders (sed = envsubst), passes nginx -t, over TLS answers with HSTS, serves uploaded images as immutable"; else bad "nginx site"; fi
# The compose file is what a Docker host runs (no engine here): it must stay valid for docker-compose.
if MALL_DB_PASSWORD=x MALL_DB_ROOT_PASSWORD=x MALL_REDIS_PASSWORD=x MALL_ADMIN_PASSWORD=x \
    docker-compose -f "$ROOT/docker/compose.yml" -f "$ROOT/docker/compose.tls.yml" config --quiet; then
  ok "docker/compose.yml, alone and with compose.tls.yml, is valid (docker-compose config)"
else bad "docker/compose.yml, alone and with compose.tls.yml, is valid (docker-compose config)"; fi

# 2. A shop of our own, always with the current code; stopped whatever happens.
mkdir -p "$MALL_DATA_DIR/logs"
stop_shop() {
  "$ROOT/mall" stop >/dev/null 2>&1 || true
  # Safety net: an API of this checkout still listening on our port (its pid file lost) is ours to end.
  local pid
  for pid in $(ss -ltnpH "sport = :$MALL_API_PORT" 2>/dev/null | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u); do
    [ "$(readlink "/proc/$pid/cwd")" = "$ROOT/Mall.Api" ] && kill "$pid" 2>/dev/null
  done
  return 0
}
trap stop_shop EXIT
stop_shop
# Every run starts from an empty shop, so earlier runs' activities and users never pile up.
"$ROOT/scripts/services.sh" up >/dev/null && "$ROOT/scripts/services.sh" reset
if ! "$ROOT/mall" up >"$MALL_DATA_DIR/logs/e2e-up.log" 2>&1; then
  tail -20 "$MALL_DATA_DIR/logs/e2e-up.log"; bad "./mall up for the browser tests"; finish
fi

# 3. The generated API types match what the running API documents.
if node scripts/gen-api.mjs --check "http://127.0.0.1:$MALL_API_PORT/openapi/v1.json"; then ok "src/api/schema.d.ts is up to date"
else bad "src/api/schema.d.ts is stale (cd vue-client && npm run gen:api -- http://127.0.0.1:$MALL_API_PORT/openapi/v1.json)"; fi

# 4. The flows in a real browser.
MALL_WEB_URL="http://127.0.0.1:$MALL_WEB_PORT" MALL_API_URL="http://127.0.0.1:$MALL_API_PORT" node e2e/run.mjs | tee "$MALL_DATA_DIR/logs/e2e-browser.log"
line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$MALL_DATA_DIR/logs/e2e-browser.log" | tail -n 1)
if [ -z "$line" ]; then bad "the browser run printed no result (see vue-client/test-results/)"
else
  read -r p f s < <(sed -E 's/^([0-9]+) passed, ([0-9]+) failed(, ([0-9]+) skipped)?.*/\1 \2 \4/' <<<"$line")
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + ${s:-0}))
fi
echo "screenshots and failure logs: vue-client/test-results/"

# 5. Who the API believes a client is, through the real nginx: the edge sets X-Forwarded-For to the address it was
# connected from, so a header the client makes up changes nothing; the API takes its named proxy's word (loopback).
failed_login_from() { # URL, X-Forwarded-For → HTTP status of a failed sign-in
  curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' -H "X-Forwarded-For: $2" \
    -d "{\"account\":\"xff-$RANDOM$RANDOM@test.mall\",\"password\":\"wrong-password-1\"}" "$1/api/v1/auth/login"
}
counted_for() { REDISCLI_AUTH=$REDIS_PASSWORD redis-cli -h 127.0.0.1 -p "$REDIS_PORT" EXISTS "${MALL_REDIS_PREFIX}auth:fail:ip:$1" 2>/dev/null; }
status=$(failed_login_from "http://127.0.0.1:$MALL_WEB_PORT" "203.0.113.77")
# 401, or 428 once the browser flows left this address past its failure threshold: either way nginx's address counts.
if [[ $status =~ ^(401|428)$ ]] && [ "$(counted_for 203.0.113.77)" = 0 ] && [ "$(counted_for 127.0.0.1)" = 1 ]; then
  ok "through nginx a client-supplied X-Forwarded-For never changes the address the API counts"
else bad "through nginx a client-supplied X-Forwarded-For never changes the address the API counts (status $status, made-up $(counted_for 203.0.113.77), nginx's $(counted_for 127.0.0.1))"; fi
status=$(failed_login_from "http://127.0.0.1:$MALL_API_PORT" "198.51.100.23")
if [ "$status" = 401 ] && [ "$(counted_for 198.51.100.23)" = 1 ]; then
  ok "the API takes the client address from its named proxy (loopback)"
else bad "the API takes the client address from its named proxy (status $status, counted $(counted_for 198.51.100.23))"; fi
finish
