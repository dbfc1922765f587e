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
set -euo pipefail
. "$(dirname "$0")/lib.sh"
OUTFILE=${BENCH_OUT:-$ROOT/tests/load/results-baseline.txt}
HELLO_PORT=$((PORT + 100))
HDRS_PORT=$((PORT + 101))
start_hello hello "$HELLO_PORT"
start_hello hdrs "$HDRS_PORT" headers

run() {	# run NAME URL CONNS [wrk args] -> appends "rps p50 p99 non2xx" to $tmp/NAME-CONNS
	wrk -t2 -c"$3" -d"${SECS}s" --latency "${@:4}" "$2" > "$tmp/out" 2>&1
	wrk_figures "$tmp/out" | awk '{ print $1, $2, $4, $5 }' >> "$tmp/$1-$3"
}

CAR=$(curl -s "http://127.0.0.1:$PORT/api/cars/slug/ferrari-296-gtb" | jq -r .car.id)
# (a'') the bare responder sending a recorded copy of our cached fleet list
# answer: what those bytes cost through lighttpd, apart from our code.
FLEET_PORT=$((PORT + 103))
curl -s -o /dev/null "http://127.0.0.1:$PORT/api/cars"	# cached
record_answer "http://127.0.0.1:$PORT/api/cars" "$tmp/fleet.cgi"
start_hello fleet "$FLEET_PORT" file "$tmp/fleet.cgi"
ADMIN=$(curl -s -XPOST "http://127.0.0.1:$PORT/api/auth/login" -H 'Content-Type: application/json' \
	-d '{"email":"admin@exodrive.com","password":"exodrive-dev-password"}' | jq -r .accessToken)
# (c'') charges the public tier: a client address with a large override, so
# the rate-limit script runs (pipelined with the cache read) but never denies.
RL_IP=192.0.2.10
curl -s -o /dev/null -XPUT "http://127.0.0.1:$PORT/api/admin/rate-limit-overrides" \
	-H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
	-d "{\"kind\":\"ip\",\"id\":\"$RL_IP\",\"factor\":100000,\"ttlSeconds\":3600}"
for c in 10 100; do
	for r in $(seq "$ROUNDS"); do
		run hello "http://127.0.0.1:$HELLO_PORT/api/health" "$c"
		run hdrs "http://127.0.0.1:$HDRS_PORT/api/health" "$c"
		run fleet "http://127.0.0.1:$FLEET_PORT/api/cars" "$c"
		run health "http://127.0.0.1:$PORT/api/health" "$c"
		run cars "http://127.0.0.1:$PORT/api/cars" "$c"
		run carsrl "http://127.0.0.1:$PORT/api/cars" "$c" -H "X-Forwarded-For: $RL_IP"
		run carsnc "http://127.0.0.1:$PORT/api/cars" "$c" -H "Authorization: Bearer $ADMIN" -H 'Cache-Control: no-cache' 
		run car "http://127.0.0.1:$PORT/api/cars/$CAR" "$c"
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
zipf_run() {	# zipf_run NAME [wrk args]: "hits total statements" -> $tmp/NAME
	[ "$STATS" = 1 ] && "${PGA[@]}" -c "select pg_stat_statements_reset()" >/dev/null
	wrk -t2 -c50 -d"${SECS}s" -s "$tmp/zipf.lua" "${@:2}" "http://127.0.0.1:$PORT" > "$tmp/zout" 2>&1
	echo "$(awk '/^zipf/ {print $2, $3}' "$tmp/zout") $(statements)" > "$tmp/$1"
}
zipf_run zipf
zipf_run zipfnc -H "Authorization: Bearer $ADMIN" -H 'Cache-Control: no-cache'

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
	"$BUILD/tests/load/queue-probe" "$VAR/exodrive.env" bench "$QN" > "$tmp/q"
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
# car and week, so every one is a real 201 (no cache, no conflict).
mapfile -t BENCH_CARS < <(psql -h "$VAR/pg/sock" -U exodrive -d exodrive -XAtc \
	"select id from cars where name like 'Bench Car %' order by name limit 100")
BOOKINGS=${BENCH_BOOKINGS:-300}
BASE_DAY=$((380 + RANDOM % 250))	# a fresh window on every run
: > "$tmp/book"
if [ "${#BENCH_CARS[@]}" -gt 0 ]; then
	for i in $(seq 0 $((BOOKINGS - 1))); do
		car=${BENCH_CARS[$((i % ${#BENCH_CARS[@]}))]}
		# Past the generated year of bookings, within the two-year limit.
		first=$((BASE_DAY + (i / ${#BENCH_CARS[@]}) * 4))
		s=$(date -u -d "+$first days" +%F); e=$(date -u -d "+$((first + 3)) days" +%F)
		curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -XPOST \
			"http://127.0.0.1:$PORT/api/bookings" -H 'Content-Type: application/json' \
			-d "{\"carId\":\"$car\",\"startDate\":\"$s\",\"endDate\":\"$e\",\"customerDetails\":{\"fullName\":\"Bench Guest\",\"email\":\"bench$i@example.com\"}}" >> "$tmp/book"
	done
fi

{
	echo "# baseline $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) cores; $WORKERS responders;" \
		"wrk -t2 ${SECS}s x $ROUNDS rounds, medians"
	printf '%-28s %6s %10s %9s %9s %7s\n' target conns req/s p50_ms p99_ms non2xx
	for c in 10 100; do
		for n in hello hdrs fleet health cars carsrl carsnc car; do
			case $n in
			hello)  label="(a) fcgi-hello ceiling" ;;
			hdrs)   label="(a') hello, our headers" ;;
			fleet)  label="(a'') hello, our fleet answer" ;;
			health) label="(b) GET /api/health" ;;
			cars)   label="(c) GET /api/cars (cached)" ;;
			carsrl) label="(c'') cached + rate limit" ;;
			carsnc) label="(c') GET /api/cars (uncached)" ;;
			car)    label="(d) GET /api/cars/{id} (cached)" ;;
			esac
			printf '%-28s %6s %10s %9s %9s %7s\n' "$label" "$c" \
				"$(median 1 "$tmp/$n-$c")" "$(median 2 "$tmp/$n-$c")" \
				"$(median 3 "$tmp/$n-$c")" "$(median 4 "$tmp/$n-$c")"
		done
		printf 'ratio b/a at %s connections: %s   (b/a'"'"': %s)\n' "$c" \
			"$(awk -v a="$(median 1 "$tmp/hello-$c")" -v b="$(median 1 "$tmp/health-$c")" 'BEGIN { printf "%.2f", b / a }')" \
			"$(awk -v a="$(median 1 "$tmp/hdrs-$c")" -v b="$(median 1 "$tmp/health-$c")" 'BEGIN { printf "%.2f", b / a }')"
		printf 'cached + rate limit c'"''"'/a: %s, its p99 / ceiling p99: %s\n' \
			"$(awk -v a="$(median 1 "$tmp/hello-$c")" -v b="$(median 1 "$tmp/carsrl-$c")" 'BEGIN { printf "%.2f", b / a }')" \
			"$(awk -v a="$(median 3 "$tmp/hello-$c")" -v b="$(median 3 "$tmp/carsrl-$c")" 'BEGIN { printf "%.2f", b / a }')"
		printf 'fleet list cached c/a'"''"' (same bytes from the bare responder): %s\n' \
			"$(awk -v a="$(median 1 "$tmp/fleet-$c")" -v b="$(median 1 "$tmp/cars-$c")" 'BEGIN { printf "%.2f", b / a }')"
		printf 'fleet list cached c/a: %s, uncached c'"'"'/a: %s, car details cached d/a: %s\n' \
			"$(awk -v a="$(median 1 "$tmp/hello-$c")" -v b="$(median 1 "$tmp/cars-$c")" 'BEGIN { printf "%.2f", b / a }')" \
			"$(awk -v a="$(median 1 "$tmp/hello-$c")" -v b="$(median 1 "$tmp/carsnc-$c")" 'BEGIN { printf "%.2f", b / a }')" \
			"$(awk -v a="$(median 1 "$tmp/hello-$c")" -v b="$(median 1 "$tmp/car-$c")" 'BEGIN { printf "%.2f", b / a }')"
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
			END { printf "POST /api/bookings, %d sequential: %d x 201, p50 %.2f ms, p99 %.2f ms\n",
			      NR, ok, t[int(NR * 0.5 + 0.5)], t[int(NR * 0.99 + 0.5)] }'
	fi
} | tee "$OUTFILE"
