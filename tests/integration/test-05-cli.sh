# test-05-cli: the command line.  Every command takes --help (its usage on
# stdout, exit 0, nothing started) and refuses an unknown option (exit 2,
# its usage on stderr, nothing started); migrate and seed find the build
# tree's sql/ without --dir; outside APP_ENV=development seed refuses the
# development password and the services refuse placeholder secrets, while
# development keeps working; migrate and seed are idempotent.
. "$(dirname "$0")/lib.sh"
only_on lighttpd

X=("$BIN" --config "$VAR/exodrive.env")
SQL=$(cd "$(dirname "$0")/../../sql" && pwd)
CMDS="fcgi migrate seed expire-holds capture-payments webhook-retry worker scheduler
warm-cache config openapi monitor contract-ts cache"
rnd() { head -c 24 /dev/urandom | base64 | tr -d '/+='; }

listed=$("$BIN" --help | awk '/^Commands:/ {on = 1; next} on && NF == 0 {exit} on {print $1}' | sort)
check "exodrive --help lists every command" eq "$(echo "$listed" | tr '\n' ' ')" \
	"$(printf '%s\n' $CMDS | sort | tr '\n' ' ')"

# quick NAME ARGS...: run exodrive with the stack's settings in a session
# of its own with a private LOG_FILE and METRICS_FILE (written only when
# something starts), for at most 10 s.  Sets RC, MS (elapsed) and LEFT
# (processes of that session still alive afterwards); output in
# $OUT/q.out and $OUT/q.err.
quick() {
	local name=$1 t0 sid; shift
	rm -f "$OUT/q.log" "$OUT/q.sock"
	t0=$(date +%s%N)
	LOG_FILE=$OUT/q.log METRICS_FILE=$OUT/q.metrics setsid timeout 10 "${X[@]}" "$@" \
		</dev/null >"$OUT/q.out" 2>"$OUT/q.err" &
	sid=$!
	wait "$sid"; RC=$?
	MS=$(( ($(date +%s%N) - t0) / 1000000 ))
	LEFT=$(pgrep -s "$sid" | tr '\n' ' ')
	pkill -KILL -s "$sid" 2>/dev/null
	return 0
}
# nothing_started: no log line, no leftover process, no socket.
nothing_started() { ! [ -s "$OUT/q.log" ] && [ -z "$LEFT" ] && ! [ -e "$OUT/q.sock" ]; }

for c in $CMDS; do
	args=("$c" --help)
	[ "$c" = fcgi ] && args=(fcgi --listen "$OUT/q.sock" --workers 1 --help)
	[ "$c" = cache ] && args=(cache purge --help)	# a command of two words
	quick "$c" "${args[@]}"
	check "$c --help exits 0 at once (${MS} ms)" eq "$RC:$((MS < 5000))" "0:1"
	check "$c --help prints its usage naming it on stdout" \
		grep -q "^usage: exodrive \[--config FILE\] $c" "$OUT/q.out"
	check "$c --help starts nothing${LEFT:+ (left: $LEFT)}" nothing_started

	quick "$c" "${args[@]/--help/--no-such-option}"
	check "$c --no-such-option exits 2 at once (${MS} ms)" eq "$RC:$((MS < 5000))" "2:1"
	check "and names the option, with the usage on stderr and nothing on stdout" bash -c \
		"grep -q -- '--no-such-option' '$OUT/q.err' && grep -q '^usage: exodrive \[--config FILE\] $c' '$OUT/q.err' && ! test -s '$OUT/q.out'"
	check "and starts nothing${LEFT:+ (left: $LEFT)}" nothing_started
done
quick worker worker stray
check "a stray argument is refused too (exit 2)" bash -c "[ $RC = 2 ] && grep -q stray '$OUT/q.err'"
quick monitor monitor --json=yes
check "as is a value given to a flag (exit 2)" bash -c "[ $RC = 2 ] && grep -q -- --json '$OUT/q.err'"
check "options are refused before the settings are read" bash -c \
	"MAX_BODY_BYTES=lots '$BIN' worker --bogus 2>&1 | grep -q -- --bogus"
check "and --help needs no valid settings" bash -c "MAX_BODY_BYTES=lots '$BIN' config --help >/dev/null"

# Idempotence with the stack's database.
out=$("${X[@]}" migrate --dir "$SQL/migrations")
check "a second migrate applies nothing" eq "$(echo "$out" | tail -1)" "0 migrations applied, $(ls "$SQL"/migrations/*.sql | wc -l) total"
check "migrate --status lists every file as applied" bash -c \
	"'$BIN' --config '$VAR/exodrive.env' migrate --dir '$SQL/migrations' --status | grep -vc pending | grep -qx $(ls "$SQL"/migrations/*.sql | wc -l)"
check "a second seed changes nothing" bash -c "'$BIN' --config '$VAR/exodrive.env' seed --dir '$SQL/seed' | grep -q 'already seeded'"
check "migrate without a database fails with a message" bash -c \
	"! DATABASE_URL='postgresql:///nope?host=/nonexistent' '$BIN' migrate --dir '$SQL/migrations' 2>&1 | grep -q applied"

# A database of its own: migrate and seed from the build tree, no --dir.
DB=exodrive_cli_$$
pg() { psql -h "$VAR/pg/sock" -U postgres -XtAq "$@"; }
pg -d postgres -c "CREATE DATABASE $DB OWNER exodrive"
trap 'pg -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1; rm -rf "$OUT"' EXIT
U="postgresql:///$DB?host=$VAR/pg/sock&user=exodrive"
D=(env DATABASE_URL="$U" MIGRATE_DATABASE_URL="$U" "${X[@]}")
"${D[@]}" migrate >"$OUT/mig" 2>&1
check "migrate without --dir applies the build tree's migrations" \
	grep -qx "$(ls "$SQL"/migrations/*.sql | wc -l) migrations applied, .* total" "$OUT/mig"
APP_ENV=production "${D[@]}" seed >/dev/null 2>"$OUT/seed.err"; rc=$?
check "APP_ENV=production: seed without SEED_PASSWORD exits 2, naming it" bash -c \
	"[ $rc = 2 ] && grep -q SEED_PASSWORD '$OUT/seed.err'"
check "and creates nothing" eq "$(pg -d "$DB" -c 'SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM cars)')" 0
APP_ENV=production SEED_PASSWORD=exodrive-dev-password "${D[@]}" seed >/dev/null 2>"$OUT/seed.err"; rc=$?
check "APP_ENV=production: the development password as SEED_PASSWORD is refused too" bash -c \
	"[ $rc = 2 ] && grep -q SEED_PASSWORD '$OUT/seed.err'"
pw=$(rnd)
APP_ENV=production SEED_PASSWORD=$pw "${D[@]}" seed >"$OUT/seed.out" 2>&1
check "with SEED_PASSWORD it seeds from the build tree without --dir" grep -q '^seeded 12 cars' "$OUT/seed.out"
hash=$(pg -d "$DB" -c "SELECT password_hash FROM users WHERE email = 'admin@exodrive.com'")
verify() { python3 -W ignore -c 'import crypt, sys; sys.exit(crypt.crypt(sys.argv[1], sys.argv[2]) != sys.argv[2])' "$1" "$hash"; }
check "admin@exodrive.com has SEED_PASSWORD" verify "$pw"
unverified() { ! verify "$1"; }
check "and not the development password" unverified exodrive-dev-password
APP_ENV=development "${D[@]}" seed >"$OUT/seed.out" 2>&1
check "APP_ENV=development: seed needs no SEED_PASSWORD" grep -q 'already seeded' "$OUT/seed.out"
mkdir -p "$OUT/elsewhere/bin"
cp "$BIN" "$OUT/elsewhere/bin/exodrive"
"$OUT/elsewhere/bin/exodrive" --config "$VAR/exodrive.env" seed >/dev/null 2>"$OUT/else.err"; rc=$?
if [ -d /usr/local/share/exodrive/sql/seed ]; then
	echo "# skip: an installed /usr/local/share/exodrive/sql/seed exists"
else
	check "outside a tree seed says where it looked and to pass --dir (exit 2)" bash -c \
		"[ $rc = 2 ] && grep -q '$OUT/elsewhere/sql/seed' '$OUT/else.err' && grep -q -- --dir '$OUT/else.err'"
fi

# The services outside development.
J=$(rnd)$(rnd)
check "fcgi refuses to start without JWT_SECRET" bash -c \
	"JWT_SECRET= '$BIN' fcgi --listen '$OUT/nojwt.sock' 2>&1 | grep -q JWT_SECRET && ! test -e '$OUT/nojwt.sock'"
APP_ENV=production quick fcgi fcgi --listen "$OUT/q.sock" --workers 1
check "APP_ENV=production: fcgi with the development stack's PayPal secret exits 2" eq "$RC" 2
check "naming the setting, not its value" bash -c \
	"grep -q PAYPAL_CLIENT_SECRET '$OUT/q.err' && ! grep -q local-secret '$OUT/q.err' && ! test -e '$OUT/q.sock'"
APP_ENV=production PAYPAL_CLIENT_SECRET=$(rnd) JWT_SECRET=CHANGE-ME-to-32-random-characters-or-more \
	quick fcgi fcgi --listen "$OUT/q.sock" --workers 1
check "APP_ENV=production: fcgi with a placeholder JWT_SECRET exits 2, naming it" bash -c \
	"[ $RC = 2 ] && grep -q JWT_SECRET '$OUT/q.err' && ! test -e '$OUT/q.sock'"
APP_ENV=production PAYPAL_CLIENT_SECRET=$(rnd) CRON_SECRET=cron quick fcgi fcgi --listen "$OUT/q.sock"
check "and with a short CRON_SECRET" bash -c "[ $RC = 2 ] && grep -q CRON_SECRET '$OUT/q.err'"
APP_ENV=production PAYPAL_CLIENT_SECRET=$(rnd) WEBHOOK_URLS=https://hooks.example/x quick worker worker
check "APP_ENV=production: worker with WEBHOOK_URLS and no WEBHOOK_SECRET exits 2 at once${LEFT:+ (left: $LEFT)}" bash -c \
	"[ $RC = 2 ] && [ $MS -lt 5000 ] && [ -z '$LEFT' ] && grep -q WEBHOOK_SECRET '$OUT/q.err'"
# With real secrets production serves; a reload to a placeholder is refused.
p=$OUT/prod
cp "$VAR/exodrive.env" "$p.env"
APP_ENV=production PAYPAL_CLIENT_SECRET=$(rnd) JWT_SECRET=$J METRICS_FILE=$p.metrics LOG_FILE=$p.log \
	setsid "$BIN" --config "$p.env" fcgi --listen "$p.sock" --workers 1 \
	--pid-file "$p.pid" </dev/null >/dev/null 2>&1 &
check "APP_ENV=production with random secrets: the master starts" until_ok 50 test -S "$p.sock"
echo "CRON_SECRET=CHANGE-ME-$(rnd)" >> "$p.env"
kill -HUP "$(cat "$p.pid" 2>/dev/null)" 2>/dev/null
refused() { grep -q 'reload refused.*CRON_SECRET' "$p.log"; }
check "a reload (SIGHUP) to a placeholder CRON_SECRET is refused" until_ok 50 refused
check "and the master keeps running" kill -0 "$(cat "$p.pid" 2>/dev/null)"
kill "$(cat "$p.pid" 2>/dev/null)" 2>/dev/null; wait 2>/dev/null

# WARM_ON_START: a master warms the cache from a child while it serves;
# it runs with the stack's own settings (APP_ENV=development and the
# development stack's fixed PayPal secret), so development still starts.
rc() { redis-cli -s "$VAR/run/redis.sock" "$@"; }
before=$(rc GET warm:v1:last | jq -r .startTime)
sock="$OUT/warm.sock"
WARM_ON_START=true METRICS_FILE=$OUT/warm.metrics "$BIN" --config "$VAR/exodrive.env" fcgi --listen "$sock" \
	--workers 1 --pid-file "$OUT/warm.pid" 2>/dev/null &
check "the stack's settings (APP_ENV=development) start a master" until_ok 50 test -S "$sock"
warmed() { a=$(rc GET warm:v1:last | jq -r .startTime); [ -n "$a" ] && [ "$a" != "$before" ]; }
check "a master with WARM_ON_START=true warms the cache at start" until_ok 100 warmed
check "and records its run" eq "$(rc GET warm:v1:last | jq -r .status)" success
kill "$(cat "$OUT/warm.pid")" 2>/dev/null; wait 2>/dev/null
