# test-05-cli: migrate and seed are idempotent; migrate --status lists files.
. "$(dirname "$0")/lib.sh"
only_on lighttpd

X=("$BIN" --config "$VAR/exodrive.env")
SQL=$(cd "$(dirname "$0")/../../sql" && pwd)
out=$("${X[@]}" migrate --dir "$SQL/migrations")
check "a second migrate applies nothing" eq "$(echo "$out" | tail -1)" "0 migrations applied, $(ls "$SQL"/migrations/*.sql | wc -l) total"
check "migrate --status lists every file as applied" bash -c \
	"'$BIN' --config '$VAR/exodrive.env' migrate --dir '$SQL/migrations' --status | grep -vc pending | grep -qx $(ls "$SQL"/migrations/*.sql | wc -l)"
check "a second seed changes nothing" bash -c "'$BIN' --config '$VAR/exodrive.env' seed --dir '$SQL/seed' | grep -q 'already seeded'"
check "migrate without a database fails with a message" bash -c \
	"! DATABASE_URL='postgresql:///nope?host=/nonexistent' '$BIN' migrate --dir '$SQL/migrations' 2>&1 | grep -q applied"
check "fcgi refuses to start without JWT_SECRET" bash -c \
	"JWT_SECRET= '$BIN' fcgi --listen /tmp/x.sock 2>&1 | grep -q JWT_SECRET"

# WARM_ON_START: a master warms the cache from a child while it serves.
rc() { redis-cli -s "$VAR/run/redis.sock" "$@"; }
before=$(rc GET warm:v1:last | jq -r .startTime)
sock="$OUT/warm.sock"
WARM_ON_START=true "$BIN" --config "$VAR/exodrive.env" fcgi --listen "$sock" \
	--workers 1 --pid-file "$OUT/warm.pid" 2>/dev/null &
warmed() { a=$(rc GET warm:v1:last | jq -r .startTime); [ -n "$a" ] && [ "$a" != "$before" ]; }
check "a master with WARM_ON_START=true warms the cache at start" until_ok 100 warmed
check "and records its run" eq "$(rc GET warm:v1:last | jq -r .status)" success
kill "$(cat "$OUT/warm.pid")" 2>/dev/null; wait 2>/dev/null
