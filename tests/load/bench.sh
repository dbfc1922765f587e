#!/usr/bin/env bash
# bench.sh -- the FastCGI ceiling versus our routes, cache hit rate and
# database statements per request.
#
# (a) tests/load/fcgi-hello (a bare libfcgi responder, same number of
#     processes) behind the same lighttpd config, (a') the same responder
#     sending a copy of our answer (our header set), and (b) our stack
#     (lighttpd -> exodrive master -> responders).  wrk at 10 and 100
#     connections, ROUNDS rounds alternating a and b; medians are reported
#     with the ratio b/a.  Expects the dev stack up (./dev bench does that).
#
# Rate limits are on, as in production; nothing is exempt.  Each row says
# the tier it charges (tier column): none (the bare ceiling, and routes
# without a tier such as /api/health), public (every read, the headline
# rows; an admin's uncached read of a public route charges the public tier
# too), booking (the sequential bookings).  Whom it is charged to: each row
# runs from one client address of the bench's own, sent as X-Forwarded-For
# with wrk -H (loopback is a trusted proxy), so no Lua script runs in the
# measured path and the ceiling rows and ours compare like for like.  An
# admin's override (PUT /api/admin/rate-limit-overrides) gives that
# address a factor that lifts the tier's limit above the offered load
# (rl_factor: 50000 requests a second
# sustained, or the API's maximum factor for the booking tier, still a
# burst of 10^6 and more).  The override changes the limit, not the work:
# every request still runs the limiter's script in Redis, pipelined with
# the cache read.  The overrides are lifted when the bench ends.
#
# A row fails the bench (non-zero exit, the reasons at the end of the
# results) when wrk failed or completed no request, when its requests
# were not charged to its tier (the service's exodrive_rate_limit_total
# counters before and after) or a row of tier none was charged, and on
# any non-2xx answer (a 429 included) or socket error; except row (c''),
# which is about limiting: one address at the tier's own limit, where the
# 429s are the point.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
OUTFILE=${BENCH_OUT:-$ROOT/tests/load/results-baseline.txt}
command -v wrk >/dev/null || { echo "bench: wrk is not installed" >&2; exit 1; }
HELLO_PORT=$(free_port); start_hello hello "$HELLO_PORT"
HDRS_PORT=$(free_port); start_hello hdrs "$HDRS_PORT" headers

read -r ADMIN _ < <(own_user admin admin)
[ "${ADMIN:-null}" != null ] || { echo "bench: could not register the run's admin" >&2; exit 1; }
PUBLIC_IP=198.51.100.20	# rows (b), (c), (c'), (d), (e): an override
LIMITED_IP=203.0.113.$((RANDOM % 250 + 1))	# row (c''): no override, the tier's own limit
BOOKING_IP=198.51.100.22	# the sequential bookings: an override
TTL=$((ROUNDS * 16 * (SECS + 5) + 900))
F_PUBLIC=$(rl_factor public 50000)
F_BOOKING=$(rl_factor booking 50000)
set_overrides() {	# again after the bench flushes Redis for a cold cache
	overrides=()
	rl_override ip "$PUBLIC_IP" "$F_PUBLIC" "$TTL"
	rl_override ip "$BENCH_IP" "$F_PUBLIC" "$TTL"
	rl_override ip "$BOOKING_IP" "$F_BOOKING" "$TTL"
}
set_overrides

# rel COLUMN A B CONNS: the median of B's COLUMN over A's, "-" when
# either did not run.
rel() {
	[ -s "$tmp/$2-$4" ] && [ -s "$tmp/$3-$4" ] || { echo -; return; }
	ratio "$(median "$1" "$tmp/$2-$4")" "$(median "$1" "$tmp/$3-$4")"
}

# charged LABEL TIER REQUESTS NON2XX ERRORS: the rate-limit counters moved
# as the row's tier says ($tmp/rl0 before the row, $tmp/rl1 after).
charged() {
	local d
	d=$(join "$tmp/rl0" "$tmp/rl1" | awk -v t="${2#over:}" '
		{ a = $4 - $2; n = $5 - $3; all += a + n; if ($1 == t) { ta = a; tn = n } }
		END { print all + 0, ta + 0, tn + 0 }')
	set -- "$@" $d	# $6 all tiers, $7 the tier allowed, $8 denied
	case $2 in
	none)	[ "$6" = 0 ] || fail "$1: tier none, but $6 requests were charged to a tier" ;;
	over:*)	[ "$8" -gt 0 ] || fail "$1: one address over the ${2#over:} limit, but none denied"
		[ $(($7 + $8)) -ge "$3" ] || fail "$1: $3 requests, only $(($7 + $8)) charged to the ${2#over:} tier" ;;
	*)	[ $(($7 + $8)) -ge "$3" ] || fail "$1: $3 requests, only $(($7 + $8)) charged to the $2 tier"
		[ "$8" = 0 ] || fail "$1: $8 requests denied by the $2 tier (429)" ;;
	esac
	case $2 in
	over:*)	[ "$5" = 0 ] || fail "$1: $5 socket errors" ;;
	*)	[ "$4" = 0 ] && [ "$5" = 0 ] || fail "$1: $4 non-2xx answers, $5 socket errors" ;;
	esac
}

# run NAME TIER URL CONNS [wrk args]: one checked wrk run; appends
# "rps p50 p99 non2xx" to $tmp/NAME-CONNS.  TIER: ceiling (the bare
# responder, not ours), none, public, or over:public (row c'').
run() {
	local rc=0 f
	[ "$2" = ceiling ] || rl_counts > "$tmp/rl0"
	wrk -t2 -c"$4" -d"${SECS}s" --latency "${@:5}" "$3" > "$tmp/out" 2>&1 || rc=$?
	wrk_ran "$1 at $4 connections" "$rc" "$tmp/out" || return 0
	read -r -a f <<< "$(wrk_figures "$tmp/out")"
	echo "${f[0]} ${f[1]} ${f[3]} ${f[4]}" >> "$tmp/$1-$4"
	[ "$2" = ceiling ] && return 0
	rl_counts > "$tmp/rl1"
	charged "$1 at $4 connections" "$2" "${f[6]}" "${f[4]}" "${f[5]}"
}

XP=(-H "X-Forwarded-For: $PUBLIC_IP")
CAR=$(curl -s -H "X-Forwarded-For: $BENCH_IP" "$API/api/cars/slug/ferrari-296-gtb" | jq -r .car.id)
[ "${CAR:-null}" != null ] || CAR=$(curl -s -H "X-Forwarded-For: $BENCH_IP" "$API/api/cars?limit=1" | jq -r '.cars[0].id')
# (a'') the bare responder sending a recorded copy of our cached fleet list
# answer: what those bytes cost through lighttpd, apart from our code.
FLEET_PORT=$(free_port)
curl -s -o /dev/null -H "X-Forwarded-For: $BENCH_IP" "$API/api/cars"	# cached
record_answer "$API/api/cars" "$tmp/fleet.cgi"
# (c304) the same cached list revalidated: If-None-Match with its ETag,
# answered 304 with no body (still charged to the public tier).
FLEET_TAG=$(curl -s -o /dev/null -D - -H "X-Forwarded-For: $BENCH_IP" "$API/api/cars" |
	tr -d '\r' | sed -n 's/^[Ee][Tt][Aa][Gg]: //p')
[ -n "$FLEET_TAG" ] || fail "GET /api/cars: no ETag to revalidate with"
start_hello fleet "$FLEET_PORT" file "$tmp/fleet.cgi"
for c in 10 100; do
	for r in $(seq "$ROUNDS"); do
		run hello ceiling "http://127.0.0.1:$HELLO_PORT/api/health" "$c"
		run hdrs ceiling "http://127.0.0.1:$HDRS_PORT/api/health" "$c"
		run fleet ceiling "http://127.0.0.1:$FLEET_PORT/api/cars" "$c"
		run health none "$API/api/health" "$c" "${XP[@]}"
		run cars public "$API/api/cars" "$c" "${XP[@]}"
		run cars304 public "$API/api/cars" "$c" "${XP[@]}" -H "If-None-Match: $FLEET_TAG"
		run carsrl over:public "$API/api/cars" "$c" -H "X-Forwarded-For: $LIMITED_IP"
		run carsnc public "$API/api/cars" "$c" "${XP[@]}" -H "Authorization: Bearer $ADMIN" -H 'Cache-Control: no-cache'
		run car public "$API/api/cars/$CAR" "$c" "${XP[@]}"
	done
done

# (e) Hit rate under a skewed workload: car details, the car drawn from a
# Zipf(1) distribution over every visible car, cold cache at the start.
# Then database statements per request, counted by pg_stat_statements,
# with the cache (e) and without it (e', an admin's no-cache bypass).
mapfile -t ZIPF_CARS < <(psql -h "$VAR/pg/sock" -U exodrive -d exodrive -XAtc \
	"select id from cars where not hidden order by random()")
{
	printf 'local cars = {'
	printf '"%s",' "${ZIPF_CARS[@]}"
	cat <<'LUA'
}
local cdf, threads = {}, {}
local sum = 0
for k = 1, #cars do sum = sum + 1 / k; cdf[k] = sum end
for k = 1, #cars do cdf[k] = cdf[k] / sum end
function setup(t) table.insert(threads, t) end
function init(args) hits = 0; total = 0; math.randomseed(os.time() + #threads) end
function request()
	local u, lo, hi = math.random(), 1, #cars
	while lo < hi do
		local mid = math.floor((lo + hi) / 2)
		if cdf[mid] < u then lo = mid + 1 else hi = mid end
	end
	return wrk.format(nil, "/api/cars/" .. cars[lo])
end
function response(status, headers, body)
	total = total + 1
	if headers["X-Cache"] == "HIT" then hits = hits + 1 end
end
function done(summary, latency, requests)
	local h, t = 0, 0
	for _, th in ipairs(threads) do h = h + th:get("hits"); t = t + th:get("total") end
	io.write(string.format("zipf %d %d\n", h, t))
end
LUA
} > "$tmp/zipf.lua"
PGA=(psql -h "$VAR/pg/sock" -U postgres -d exodrive -XAtq)
STATS=0
if "${PGA[@]}" -c "create extension if not exists pg_stat_statements" 2>/dev/null &&
	"${PGA[@]}" -c "select pg_stat_statements_reset()" >/dev/null 2>&1; then
	STATS=1
fi
statements() {	# the application's statements since the last reset
	[ "$STATS" = 1 ] || { echo 0; return; }
	"${PGA[@]}" -c "select coalesce(sum(calls), 0) from pg_stat_statements s
		join pg_roles r on r.oid = s.userid where r.rolname in ('exodrive', 'exodrive_app')"
}
redis-cli -s "$VAR/run/redis.sock" FLUSHDB >/dev/null	# the bench's own Redis: a cold cache
set_overrides
zipf_run() {	# zipf_run NAME TIER [wrk args]: "hits total statements" -> $tmp/NAME
	local rc=0 f
	[ "$STATS" = 1 ] && "${PGA[@]}" -c "select pg_stat_statements_reset()" >/dev/null
	rl_counts > "$tmp/rl0"
	wrk -t2 -c50 -d"${SECS}s" -s "$tmp/zipf.lua" "${@:3}" "$API" > "$tmp/zout" 2>&1 || rc=$?
	echo "0 0 0" > "$tmp/$1"
	wrk_ran "$1 (Zipf)" "$rc" "$tmp/zout" || return 0
	grep -q '^zipf [0-9]* [1-9]' "$tmp/zout" || { fail "$1 (Zipf): its script counted no answer"; return 0; }
	echo "$(awk '/^zipf/ {print $2, $3}' "$tmp/zout") $(statements)" > "$tmp/$1"
	rl_counts > "$tmp/rl1"
	read -r -a f <<< "$(wrk_figures "$tmp/zout")"
	charged "$1 (Zipf)" "$2" "${f[6]}" "${f[4]}" "${f[5]}"
}
zipf_run zipf public "${XP[@]}"
zipf_run zipfnc public "${XP[@]}" -H "Authorization: Bearer $ADMIN" -H 'Cache-Control: no-cache'

# (f) The job queue: no-op jobs, one producer process and one worker
# (concurrency 1), ours (tests/load/queue-probe) against BullMQ 5's Node
# worker (npm, installed here) on the same Redis, alternating, medians.
QN=${BENCH_JOBS:-20000}
BQ_OK=0
if command -v npm >/dev/null && (cd "$tmp" && npm install --no-audit --no-fund --silent bullmq@5 >/dev/null 2>&1); then
	cp "$ROOT/tests/load/bullmq-bench.mjs" "$tmp/"
	BQ_OK=1
fi
for r in $(seq "$ROUNDS"); do
	"$BUILD/tests/load/queue-probe" "$VAR/exodrive.env" bench "$QN" > "$tmp/q" || fail "queue-probe exited $?"
	grep -q '^process_per_s [0-9.]*[1-9]' "$tmp/q" || fail "queue-probe round $r processed no job"
	echo "$(awk '/^enqueue_per_s/ {e=$2} /^process_per_s/ {p=$2} /p50/ {a=$2} /p99/ {b=$2} END {print e, p, a, b}' "$tmp/q")" >> "$tmp/queue-ours"
	if [ "$BQ_OK" = 1 ]; then
		name=bench-$r-$$
		(cd "$tmp" && node bullmq-bench.mjs work "$VAR/run/redis.sock" "$name" "$QN" > "$tmp/bw") &
		bq=$!
		sleep 1
		(cd "$tmp" && node bullmq-bench.mjs produce "$VAR/run/redis.sock" "$name" "$QN" > "$tmp/bp")
		wait "$bq"	# not a bare wait: the hello pools run in the background
		echo "$(awk '/^enqueue_per_s/ {print $2}' "$tmp/bp") $(awk '/^process_per_s/ {p=$2} /p50/ {a=$2} /p99/ {b=$2} END {print p, a, b}' "$tmp/bw")" >> "$tmp/queue-bullmq"
	fi
done

# Booking creation latency: BOOKINGS sequential requests, each for its own
# car and week, so every one is a real 201 (no cache, no conflict); the
# booking tier, charged to BOOKING_IP (an override).
mapfile -t BENCH_CARS < <(psql -h "$VAR/pg/sock" -U exodrive -d exodrive -XAtc \
	"select id from cars where name like 'Bench Car %' order by name limit 100")
BOOKINGS=${BENCH_BOOKINGS:-300}
BASE_DAY=$((380 + RANDOM % 250))	# a fresh window on every run
: > "$tmp/book"
if [ "${#BENCH_CARS[@]}" -gt 0 ]; then
	rl_counts > "$tmp/rl0"
	for i in $(seq 0 $((BOOKINGS - 1))); do
		car=${BENCH_CARS[$((i % ${#BENCH_CARS[@]}))]}
		# Past the generated year of bookings, within the two-year limit.
		first=$((BASE_DAY + (i / ${#BENCH_CARS[@]}) * 4))
		s=$(date -u -d "+$first days" +%F); e=$(date -u -d "+$((first + 3)) days" +%F)
		curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -XPOST -H "X-Forwarded-For: $BOOKING_IP" \
			"$API/api/bookings" -H 'Content-Type: application/json' \
			-d "{\"carId\":\"$car\",\"startDate\":\"$s\",\"endDate\":\"$e\",\"customerDetails\":{\"fullName\":\"Bench Guest\",\"email\":\"bench$i@example.com\"}}" >> "$tmp/book"
	done
	rl_counts > "$tmp/rl1"
	bad=$(awk '$1 != 201' "$tmp/book" | wc -l)
	[ "$bad" = 0 ] || fail "POST /api/bookings: $bad of $BOOKINGS not 201 ($(awk '$1 != 201 {print $1}' "$tmp/book" | sort | uniq -c | paste -sd' '))"
	charged "POST /api/bookings" booking "$BOOKINGS" 0 0
fi

{
	echo "# baseline $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) cores; $WORKERS responders;" \
		"wrk -t2 ${SECS}s x $ROUNDS rounds, medians"
	echo "# rate limits on; tier = the tier each row charges; public rows from one address with an override" \
		"x$F_PUBLIC, (c'') one address at the tier's own limit"
	printf '%-32s %-14s %6s %10s %9s %9s %7s\n' target tier conns req/s p50_ms p99_ms non2xx
	for c in 10 100; do
		for n in hello hdrs fleet health cars cars304 carsrl carsnc car; do
			case $n in
			hello)  label="(a) fcgi-hello ceiling" tier=none ;;
			hdrs)   label="(a') hello, our headers" tier=none ;;
			fleet)  label="(a'') hello, our fleet answer" tier=none ;;
			health) label="(b) GET /api/health" tier=none ;;
			cars)   label="(c) GET /api/cars (cached, full hit)" tier=public ;;
			cars304) label="(c304) revalidated, 304" tier=public ;;
			carsrl) label="(c'') cached, over the limit" tier="public (429s)" ;;
			carsnc) label="(c') GET /api/cars (uncached)" tier=public ;;
			car)    label="(d) GET /api/cars/{id} (cached)" tier=public ;;
			esac
			if [ ! -s "$tmp/$n-$c" ]; then
				printf '%-32s %-14s %6s  did not run\n' "$label" "$tier" "$c"
				continue
			fi
			printf '%-32s %-14s %6s %10s %9s %9s %7s\n' "$label" "$tier" "$c" \
				"$(median 1 "$tmp/$n-$c")" "$(median 2 "$tmp/$n-$c")" \
				"$(median 3 "$tmp/$n-$c")" "$(median 4 "$tmp/$n-$c")"
		done
		printf 'ratio b/a at %s connections: %s   (b/a'"'"': %s)\n' "$c" \
			"$(rel 1 hello health "$c")" "$(rel 1 hdrs health "$c")"
		printf 'over the limit c'"''"'/a: %s (its answers 429 but for the tier'"'"'s allowance), its p99 / ceiling p99: %s\n' \
			"$(rel 1 hello carsrl "$c")" "$(rel 3 hello carsrl "$c")"
		printf 'fleet list cached c/a'"''"' (same bytes from the bare responder): %s\n' "$(rel 1 fleet cars "$c")"
		printf 'fleet list revalidated (304) c304/c (full hit): %s\n' "$(rel 1 cars cars304 "$c")"
		printf 'fleet list cached c/a: %s, its p99 / ceiling p99: %s, uncached c'"'"'/a: %s, car details cached d/a: %s\n' \
			"$(rel 1 hello cars "$c")" "$(rel 3 hello cars "$c")" "$(rel 1 hello carsnc "$c")" "$(rel 1 hello car "$c")"
	done
	read -r zh zt zs < "$tmp/zipf"; read -r _ nt ns < "$tmp/zipfnc"
	printf '(e) Zipf(1) over %d cars, 50 conns, %ss from a cold cache: %d requests, hit rate %.1f%%\n' \
		"${#ZIPF_CARS[@]}" "$SECS" "$zt" "$(awk -v h="$zh" -v t="$zt" 'BEGIN { print t ? 100 * h / t : 0 }')"
	if [ "$STATS" = 1 ]; then
		awk -v a="$zs" -v r="$zt" -v b="$ns" -v q="$nt" 'BEGIN {
			on = r ? a / r : 0; off = q ? b / q : 0
			if (b == 0) { print "PostgreSQL statements per request: none counted with the cache off, so none measured"; exit }
			printf "PostgreSQL statements per request (pg_stat_statements): cache on %.4f, cache off (e'"'"') %.4f, cut by %.1f%%\n",
			    on, off, off ? 100 * (1 - on / off) : 0 }'
	else
		echo "PostgreSQL statements per request: pg_stat_statements not loaded (restart PostgreSQL: ./dev pg-stop; ./dev up)"
	fi
	printf '(f) job queue, %d no-op jobs, 1 producer + 1 worker: %-8s enqueue/s %7s  jobs/s %7s  start latency p50 %s ms p99 %s ms\n' \
		"$QN" ours "$(median 1 "$tmp/queue-ours")" "$(median 2 "$tmp/queue-ours")" \
		"$(median 3 "$tmp/queue-ours")" "$(median 4 "$tmp/queue-ours")"
	if [ -s "$tmp/queue-bullmq" ]; then
		printf '(f) job queue, %d no-op jobs, 1 producer + 1 worker: %-8s enqueue/s %7s  jobs/s %7s  start latency p50 %s ms p99 %s ms\n' \
			"$QN" bullmq5 "$(median 1 "$tmp/queue-bullmq")" "$(median 2 "$tmp/queue-bullmq")" \
			"$(median 3 "$tmp/queue-bullmq")" "$(median 4 "$tmp/queue-bullmq")"
		printf 'ours / BullMQ 5 worker jobs per second: %s\n' \
			"$(awk -v a="$(median 2 "$tmp/queue-ours")" -v b="$(median 2 "$tmp/queue-bullmq")" 'BEGIN { printf "%.2f", a / b }')"
	else
		echo "BullMQ not measured: npm could not install bullmq"
	fi
	if [ -s "$tmp/book" ]; then
		sort -k2 -g "$tmp/book" | awk '{ t[NR] = $2 * 1000; if ($1 == 201) ok++ }
			END { printf "POST /api/bookings, %d sequential (booking tier, one address with an override): %d x 201, p50 %.2f ms, p99 %.2f ms\n",
			      NR, ok, t[int(NR * 0.5 + 0.5)], t[int(NR * 0.99 + 0.5)] }'
	fi
	load_failed || true
} | tee "$OUTFILE"
if load_failed >/dev/null; then echo "bench: $(wc -l < "$tmp/failures") failures (above)" >&2; exit 1; fi
