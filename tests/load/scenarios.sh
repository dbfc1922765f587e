#!/usr/bin/env bash
# scenarios.sh -- load scenarios, each against the FastCGI ceiling (the
# bare fcgi-hello pool behind the same lighttpd) measured in the same run
# at the same concurrency, ROUNDS rounds alternating, medians:
#
#   readers  READERS (1000) connections reading the catalogue: the fleet
#            list 50%, car details 30%, availability 20% (reads.lua);
#            public tier;
#   writers  WRITERS (100) connections creating guest bookings that
#            contend for the same cars and days (writes.lua); booking
#            tier; 201 and 409 are right answers, anything else (429
#            included) is an error;
#   journey  JOURNEYS (50) signed-in customers, one connection each:
#            browse, details, availability, book, cancel (journey.lua);
#            public tier for browsing, booking and auth tiers for the
#            customer's writes.
#
# Rate limits are on, as in production; nothing is exempt.  Whom the load
# is charged to:
#   - public and booking tiers (charged per client address): many
#     clients, as production sees them.  Every request carries an
#     X-Forwarded-For address of the bench's own (loopback is a trusted
#     proxy): each wrk thread cycles through 64000 addresses of
#     100.64.0.0/10 (tally.lua), so an address makes requests / 64000 of a
#     run's requests, a few at most, far below any tier's limit, and no
#     override is set: each answer is charged at the tier's own limit,
#     which the run checks (X-RateLimit-Limit on every answer).
#   - booking and auth tiers of the journeys (charged per user): one
#     customer of the run's own (registered for it), whose limits an
#     admin's override (factor from rl_factor, above the offered load)
#     lifts for the run; lifted again at the end.
# A 429 in any scenario is an error.
#
# SCEN_URL sends the scenarios' load through another web server in front
# of the same API (an Apache site: test-52), SCEN_NAME names it in the
# results; the ceiling stays behind lighttpd.
#
# Each prints req/s, p50/p95/p99, errors and the ratio to the ceiling into
# BENCH_SCENARIOS_OUT (tests/load/results-scenarios.txt).  Afterwards no
# two live bookings of a bench car may share a day, and the bookings the
# run made are removed.  Bounded: ROUNDS x 6 runs of SECS seconds.
# The script fails (exits non-zero, saying why) when a scenario did not
# really run (wrk missing or failed, no request, a Lua error, answers not
# charged to a tier), on any error or double booking, or when no writer's
# booking was accepted.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
OUTFILE=${BENCH_SCENARIOS_OUT:-$ROOT/tests/load/results-scenarios.txt}
TARGET=${SCEN_URL:-$API}
READERS=${READERS:-1000}
WRITERS=${WRITERS:-100}
JOURNEYS=${JOURNEYS:-50}
HELLO_PORT=$(free_port)
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
psql_q() { psql -h "$VAR/pg/sock" -U exodrive -d exodrive -XAtc "$1"; }
command -v wrk >/dev/null || { echo "scenarios: wrk is not installed" >&2; exit 1; }
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
read -r ADMIN _ < <(own_user admin admin)
read -r TOKEN CUSTOMER < <(own_user customer)
[ "${ADMIN:-null}" != null ] && [ "${TOKEN:-null}" != null ] || { echo "scenarios: could not register the run's users" >&2; exit 1; }
export TOKEN
# The run's overrides last at most as long as the run could (they are
# lifted at its end).
TTL=$((ROUNDS * 6 * (SECS + 15) + 300))
fb=$(rl_factor booking 20000); fa=$(rl_factor auth 20000)
rl_override user "$CUSTOMER" $((fb > fa ? fb : fa)) "$TTL"
rl_override ip "$BENCH_IP" "$(rl_factor public 1000)" "$TTL"
for f in reads writes journey; do
	cat "$ROOT/tests/load/tally.lua" "$ROOT/tests/load/$f.lua" > "$tmp/$f.lua"
done
cp "$ROOT/tests/load/tally.lua" "$tmp/hello.lua"
# Warm the cache the readers read (one pass over every path).
sort -u "$tmp/paths" | sed "s|^|$TARGET|" | xargs -n 1 curl -s -o /dev/null -H "X-Forwarded-For: $BENCH_IP"

# measure NAME THREADS CONNS SCRIPT URL: appends
# "rps p50 p95 p99 errors ok journeys limit-low limit-high" to $tmp/NAME;
# errors are answers other than 2xx (and 409 for bookings; a 429 is an
# error) plus socket errors and timeouts.  A run that did not really run
# is a failure (wrk_ran); so is an answer of ours without X-RateLimit-Limit
# (not charged to a tier), or one of the ceiling's with it.
measure() {
	local rc=0 f bad ok j c u lim
	wrk -t"$2" -c"$3" -d"${SECS}s" --timeout 10s --latency -s "$4" "$5" > "$tmp/out" 2>&1 || rc=$?
	cp "$tmp/out" "$tmp/out-$1"
	wrk_ran "$1" "$rc" "$tmp/out" lua || return 0
	read -r -a f <<< "$(wrk_figures "$tmp/out")"
	bad=$(awk '$1 == "status" && !($2 >= 200 && $2 < 300) && $2 != 409 { n += $3 } END { print n + 0 }' "$tmp/out")
	ok=$(awk '$1 == "status" && $2 == 201 { print $3 }' "$tmp/out")
	j=$(awk '$1 == "journeys" { print $2 }' "$tmp/out")
	read -r c u < <(awk '$1 == "charged" { print $2, $4 }' "$tmp/out")
	lim=$(awk '$1 == "limit" { print $2, $3 }' "$tmp/out")
	case $1 in
	hello-*) [ "$c" = 0 ] || fail "$1: the ceiling's answers carried X-RateLimit-Limit ($c)" ;;
	*) [ "$u" = 0 ] || fail "$1: $u of $((c + u)) answers were not charged to a rate-limit tier (no X-RateLimit-Limit)" ;;
	esac
	echo "${f[0]} ${f[1]} ${f[2]} ${f[3]} $((bad + f[5])) ${ok:-0} ${j:-0} $lim" >> "$tmp/$1"
}
HELLO=http://127.0.0.1:$HELLO_PORT/api/health
for r in $(seq "$ROUNDS"); do
	WINDOW_T0=$(window "$r"); export WINDOW_T0
	measure hello-r 2 "$READERS" "$tmp/hello.lua" "$HELLO"
	measure readers 2 "$READERS" "$tmp/reads.lua" "$TARGET"
	measure hello-w 2 "$WRITERS" "$tmp/hello.lua" "$HELLO"
	measure writers 2 "$WRITERS" "$tmp/writes.lua" "$TARGET"
	measure hello-j "$JOURNEYS" "$JOURNEYS" "$tmp/hello.lua" "$HELLO"
	measure journey "$JOURNEYS" "$JOURNEYS" "$tmp/journey.lua" "$TARGET"
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

# row LABEL TIER CONNS NAME CEILING
row() {
	if [ ! -s "$tmp/$4" ] || [ ! -s "$tmp/$5" ]; then
		printf '%-38s %-16s %6s  did not run\n' "$1" "$2" "$3"
		return
	fi
	printf '%-38s %-16s %6s %9s %8s %8s %8s %7s %9s %6s\n' "$1" "$2" "$3" \
		"$(median 1 "$tmp/$4")" "$(median 2 "$tmp/$4")" "$(median 3 "$tmp/$4")" \
		"$(median 4 "$tmp/$4")" "$(median 5 "$tmp/$4")" "$(median 1 "$tmp/$5")" \
		"$(ratio "$(median 1 "$tmp/$5")" "$(median 1 "$tmp/$4")")"
}
limits() {	# limits NAME: the X-RateLimit-Limit values its answers carried
	[ -s "$tmp/$1" ] || { echo "-"; return; }
	awk '{ if (lo == "" || $8 < lo) lo = $8; if ($9 > hi) hi = $9 } END { print (lo == hi ? lo : lo ".." hi) }' "$tmp/$1"
}
errors=$(cat "$tmp/readers" "$tmp/writers" "$tmp/journey" 2>/dev/null | awk '{ n += $5 } END { print n + 0 }')
accepted=0
[ -s "$tmp/writers" ] && accepted=$(awk '{ n += $6 } END { print n + 0 }' "$tmp/writers")
[ "$errors" = 0 ] || fail "$errors errors (429s included) in the scenarios: $(cat "$tmp"/out-readers "$tmp"/out-writers "$tmp"/out-journey 2>/dev/null |
	awk '$1 == "status" && !($2 >= 200 && $2 < 300) && $2 != 409 { s[$2] += $3 } END { for (k in s) printf "%s x %d ", k, s[k] }')"
[ "$DOUBLED" = 0 ] || fail "$DOUBLED double bookings"
[ "$accepted" -gt 0 ] || fail "no writer's booking was accepted"
{
	echo "# load scenarios $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) cores, through ${SCEN_NAME:-lighttpd + our master ($WORKERS responders)};" \
		"wrk ${SECS}s x $ROUNDS rounds, medians; ceiling = fcgi-hello at the same connections"
	echo "# rate limits on; the tier each scenario charges, per client address from 64000 per wrk thread" \
		"(X-Forwarded-For, 100.64.0.0/10, no override), the journeys' writes to one customer with an override"
	printf '%-38s %-16s %6s %9s %8s %8s %8s %7s %9s %6s\n' scenario tier conns req/s p50_ms p95_ms p99_ms errors ceiling ratio
	row "readers: list 50%, car 30%, avail 20%" "public/address" "$READERS" readers hello-r
	row "writers: contended guest bookings" "booking/address" "$WRITERS" writers hello-w
	row "journey: browse..book, cancel" "public+booking" "$JOURNEYS" journey hello-j
	printf 'writers: %s bookings accepted (201) per run (median), the rest 409; journeys completed per second: %s\n' \
		"$(median 6 "$tmp/writers" 2>/dev/null)" "$(awk -v j="$(median 7 "$tmp/journey" 2>/dev/null)" -v s="$SECS" 'BEGIN { printf "%.1f", j / s }')"
	echo "X-RateLimit-Limit on every answer: readers $(limits readers), writers $(limits writers), journey $(limits journey) (the customer's override)"
	echo "double bookings on the $(wc -l < "$tmp/cars") cars afterwards: $DOUBLED (of $MADE bookings the run made, then removed)"
	load_failed || true
} | tee "$OUTFILE"
echo "check: errors $errors, double bookings $DOUBLED, writers' bookings accepted $accepted, failures $(wc -l < "$tmp/failures")"
if load_failed >/dev/null; then echo "scenarios: $(wc -l < "$tmp/failures") failures (above)" >&2; exit 1; fi
