#!/usr/bin/env bash
# scenarios.sh -- load scenarios, each against the FastCGI ceiling (the
# bare fcgi-hello pool behind the same lighttpd) measured in the same run
# at the same concurrency, ROUNDS rounds alternating, medians:
#
#   readers  READERS (1000) connections reading the catalogue: the fleet
#            list 50%, car details 30%, availability 20% (reads.lua);
#   writers  WRITERS (100) connections creating guest bookings that
#            contend for the same cars and days (writes.lua); 201 and
#            409 are right answers, anything else is an error;
#   journey  JOURNEYS (50) signed-in customers, one connection each:
#            browse, details, availability, book, cancel (journey.lua).
#
# Each prints req/s, p50/p95/p99, errors and the ratio to the ceiling into
# BENCH_SCENARIOS_OUT (tests/load/results-scenarios.txt).  Afterwards no
# two live bookings of a bench car may share a day, and the bookings the
# run made are removed.  Bounded: ROUNDS x 4 runs of SECS seconds.
# SCENARIO_CHECK=1 exits non-zero on any error or double booking (the
# integration test runs it so, briefly).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
OUTFILE=${BENCH_SCENARIOS_OUT:-$ROOT/tests/load/results-scenarios.txt}
READERS=${READERS:-1000}
WRITERS=${WRITERS:-100}
JOURNEYS=${JOURNEYS:-50}
HELLO_PORT=$((PORT + 102))
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
psql_q() { psql -h "$VAR/pg/sock" -U exodrive -d exodrive -XAtc "$1"; }
start_hello scen "$HELLO_PORT"

# The fleet of the run: the generated bench cars, or every visible car.
psql_q "select id from cars where name like 'Bench Car %' and not hidden order by name" > "$tmp/cars"
[ -s "$tmp/cars" ] || psql_q "select id from cars where not hidden" > "$tmp/cars"
CAR_LIST=$(sed "s/.*/'&'/" "$tmp/cars" | paste -sd,)
# Booking dates: each round its own 110-day window after the year the
# seed generated and within the two-year limit (three windows, reused
# from the fourth round on), so every round's writers start from free
# days; the run's bookings are removed at the end.
TODAY=$(date -u +%F)
window() { date -u -d "$TODAY + $((370 + ($1 % 3) * 115)) days" +%s; }
export CARS_FILE=$tmp/cars PATHS_FILE=$tmp/paths WINDOW_DAYS=110
START=$(psql_q "select now()")
{
	for _ in $(seq 50); do echo /api/cars; done
	shuf -n 30 -r "$tmp/cars" | sed 's|^|/api/cars/|'
	for c in $(shuf -n 20 -r "$tmp/cars"); do
		s=$(date -u -d "+$((RANDOM % 90)) days" +%F); e=$(date -u -d "$s + 7 days" +%F)
		echo "/api/cars/availability?carId=$c&startDate=$s&endDate=$e"
	done
} > "$tmp/paths"
TOKEN=$(curl -s -XPOST "http://127.0.0.1:$PORT/api/auth/login" -H 'Content-Type: application/json' \
	-d '{"email":"john.doe@example.com","password":"exodrive-dev-password"}' | jq -r .accessToken)
export TOKEN
for f in reads writes journey; do
	cat "$ROOT/tests/load/tally.lua" "$ROOT/tests/load/$f.lua" > "$tmp/$f.lua"
done
cp "$ROOT/tests/load/tally.lua" "$tmp/hello.lua"
# Warm the cache the readers read (one pass over every path).
sort -u "$tmp/paths" | sed "s|^|http://127.0.0.1:$PORT|" | xargs -n 1 curl -s -o /dev/null

# measure NAME THREADS CONNS SCRIPT URL: appends
# "rps p50 p95 p99 errors ok journeys" to $tmp/NAME; errors are answers
# other than 2xx (and 409 for bookings) plus socket errors and timeouts.
measure() {
	wrk -t"$2" -c"$3" -d"${SECS}s" --timeout 10s --latency -s "$4" "$5" > "$tmp/out" 2>&1 || true
	local f bad ok j
	read -r -a f <<< "$(wrk_figures "$tmp/out")"
	bad=$(awk '$1 == "status" && !($2 >= 200 && $2 < 300) && $2 != 409 { n += $3 } END { print n + 0 }' "$tmp/out")
	ok=$(awk '$1 == "status" && $2 == 201 { print $3 }' "$tmp/out")
	j=$(awk '$1 == "journeys" { print $2 }' "$tmp/out")
	echo "${f[0]} ${f[1]} ${f[2]} ${f[3]} $((bad + f[5])) ${ok:-0} ${j:-0}" >> "$tmp/$1"
}
HELLO=http://127.0.0.1:$HELLO_PORT/api/health
API=http://127.0.0.1:$PORT
for r in $(seq "$ROUNDS"); do
	WINDOW_T0=$(window "$r"); export WINDOW_T0
	measure hello-r 2 "$READERS" "$tmp/hello.lua" "$HELLO"
	measure readers 2 "$READERS" "$tmp/reads.lua" "$API"
	measure hello-w 2 "$WRITERS" "$tmp/hello.lua" "$HELLO"
	measure writers 2 "$WRITERS" "$tmp/writes.lua" "$API"
	measure hello-j "$JOURNEYS" "$JOURNEYS" "$tmp/hello.lua" "$HELLO"
	measure journey "$JOURNEYS" "$JOURNEYS" "$tmp/journey.lua" "$API"
done

DOUBLED=$(psql_q "select count(*) from bookings a join bookings b on a.car_id = b.car_id and a.id < b.id
	and daterange(a.start_date, a.end_date, '[]') && daterange(b.start_date, b.end_date, '[]')
	where a.overall_status <> 'cancelled' and b.overall_status <> 'cancelled' and a.car_id in ($CAR_LIST)")
MADE=$(psql_q "select count(*) from bookings where created_at >= '$START' and car_id in ($CAR_LIST)")
# The run's bookings go, with the days they hold, so the next run starts clean.
psql -h "$VAR/pg/sock" -U exodrive -d exodrive -Xq <<SQL >/dev/null
begin;
create temp table made as select id from bookings where created_at >= '$START' and car_id in ($CAR_LIST);
delete from car_availability where booking_id in (select id from made);
delete from bookings where id in (select id from made);
commit;
SQL

row() {	# row LABEL CONNS NAME CEILING
	printf '%-38s %6s %9s %8s %8s %8s %7s %9s %6s\n' "$1" "$2" \
		"$(median 1 "$tmp/$3")" "$(median 2 "$tmp/$3")" "$(median 3 "$tmp/$3")" \
		"$(median 4 "$tmp/$3")" "$(median 5 "$tmp/$3")" "$(median 1 "$tmp/$4")" \
		"$(ratio "$(median 1 "$tmp/$4")" "$(median 1 "$tmp/$3")")"
}
{
	echo "# load scenarios $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) cores; $WORKERS responders;" \
		"wrk ${SECS}s x $ROUNDS rounds, medians; ceiling = fcgi-hello at the same connections"
	printf '%-38s %6s %9s %8s %8s %8s %7s %9s %6s\n' scenario conns req/s p50_ms p95_ms p99_ms errors ceiling ratio
	row "readers: list 50%, car 30%, avail 20%" "$READERS" readers hello-r
	row "writers: contended guest bookings" "$WRITERS" writers hello-w
	row "journey: browse..book, cancel" "$JOURNEYS" journey hello-j
	printf 'writers: %s bookings accepted (201) per run (median), the rest 409; journeys completed per second: %s\n' \
		"$(median 6 "$tmp/writers")" "$(awk -v j="$(median 7 "$tmp/journey")" -v s="$SECS" 'BEGIN { printf "%.1f", j / s }')"
	echo "double bookings on the $(wc -l < "$tmp/cars") cars afterwards: $DOUBLED (of $MADE bookings the run made, then removed)"
} | tee "$OUTFILE"
if [ "${SCENARIO_CHECK:-0}" = 1 ]; then
	errors=$(cat "$tmp/readers" "$tmp/writers" "$tmp/journey" | awk '{ n += $5 } END { print n }')
	accepted=$(awk '{ n += $6 } END { print n }' "$tmp/writers")
	echo "check: errors $errors, double bookings $DOUBLED, writers' bookings accepted $accepted"
	[ "$errors" = 0 ] && [ "$DOUBLED" = 0 ] && [ "$accepted" -gt 0 ]
fi
