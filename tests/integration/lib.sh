# lib.sh -- helpers for the integration tests (sourced).
#
# Environment: BASE (server URL), SERVER (lighttpd|apache), VAR, DEV, BIN.
# Each check prints "ok - ..." or "not ok - ..."; run counts them.

OUT=$(mktemp -d)
trap 'lib_keep_sanitizer_reports; rm -rf "$OUT"' EXIT

# What a sanitizer report looks like: "==PID==ERROR: AddressSanitizer: ..."
# (or LeakSanitizer), "file.c:LINE:COL: runtime error: ..." (UBSan).
SANITIZER_REPORT='==[0-9]+==ERROR: (AddressSanitizer|LeakSanitizer)|[[:alnum:]_.]+\.[ch]:[0-9]+:[0-9]+: runtime error:'

# Sanitizer reports written under $OUT (private pools, installed masters,
# command-line runs) are copied to $VAR/log/san before $OUT goes, where
# ./dev test scans them.
lib_keep_sanitizer_reports() {
	local f
	grep -rlE "$SANITIZER_REPORT" "$OUT" 2>/dev/null |
	while IFS= read -r f; do
		mkdir -p "$VAR/log/san"
		cp "$f" "$VAR/log/san/$(basename "$0" .sh).$(basename "$f").$$"
	done
}

# The client this script is: loopback is rate limited like any client, so
# each script presents an address of its own (X-Forwarded-For; loopback is
# a trusted proxy) and is charged apart from the scripts before it.
# 10.<server>.<script number>.<run>; CLIENT_IP overrides.
SCRIPT_NO=$(basename "$0" | sed -n 's/^test-\([0-9][0-9]*\).*/\1/p')
SCRIPT_NO=$((10#${SCRIPT_NO:-0}))
lib_client_ip() {
	local s
	case ${SERVER:-} in lighttpd) s=1 ;; apache) s=2 ;; *) s=3 ;; esac
	echo "10.$s.$SCRIPT_NO.$(($$ % 250 + 1))"
}
CLIENT_IP=${CLIENT_IP:-$(lib_client_ip)}
XFF=(-H "X-Forwarded-For: $CLIENT_IP")

# other_ip: another client of this script's own, a new one each call (also
# from a subshell; not from parallel ones): 10.<50 x server + n / 250>.
# <100 + script number>.<1 + n % 250>, addresses no other script uses, so
# no script meets a tier another has spent.
other_ip() {
	local n c
	n=$(cat "$OUT/.other_ip" 2>/dev/null || echo 0)
	echo $((n + 1)) > "$OUT/.other_ip"
	c=${CLIENT_IP#*.}; c=${c%%.*}
	echo "10.$((50 * c + n / 250)).$((100 + SCRIPT_NO)).$((1 + n % 250))"
}

# Every curl of a script to the API under test ($BASE) is sent as
# $CLIENT_IP, unless it names an X-Forwarded-For of its own or FROM=loopback
# is set (for what only loopback may see, such as /metrics).
curl() {
	local a api=0
	for a in "$@"; do
		case $a in
		*X-Forwarded-For:*) command curl "$@"; return ;;
		"$BASE"/*)	api=1 ;;
		esac
	done
	if [ "$api" = 1 ] && [ "${FROM:-}" != loopback ]; then
		command curl "${XFF[@]}" "$@"
	else
		command curl "$@"
	fi
}

ok()   { printf 'ok - [%s] %s\n' "$SERVER" "$1"; }
nok()  { printf 'not ok - [%s] %s\n' "$SERVER" "$1"; [ -n "${2:-}" ] && printf '#   %s\n' "$2"; return 0; }

# check DESCRIPTION COMMAND...: ok when the command succeeds.
check() {
	local d=$1; shift
	if "$@"; then ok "$d"; else nok "$d" "failed: $*"; fi
}

# req METHOD PATH [curl args...]: fills $STATUS, $OUT/body, $OUT/headers
# (sent as $CLIENT_IP: see curl above).
# Every JSON answer is also recorded in $VAR/responses.jsonl, which the
# contract test checks against the OpenAPI document, and, as its bytes
# came ("METHOD PATH STATUS<TAB>body"), in $VAR/responses.raw, which
# numbers.py scans for float noise (jq would rewrite the numbers).
req() {
	local m=$1 p=$2; shift 2
	STATUS=$(curl -s -o "$OUT/body" -D "$OUT/headers" -w '%{http_code}' \
		--max-time 30 -X "$m" "$@" "$BASE$p") || STATUS=000
	if hdr Content-Type | grep -q '^application/json' && [ -s "$OUT/body" ]; then
		jq -c --arg m "$m" --arg p "${p%%\?*}" --arg s "$STATUS" \
			'{method: $m, path: $p, status: ($s | tonumber), body: .}' \
			< "$OUT/body" >> "$VAR/responses.jsonl" 2>/dev/null || true
		{ printf '%s %s %s\t' "$m" "${p%%\?*}" "$STATUS"; tr -d '\n' < "$OUT/body"; echo; } \
			>> "$VAR/responses.raw" 2>/dev/null || true
	fi
}

# hdr NAME: the value of response header NAME (case-insensitive).
hdr() { grep -i "^$1:" "$OUT/headers" | head -1 | cut -d' ' -f2- | tr -d '\r'; }

# js FILTER: jq over the last body.
js() { jq -r "$1" < "$OUT/body" 2>/dev/null; }

eq() { [ "$1" = "$2" ] || { echo "#   expected '$2', got '$1'" >&2; return 1; }; }

only_on() {	# only_on lighttpd: skip the rest of the file on other servers
	[ "$SERVER" = "$1" ] || { echo "# skip ($SERVER): needs $1"; exit 0; }
}

master_pid() { cat "$VAR/run/exodrive.pid"; }
responders() { pgrep -P "$(master_pid)" | sort; }
pool_is() { [ "$(responders | wc -l)" -eq "$1" ]; }	# for until_ok

# wrk_run SECONDS CONNECTIONS PATH: run wrk as $CLIENT_IP (see
# own_allowance); sets WRK_NON2XX, WRK_ERRORS, WRK_RPS.
wrk_run() {
	wrk -t2 -c"$2" -d"$1"s --timeout 10s "${XFF[@]}" "$BASE$3" > "$OUT/wrk" 2>&1
	WRK_NON2XX=$(awk '/Non-2xx/ {print $NF}' "$OUT/wrk"); WRK_NON2XX=${WRK_NON2XX:-0}
	WRK_ERRORS=$(awk '/Socket errors/ {gsub(",",""); print $4+$6+$8+$10}' "$OUT/wrk")
	WRK_ERRORS=${WRK_ERRORS:-0}
	WRK_RPS=$(awk '/Requests\/sec/ {print $2}' "$OUT/wrk")
}


# own_admin: an admin of this script's own (registered as $CLIENT_IP,
# promoted in PostgreSQL as an operator would), so the per-user tiers it
# spends are nobody else's.  Sets OWN_ADMIN (its bearer token) and
# OWN_ADMIN_ID.
own_admin() {
	local email="admin-$(basename "$0" .sh)-$SERVER-$$-$RANDOM@example.com" body
	body=$(curl -s -XPOST "$BASE/api/auth/register" -H 'Content-Type: application/json' \
		-d "{\"email\":\"$email\",\"password\":\"own-admin-passw0rd\",\"firstName\":\"Test\"}")
	OWN_ADMIN_ID=$(jq -r .user.id <<<"$body")
	OWN_ADMIN=$(jq -r .accessToken <<<"$body")
	psql -h "$VAR/pg/sock" -U exodrive -d exodrive -XAtqc \
		"update profiles set role = 'admin' where id = '$OWN_ADMIN_ID'" >/dev/null
}

# allowance KIND ID FACTOR [SECONDS]: a rate-limit override (KIND ip or
# user) multiplying the tiers' limits by FACTOR (0: unlimited) for SECONDS
# (default 600), set through the admin API as an operator would.  For
# scripts that send more than one client's share; the others live within
# the tiers.
allowance() {
	local code
	[ -n "${OWN_ADMIN:-}" ] || own_admin
	code=$(curl -s -o /dev/null -w '%{http_code}' -XPUT "$BASE/api/admin/rate-limit-overrides" \
		-H "Authorization: Bearer $OWN_ADMIN" -H 'Content-Type: application/json' \
		-d "{\"kind\":\"$1\",\"id\":\"$2\",\"factor\":$3,\"ttlSeconds\":${4:-600}}")
	[ "$code" = 200 ] || { echo "# allowance $1 $2: the override was refused ($code)" >&2; return 1; }
}
own_allowance() { allowance ip "$CLIENT_IP" "$@"; }

# redis_start: start the stack's Redis again and return once it answers
# and every responder's circuit breaker has let a call through again
# (REDIS_BREAKER_OPEN, 1 s here), so what follows meets a whole stack.
redis_start() {
	"$DEV" redis-start
	until_ok 100 redis-cli -s "$VAR/run/redis.sock" ping >/dev/null
	sleep 1.2
}

# until_s SECONDS COMMAND...: retry (every 0.2 s) until the command
# succeeds or SECONDS of wall time have passed, however long each try takes.
until_s() {
	local end=$(( $(date +%s) + $1 )); shift
	until "$@"; do [ "$(date +%s)" -lt "$end" ] || return 1; sleep 0.2; done
}

# until_ok TENTHS COMMAND...: retry until the command succeeds.
until_ok() {
	local n=$1; shift
	while [ "$n" -gt 0 ]; do "$@" && return 0; sleep 0.1; n=$((n - 1)); done
	return 1
}

# private_pool PORT: a master of our own (2 responders, the settings of
# $VAR/exodrive.env overridden by the caller's environment) behind a bare
# lighttpd on PORT, for tests that need other settings than the shared
# stack.  Sets I to its URL; private_pool_stop ends both.
private_pool() {
	mkdir -p "$OUT/www"
	METRICS_FILE=$OUT/metrics LOG_FILE=$OUT/exodrive.log \
		setsid "$BIN" --config "$VAR/exodrive.env" fcgi --listen "$OUT/fcgi.sock" --workers 2 \
		--socket-mode 0666 --pid-file "$OUT/master.pid" </dev/null >/dev/null 2>&1 &
	until_ok 50 test -S "$OUT/fcgi.sock"
	cat > "$OUT/lighttpd.conf" <<CONF
server.modules = ( "mod_fastcgi" )
server.document-root = "$OUT/www"
server.bind = "127.0.0.1"
server.port = $1
server.pid-file = "$OUT/lighttpd.pid"
server.errorlog = "$OUT/lighttpd.err"
fastcgi.server = ( "/" => (( "socket" => "$OUT/fcgi.sock", "check-local" => "disable" )) )
CONF
	lighttpd -f "$OUT/lighttpd.conf"
	I=http://127.0.0.1:$1
}
private_pool_stop() { kill "$(cat "$OUT/lighttpd.pid")" "$(cat "$OUT/master.pid")" 2>/dev/null; }
