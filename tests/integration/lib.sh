# lib.sh -- helpers for the integration tests (sourced).
#
# Environment: BASE (server URL), SERVER (lighttpd|apache), VAR, DEV, BIN.
# Each check prints "ok - ..." or "not ok - ..."; run counts them.

OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

ok()   { printf 'ok - [%s] %s\n' "$SERVER" "$1"; }
nok()  { printf 'not ok - [%s] %s\n' "$SERVER" "$1"; [ -n "${2:-}" ] && printf '#   %s\n' "$2"; return 0; }

# check DESCRIPTION COMMAND...: ok when the command succeeds.
check() {
	local d=$1; shift
	if "$@"; then ok "$d"; else nok "$d" "failed: $*"; fi
}

# req METHOD PATH [curl args...]: fills $STATUS, $OUT/body, $OUT/headers.
# Every JSON answer is also recorded in $VAR/responses.jsonl, which the
# contract test checks against the OpenAPI document.
req() {
	local m=$1 p=$2; shift 2
	STATUS=$(curl -s -o "$OUT/body" -D "$OUT/headers" -w '%{http_code}' \
		--max-time 30 -X "$m" "$@" "$BASE$p") || STATUS=000
	if hdr Content-Type | grep -q '^application/json' && [ -s "$OUT/body" ]; then
		jq -c --arg m "$m" --arg p "${p%%\?*}" --arg s "$STATUS" \
			'{method: $m, path: $p, status: ($s | tonumber), body: .}' \
			< "$OUT/body" >> "$VAR/responses.jsonl" 2>/dev/null || true
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

# wrk_run SECONDS CONNECTIONS PATH: run wrk; sets WRK_NON2XX, WRK_ERRORS, WRK_RPS.
wrk_run() {
	wrk -t2 -c"$2" -d"$1"s --timeout 10s "$BASE$3" > "$OUT/wrk" 2>&1
	WRK_NON2XX=$(awk '/Non-2xx/ {print $NF}' "$OUT/wrk"); WRK_NON2XX=${WRK_NON2XX:-0}
	WRK_ERRORS=$(awk '/Socket errors/ {gsub(",",""); print $4+$6+$8+$10}' "$OUT/wrk")
	WRK_ERRORS=${WRK_ERRORS:-0}
	WRK_RPS=$(awk '/Requests\/sec/ {print $2}' "$OUT/wrk")
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
