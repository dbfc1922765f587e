# lib.sh -- shared by the load scripts (sourced): settings, the FastCGI
# ceiling (tests/load/fcgi-hello behind its own lighttpd), wrk figures,
# the identities the load is charged to (rate-limit tiers and overrides),
# and the checks that a run really ran.  Expects the dev stack up
# (./dev bench does that).
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VAR=${DEV_VAR:-$ROOT/var}
BUILD=${DEV_BUILD:-$ROOT}
PORT=${DEV_PORT:-8080}
WORKERS=${DEV_WORKERS:-4}
ROUNDS=${BENCH_ROUNDS:-3}
SECS=${BENCH_SECONDS:-5}
EXODRIVE=${BIN:-$BUILD/app/exodrive}
API=http://127.0.0.1:$PORT
tmp=$(mktemp -d)
hello_pools=()
pids=()
overrides=()
load_cleanup() {
	local n
	for n in "${overrides[@]}"; do
		curl -s -o /dev/null -XDELETE -H "Authorization: Bearer ${ADMIN:-}" -H "X-Forwarded-For: $ADMIN_IP" \
			"$API/api/admin/rate-limit-overrides?kind=${n%%:*}&id=${n#*:}" || true
	done
	for n in "${hello_pools[@]}"; do
		DEV_PORT=${n#*:} DEV_LIGHTTPD_NAME=lighttpd-${n%%:*} "$ROOT/dev" lighttpd-stop || true
		rm -f "$VAR/run/${n%%:*}.sock"
	done
	for p in "${pids[@]}"; do pkill -P "$p" 2>/dev/null || true; kill "$p" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap load_cleanup EXIT

# free_port: a TCP port nobody listens on (for the hello pools; PORT+n
# may belong to another stack).
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# start_hello NAME PORT [headers | file PATH]: a fcgi-hello pool of
# WORKERS processes behind its own lighttpd on PORT.
start_hello() {
	"$BUILD/tests/load/fcgi-hello" "$VAR/run/$1.sock" "$WORKERS" "${@:3}" &
	pids+=($!)
	hello_pools+=("$1:$2")
	for _ in $(seq 50); do [ -S "$VAR/run/$1.sock" ] && break; sleep 0.1; done
	DEV_PORT=$2 DEV_LIGHTTPD_NAME=lighttpd-$1 DEV_FCGI_SOCKET=$VAR/run/$1.sock \
		"$ROOT/dev" lighttpd-start
}

# to_ms "1.23ms" | "450.00us" | "1.02s" -> milliseconds
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /[0-9]s$/ && v !~ /ms$/) n *= 1000; printf "%.3f", n }'; }

# wrk_figures FILE: "rps p50 p95 p99 non2xx errors requests" of a wrk
# --latency run (p95 from the script's done() line "p95 <us>" when there
# is one).
wrk_figures() {
	local rps p50 p95 p99 bad err n
	rps=$(awk '/Requests\/sec/ {print $2}' "$1")
	p50=$(to_ms "$(awk '$1 == "50%" {print $2}' "$1")")
	p99=$(to_ms "$(awk '$1 == "99%" {print $2}' "$1")")
	p95=$(awk '$1 == "p95" {printf "%.3f", $2 / 1000}' "$1")
	bad=$(awk '/Non-2xx/ {print $NF}' "$1")
	err=$(awk '/Socket errors/ {gsub(",",""); print $4+$6+$8+$10}' "$1")
	n=$(awk '/requests in/ {print $1}' "$1")
	echo "${rps:-0} ${p50:-0} ${p95:--} ${p99:-0} ${bad:-0} ${err:-0} ${n:-0}"
}

# --- a run that did not really run fails -----------------------------
# fail MESSAGE: recorded; the script reports every failure at its end and
# exits non-zero (load_failed).
: > "$tmp/failures"
fail() { echo "$1" >> "$tmp/failures"; echo "FAILED: $1" >&2; }
load_failed() {	# prints the failures as comment lines; true when there were any
	[ -s "$tmp/failures" ] || return 1
	sed 's/^/# FAILED: /' "$tmp/failures"
}

# wrk_ran LABEL RC FILE [lua]: the run exited 0 and made requests; with
# "lua", its script's done() ran to the end and counted no Lua error
# (tally.lua).  Otherwise records a failure and returns 1.
wrk_ran() {
	local n e
	n=$(awk '/requests in/ {print $1}' "$3")
	if [ "$2" != 0 ]; then fail "$1: wrk exited $2: $(grep -v '^ ' "$3" | tail -3 | paste -sd' ')"; return 1; fi
	if [ "${n:-0}" -eq 0 ]; then fail "$1: no request completed"; return 1; fi
	[ "${4:-}" = lua ] || return 0
	if ! grep -q '^tally done$' "$3"; then fail "$1: the script's done() did not finish: $(grep -iv '^ \|^status\|^p95' "$3" | tail -3 | paste -sd' ')"; return 1; fi
	e=$(awk '$1 == "lua_errors" { print $2 }' "$3")
	if [ "${e:-1}" != 0 ]; then fail "$1: $e Lua errors: $(sed -n 's/^lua_errors [0-9]* //p' "$3")"; return 1; fi
	return 0
}

# --- identities and rate-limit tiers -----------------------------------
# Loopback is a trusted proxy (TRUSTED_PROXIES), so the load presents its
# own client addresses in X-Forwarded-For; nothing is exempt.
ADMIN_IP=198.51.100.1	# the bench's own admin calls and registrations
BENCH_IP=198.51.100.2	# its few other requests (warming, probes), with an override

# tier_rate TIER: "limit seconds" of a tier as this stack is configured.
tier_rate() {
	"$EXODRIVE" --config "$VAR/exodrive.env" config |
		sed -n "s|^RATE_LIMIT_$(echo "$1" | tr a-z A-Z)=\([0-9]*\)/\([0-9]*\)\$|\1 \2|p"
}

# rl_factor TIER RPS: the override factor that lifts an identity's TIER
# limit to RPS requests a second sustained (and as many in a burst as the
# tier's window holds), capped at the API's maximum, 100000.
rl_factor() {
	local l s
	read -r l s < <(tier_rate "$1")
	[ -n "$l" ] || { fail "no RATE_LIMIT_$1 in the configuration"; echo 1; return; }
	awk -v l="$l" -v s="$s" -v r="$2" 'BEGIN { f = int(r * s / l) + 1; print (f > 100000 ? 100000 : f) }'
}

# own_user NAME [admin]: "token user-id" of a user of the run's own,
# registered from ADMIN_IP (and made an admin in PostgreSQL, as an
# operator would), so the per-user tiers it spends are nobody else's and
# no shared account's login allowance is used up.
own_user() {
	local body id
	body=$(curl -s -XPOST "$API/api/auth/register" -H 'Content-Type: application/json' \
		-H "X-Forwarded-For: $ADMIN_IP" \
		-d "{\"email\":\"load-$1-$$-$RANDOM@example.com\",\"password\":\"load-bench-passw0rd\",\"firstName\":\"Load\"}")
	id=$(jq -r .user.id <<<"$body" 2>/dev/null)
	if [ "${2:-}" = admin ] && [ "${id:-null}" != null ]; then
		psql -h "$VAR/pg/sock" -U exodrive -d exodrive -XAtqc \
			"update profiles set role = 'admin' where id = '$id'" >/dev/null
	fi
	jq -r '"\(.accessToken) \(.user.id)"' <<<"$body" 2>/dev/null || echo "null null"
}

# rl_override KIND ID FACTOR TTL: an admin's override (needs $ADMIN), lifted
# again when the script exits.
rl_override() {
	local st
	st=$(curl -s -o "$tmp/ovr" -w '%{http_code}' -XPUT "$API/api/admin/rate-limit-overrides" \
		-H "Authorization: Bearer $ADMIN" -H "X-Forwarded-For: $ADMIN_IP" -H 'Content-Type: application/json' \
		-d "{\"kind\":\"$1\",\"id\":\"$2\",\"factor\":$3,\"ttlSeconds\":$4}")
	[ "$st" = 200 ] || { fail "rate-limit override $1 $2 x$3: $st $(cat "$tmp/ovr")"; return 1; }
	overrides+=("$1:$2")
}

# rl_counts: "allowed denied" per tier from the service's metrics, one
# "tier allowed denied" line each.
rl_counts() {
	curl -s "$API/metrics" | sed -n 's/^exodrive_rate_limit_total{tier="\([a-z]*\)",decision="\([a-z]*\)"} \([0-9]*\)$/\1 \2 \3/p' |
		awk '{ v[$1, $2] = $3; t[$1] = 1 } END { for (k in t) print k, v[k, "allowed"] + 0, v[k, "denied"] + 0 }' | sort
}

median() {	# median COLUMN FILE
	cut -d' ' -f"$1" "$2" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a ? b / a : 0 }'; }

# record_answer URL FILE: our answer to GET URL as a CGI response for
# fcgi-hello's file mode (Status line, our headers, the body).
record_answer() {
	curl -s -H "X-Forwarded-For: $BENCH_IP" -D "$2.h" -o "$2.b" "$1"
	python3 - "$2" <<'PY'
import sys
f = sys.argv[1]
lines = open(f + ".h", "rb").read().split(b"\r\n")
skip = (b"date:", b"server:", b"connection:", b"keep-alive:", b"transfer-encoding:", b"accept-ranges:")
out = [b"Status: " + lines[0].split(b" ", 1)[1]]
out += [l for l in lines[1:] if l and not l.lower().startswith(skip)]
open(f, "wb").write(b"\r\n".join(out) + b"\r\n\r\n" + open(f + ".b", "rb").read())
PY
}
