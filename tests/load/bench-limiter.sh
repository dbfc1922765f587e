#!/usr/bin/env bash
# bench-limiter.sh -- the rate limiter's two stores and the booking lock
# under load (run by bench.sh, or alone against a stack that is up).
#
# (a) the bare libfcgi responder (the ceiling), (g) cached GET /api/cars
# and (g2) GET /api/cars/{id} through our stack, the public tier charged on the local store (the
# stack's default here: its Redis is a unix socket), and (g') the same
# through a second master of the same build and settings but
# RATE_LIMIT_STORE=redis, behind its own lighttpd, with as many
# responders.  The three alternate, ROUNDS rounds of SECS seconds at 100
# connections (10 too); medians and ratios to the ceiling of the same run.
# Every request is charged to one address of the bench's own with an
# admin's override lifting its limit above the load: the override is read
# on every decision (the local store reads its copy in the host's table,
# the redis store reads it in its script), so the work is the limiter's
# full work.
#
# (h) booking creation, WRITERS concurrent writers (default 10), each on a
# car of its own at any moment, BOOKINGS_PER_WRITER each: every one a real
# 201 through the per-car lock; p50/p99 of curl's time_total.
#
# Also reported: Redis commands per cached read on the local store (INFO
# commandstats before and after a run of the (g) row alone).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
OUTFILE=${BENCH_LIMITER_OUT:-$ROOT/tests/load/results-limiter.txt}
command -v wrk >/dev/null || { echo "bench: wrk is not installed" >&2; exit 1; }
HELLO_PORT=$(free_port); start_hello hello "$HELLO_PORT"

# The second master, on the redis store.
RPORT=$(free_port)
rm -f "$VAR/run/rlredis.sock"
RATE_LIMIT_STORE=redis setsid "$EXODRIVE" --config "$VAR/exodrive.env" fcgi \
	--listen "$VAR/run/rlredis.sock" --workers "$WORKERS" --socket-mode 0666 \
	--pid-file "$VAR/run/rlredis.pid" </dev/null >>"$VAR/log/rlredis.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do [ -S "$VAR/run/rlredis.sock" ] && break; sleep 0.1; done
hello_pools+=("rlredis:$RPORT")
DEV_PORT=$RPORT DEV_LIGHTTPD_NAME=lighttpd-rlredis DEV_FCGI_SOCKET=$VAR/run/rlredis.sock \
	"$ROOT/dev" lighttpd-start
RAPI=http://127.0.0.1:$RPORT
store_of() {
	curl -s "$1/metrics" | awk '/^exodrive_rate_limit_store\{/ && $NF == 1 {sub(/.*store="/, ""); sub(/".*/, ""); print}'
}
[ "$(store_of "$API")" = local ] || fail "the stack is not on the local store ($(store_of "$API"))"
[ "$(store_of "$RAPI")" = redis ] || fail "the second master is not on the redis store ($(store_of "$RAPI"))"

read -r ADMIN _ < <(own_user admin admin)
[ "${ADMIN:-null}" != null ] || { echo "bench: could not register the run's admin" >&2; exit 1; }
PUBLIC_IP=198.51.100.30
BOOKING_IP=198.51.100.31
TTL=$((ROUNDS * 8 * (SECS + 5) + 900))
rl_override ip "$PUBLIC_IP" "$(rl_factor public 50000)" "$TTL"
rl_override ip "$BOOKING_IP" "$(rl_factor booking 50000)" "$TTL"
XP=(-H "X-Forwarded-For: $PUBLIC_IP")
CAR=$(psql -h "$VAR/pg/sock" -U exodrive -d exodrive -XAtc "select id from cars where name like 'Bench Car %' order by name limit 1")
curl -s -o /dev/null "${XP[@]}" "$API/api/cars"	# cached
curl -s -o /dev/null "${XP[@]}" "$API/api/cars/$CAR"
curl -s -o /dev/null "${XP[@]}" "$RAPI/api/cars"

# run NAME URL CONNS: one wrk run; appends "rps p50 p99 non2xx errors".
run() {
	local rc=0 f
	wrk -t2 -c"$3" -d"${SECS}s" --latency "${@:4}" "$2" > "$tmp/out" 2>&1 || rc=$?
	wrk_ran "$1 at $3 connections" "$rc" "$tmp/out" || return 0
	read -r -a f <<< "$(wrk_figures "$tmp/out")"
	echo "${f[0]} ${f[1]} ${f[3]} ${f[4]} ${f[5]}" >> "$tmp/$1-$3"
	[ "${f[4]}" = 0 ] && [ "${f[5]}" = 0 ] || fail "$1 at $3 connections: ${f[4]} non-2xx, ${f[5]} socket errors"
}
rel() {	# rel COLUMN A B CONNS
	[ -s "$tmp/$2-$4" ] && [ -s "$tmp/$3-$4" ] || { echo -; return; }
	ratio "$(median "$1" "$tmp/$2-$4")" "$(median "$1" "$tmp/$3-$4")"
}
for c in 10 100; do
	for r in $(seq "$ROUNDS"); do
		run hello "http://127.0.0.1:$HELLO_PORT/api/health" "$c"
		run local "$API/api/cars" "$c" "${XP[@]}"
		run localcar "$API/api/cars/$CAR" "$c" "${XP[@]}"
		run redis "$RAPI/api/cars" "$c" "${XP[@]}"
	done
done

# (i) Where the time goes: CPU (user + system) per request of each process
# of the path, over one more run of each row at 100 connections (from
# /proc/PID/stat; wrk itself is not counted).
ticks() {	# ticks PID...: their utime + stime, in clock ticks
	local p t=0 v
	for p in "$@"; do
		v=$(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null) || continue
		t=$((t + ${v:-0}))
	done
	echo "$t"
}
kids() { pgrep -P "$1" | tr '\n' ' '; }
HZ=$(getconf CLK_TCK)
split() {	# split NAME URL LIGHTTPD-PID "RESPONDER-PIDS" [wrk args]: one line
	local l0 r0 d0 l1 r1 d1 n
	l0=$(ticks "$3"); r0=$(ticks $4); d0=$(ticks "$(cat "$VAR/run/redis.pid")")
	wrk -t2 -c100 -d"${SECS}s" "${@:5}" "$2" > "$tmp/split" 2>&1 || true
	l1=$(ticks "$3"); r1=$(ticks $4); d1=$(ticks "$(cat "$VAR/run/redis.pid")")
	n=$(awk '/requests in/ {print $1}' "$tmp/split")
	awk -v name="$1" -v n="${n:-0}" -v hz="$HZ" -v l=$((l1 - l0)) -v r=$((r1 - r0)) -v d=$((d1 - d0)) 'BEGIN {
		u = n ? 1e6 / hz / n : 0
		printf "%-30s %8d req  lighttpd %5.1f us  responders %5.1f us  redis %5.1f us  (per request)\n",
		    name, n, l * u, r * u, d * u }' >> "$tmp/splits"
}
: > "$tmp/splits"
split "(a) fcgi-hello ceiling" "http://127.0.0.1:$HELLO_PORT/api/health" \
	"$(cat "$VAR/run/lighttpd-hello.pid")" "$(pgrep -f "fcgi-hello $VAR/run/hello.sock" | tr '\n' ' ')"
split "(g) cached, local store" "$API/api/cars" "$(cat "$VAR/run/lighttpd.pid")" \
	"$(kids "$(cat "$VAR/run/exodrive.pid")")" "${XP[@]}"
split "(g') cached, redis store" "$RAPI/api/cars" "$(cat "$VAR/run/lighttpd-rlredis.pid")" \
	"$(kids "$(cat "$VAR/run/rlredis.pid")")" "${XP[@]}"

# Redis commands per cached read on the local store.
cmds() { redis-cli -s "$VAR/run/redis.sock" info commandstats |
	awk -F'[=,:]' '/^cmdstat_/ {n += $3} END {print n + 0}'; }
c0=$(cmds)
wrk -t2 -c100 -d"${SECS}s" "${XP[@]}" "$API/api/cars" > "$tmp/cmds" 2>&1 || true
c1=$(cmds)
nreq=$(awk '/requests in/ {print $1}' "$tmp/cmds")

# (j) Memory: RSS per responder once every first level is full.  200
# distinct fleet lists of up to 100 cars (about 50 kB each, 10 MB in all)
# read 8 times each land on every responder; the evictions counted in
# /metrics say the caches reached their bound (L1_MAX_BYTES).
l1_evict() { curl -s "$API/metrics" | awk '/^exodrive_l1_total\{outcome="evict"\}/ {print $NF}'; }
e0=$(l1_evict)
for k in $(seq 1 200); do
	args=()
	for r in 1 2 3 4 5 6 7 8; do args+=(--next -s -o /dev/null "${XP[@]}" "$API/api/cars?limit=100&minPrice=$k"); done
	curl "${args[@]:1}"
done
e1=$(l1_evict)
rss=$(for p in $(kids "$(cat "$VAR/run/exodrive.pid")"); do awk '/^VmRSS/ {print $2}' "/proc/$p/status"; done | sort -n | paste -sd' ')

# (h) Booking creation, WRITERS at once on distinct cars.
WRITERS=${BENCH_WRITERS:-10}
PER=${BENCH_BOOKINGS_PER_WRITER:-30}
mapfile -t BENCH_CARS < <(psql -h "$VAR/pg/sock" -U exodrive -d exodrive -XAtc \
	"select id from cars where name like 'Bench Car %' order by name limit 100")
BASE_DAY=$((400 + RANDOM % 200))
: > "$tmp/book"
if [ "${#BENCH_CARS[@]}" -ge $((WRITERS * 10)) ]; then
	writer() {
		local w=$1 j car first s e
		for j in $(seq 0 $((PER - 1))); do
			car=${BENCH_CARS[$((w * 10 + j % 10))]}
			first=$((BASE_DAY + (j / 10) * 4))
			s=$(date -u -d "+$first days" +%F); e=$(date -u -d "+$((first + 3)) days" +%F)	# 3 days: every bench car's minimum
			curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -XPOST -H "X-Forwarded-For: $BOOKING_IP" \
				"$API/api/bookings" -H 'Content-Type: application/json' \
				-d "{\"carId\":\"$car\",\"startDate\":\"$s\",\"endDate\":\"$e\",\"customerDetails\":{\"fullName\":\"Bench Writer\",\"email\":\"writer$w-$j@example.com\"}}"
		done > "$tmp/book.$w"
	}
	wp=()
	for w in $(seq 0 $((WRITERS - 1))); do writer "$w" & wp+=($!); done
	wait "${wp[@]}"
	cat "$tmp"/book.* > "$tmp/book"
	bad=$(awk '$1 != 201' "$tmp/book" | wc -l)
	[ "$bad" = 0 ] || fail "POST /api/bookings: $bad not 201 ($(awk '$1 != 201 {print $1}' "$tmp/book" | sort | uniq -c | paste -sd' '))"
else
	fail "bookings: fewer than $((WRITERS * 10)) bench cars (./dev bench seeds them)"
fi

{
	echo "# limiter $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) cores; $WORKERS responders per master;" \
		"wrk -t2 ${SECS}s x $ROUNDS rounds alternating, medians"
	echo "# tier = the tier the row charges (one address with an admin's override); store = where it is decided"
	printf '%-36s %-8s %-6s %6s %10s %9s %9s %7s\n' target tier store conns req/s p50_ms p99_ms non2xx
	for c in 10 100; do
		for n in hello local localcar redis; do
			case $n in
			hello) label="(a) fcgi-hello ceiling" tier=none store=- ;;
			local) label="(g) GET /api/cars (cached)" tier=public store=local ;;
			localcar) label="(g2) GET /api/cars/{id} (cached)" tier=public store=local ;;
			redis) label="(g') GET /api/cars (cached)" tier=public store=redis ;;
			esac
			[ -s "$tmp/$n-$c" ] || { printf '%-36s %-8s %-6s %6s  did not run\n' "$label" "$tier" "$store" "$c"; continue; }
			printf '%-36s %-8s %-6s %6s %10s %9s %9s %7s\n' "$label" "$tier" "$store" "$c" \
				"$(median 1 "$tmp/$n-$c")" "$(median 2 "$tmp/$n-$c")" \
				"$(median 3 "$tmp/$n-$c")" "$(median 4 "$tmp/$n-$c")"
		done
		printf 'at %s connections: local store g/a %s (p99 / ceiling p99 %s), car details g2/a %s (p99 / ceiling p99 %s), redis store g'"'"'/a %s (p99 / ceiling p99 %s)\n' \
			"$c" "$(rel 1 hello local "$c")" "$(rel 3 hello local "$c")" \
			"$(rel 1 hello localcar "$c")" "$(rel 3 hello localcar "$c")" \
			"$(rel 1 hello redis "$c")" "$(rel 3 hello redis "$c")"
	done
	echo "(i) CPU per request by process, one more run of each at 100 connections:"
	cat "$tmp/splits"
	printf 'Redis commands per cached read on the local store: %s (%s commands for %s requests, every Redis client of the stack counted)\n' \
		"$(awk -v a="$c0" -v b="$c1" -v n="${nreq:-0}" 'BEGIN { printf "%.4f", n ? (b - a) / n : 0 }')" "$((c1 - c0))" "${nreq:-0}"
	printf '(j) RSS per responder with a full first level (L1_MAX_BYTES %s; %s evictions while filling): %s kB\n' \
		"$(awk -F= '$1 == "L1_MAX_BYTES" {print $2}' "$VAR/exodrive.env" | tail -1 | grep . || echo 4194304)" \
		"$(( ${e1:-0} - ${e0:-0} ))" "$rss"
	if [ -s "$tmp/book" ]; then
		sort -k2 -g "$tmp/book" | awk -v w="$WRITERS" '{ t[NR] = $2 * 1000; if ($1 == 201) ok++ }
			END { printf "(h) POST /api/bookings, %d writers at once on distinct cars (booking tier, local store): %d requests, %d x 201, p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
			      w, NR, ok, t[int(NR * 0.5 + 0.5)], t[int(NR * 0.99 + 0.5)], t[NR] }'
	fi
	load_failed || true
} | tee "$OUTFILE"
if load_failed >/dev/null; then echo "bench-limiter: $(wc -l < "$tmp/failures") failures (above)" >&2; exit 1; fi
