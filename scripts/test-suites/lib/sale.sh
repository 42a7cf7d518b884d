# A seckill sale for the instance and backup suites (75-instances.sh, 77-backup.sh): source it after scripts/lib.sh
# with the shop's settings exported (MALL_DB_NAME, ports). Rows go straight into the database (shoppers whose
# password can never match, a product, an admin), the activity through the admin API, the shoppers through
# seckill-shoppers.mjs. Every function returns non-zero on failure.

SALE_JS=$ROOT/scripts/test-suites/lib/seckill-shoppers.mjs

# The shop's database as the app user; the password goes in through the environment, never on a command line.
sale_sql() { MYSQL_PWD=$DB_PASSWORD mariadb --no-defaults -h 127.0.0.1 -P "$DB_PORT" -u "$DB_USER" -N -B "$DB_NAME" "$@"; }
sale_redis() { REDISCLI_AUTH=$REDIS_PASSWORD redis-cli -h 127.0.0.1 -p "$REDIS_PORT" "$@"; }

# sale_seed RUN SHOPPERS STOCK → sets SALE_ADMIN, SALE_SHOPPERS (ids, comma-separated), SALE_SKU.
sale_seed() {
  local run=$1 count=$2 stock=$3 values="" i
  for ((i = 0; i < count; i++)); do
    values+="${values:+,}('s$run-$i@sale.mall.local', '/w==', 'shopper $i', 'shopper', UTC_TIMESTAMP(), UTC_TIMESTAMP())"
  done
  sale_sql <<SQL || return 1
INSERT INTO users (account, password_hash, nickname, role, created_at, updated_at)
VALUES ('a$run@sale.mall.local', '/w==', 'sale admin', 'admin', UTC_TIMESTAMP(), UTC_TIMESTAMP()), $values;
INSERT INTO products (category_id, title, subtitle, description, images, on_shelf, created_at, updated_at)
VALUES ((SELECT COALESCE(MIN(id), 1) FROM categories), 'Sale $run', 'suite', 'Made by a test suite.', '[]', 1, UTC_TIMESTAMP(), UTC_TIMESTAMP());
INSERT INTO skus (product_id, specs, price_cents, stock, created_at, updated_at)
VALUES (LAST_INSERT_ID(), '{}', 99900, $stock, UTC_TIMESTAMP(), UTC_TIMESTAMP());
SQL
  SALE_ADMIN=$(sale_sql -e "SELECT id FROM users WHERE account = 'a$run@sale.mall.local'") || return 1
  SALE_SHOPPERS=$(sale_sql -e "SELECT id FROM users WHERE account LIKE 's$run-%@sale.mall.local' ORDER BY id" | paste -sd,) || return 1
  SALE_SKU=$(sale_sql -e "SELECT s.id FROM skus s JOIN products p ON p.id = s.product_id WHERE p.title = 'Sale $run'") || return 1
  [ -n "$SALE_ADMIN" ] && [ -n "$SALE_SKU" ] && [ "$(tr ',' '\n' <<<"$SALE_SHOPPERS" | wc -l)" -eq "$count" ]
}

# sale_token CONFIG USER ROLE: an access token signed with the shop's development key.
sale_token() { node "$SALE_JS" token "$1" "$2" "$3"; }

# sale_activity BASE ADMIN_TOKEN STOCK → SALE_ACTIVITY; published, starting in 2 s (the function waits for it).
sale_activity() {
  local base=$1 token=$2 stock=$3 starts ends body
  starts=$(date -u -d '+2 seconds' +%Y-%m-%dT%H:%M:%S.000Z) ends=$(date -u -d '+2 hours' +%Y-%m-%dT%H:%M:%S.000Z)
  body=$(curl -fsS -X POST "$base/api/v1/admin/seckill/activities" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d "{\"skuId\":$SALE_SKU,\"title\":\"Suite sale\",\"priceCents\":100,\"stock\":$stock,\"limitPerUser\":1,\"startsAt\":\"$starts\",\"endsAt\":\"$ends\"}") || return 1
  SALE_ACTIVITY=$(grep -oE '"id":[0-9]+' <<<"$body" | head -n 1 | cut -d: -f2)
  [ -n "$SALE_ACTIVITY" ] || return 1
  curl -fsS -o /dev/null -X POST "$base/api/v1/admin/seckill/activities/$SALE_ACTIVITY/publish" -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/json' -d '{}' || return 1
  sleep 2.3
}

# sale_reconcile BASE ADMIN_TOKEN SECONDS: polls the reconciliation until it shows drift 0 with nothing pending (a
# reservation in flight shows as a transient drift); SALE_RECONCILE is the last answer. Fails at the deadline.
sale_reconcile() {
  local base=$1 token=$2 deadline=$((SECONDS + $3))
  while :; do
    SALE_RECONCILE=$(curl -fsS "$base/api/v1/admin/seckill/activities/$SALE_ACTIVITY/reconcile" -H "Authorization: Bearer $token" 2>/dev/null)
    if grep -q '"drift":0[,}]' <<<"$SALE_RECONCILE" && grep -q '"pendingReservations":0[,}]' <<<"$SALE_RECONCILE"; then return 0; fi
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.5
  done
}
sale_field() { grep -oE "\"$1\":-?[0-9]+" <<<"$2" | head -n 1 | cut -d: -f2; }
json_field() { node -e 'const v = JSON.parse(require("fs").readFileSync(0, "utf8")); const r = process.argv[1].split(".").reduce((o, k) => o?.[k], v); console.log(typeof r === "object" ? JSON.stringify(r) : r)' "$1"; }
