# faults.sh -- fault injection under load (sourced by test-96-faults).
#
# Each scenario runs LOAD seconds of load: wrk readers on the cached fleet
# list, and booking writers (writers.py) contending for three cars of
# its own.  FAULT_AT seconds in, the fault is injected; a stopped service
# is started again HEAL_AFTER seconds later.  Recovery is timed from that
# restart, or from the fault itself where nothing is restarted (the pool
# heals itself).  Afterwards each scenario asserts:
#   - no accepted booking (201) is missing from PostgreSQL;
#   - no two live bookings of a car share a day;
#   - cached reads never answered 5xx (where the fault leaves a cache);
#   - the service recovered within the stated time.
# And at the end: every accepted booking's confirmation email was sent
# (no job lost, whatever happened to Redis or the workers).
# Results are printed as a table and kept in $VAR/fault-results.txt.

FDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LOAD=${FAULT_LOAD:-12}
FAULT_AT=2
HEAL_AFTER=4
psql_q() { psql -h "$VAR/pg/sock" -U exodrive -d exodrive -XAtc "$1"; }
now_ms() { date +%s%3N; }
login() { curl -s -XPOST "$BASE/api/auth/login" -H 'Content-Type: application/json' \
	-d "{\"email\":\"$1\",\"password\":\"exodrive-dev-password\"}" | jq -r .accessToken; }
adm=$(login admin@exodrive.com)
new_car() {
	curl -s -XPOST "$BASE/api/admin/cars" -H "Authorization: Bearer $adm" \
		-H 'Content-Type: application/json' \
		-d "$(jq -nc --arg n "Fault Car $RANDOM$RANDOM" '{name:$n, category:"Exotic",
		pricing:{base_price:300, deposit_amount:500, minimum_days:1},
		images:[{url:"https://img.example/fault.webp", is_primary:true, sort_order:0}]}')" | jq -r .carId
}
new_cars() { for _ in 1 2 3; do new_car; done > "$OUT/cars"; [ "$(grep -c -- - "$OUT/cars")" = 3 ]; }
conf_value() { sed -n "s/^$1=//p" "$VAR/exodrive.env" | tail -1; }
REQUEST_TIMEOUT=$(conf_value REQUEST_TIMEOUT); REQUEST_TIMEOUT=${REQUEST_TIMEOUT:-60}

# Cache state of the fleet list: "HIT", or "HIT local" from the
# per-process store.
xcache() {
	curl -s -o /dev/null -D "$OUT/xh" "$BASE/api/cars"
	echo "$(grep -i '^X-Cache:' "$OUT/xh" | tr -d '\r' | cut -d' ' -f2) $(grep -i '^X-Cache-Store:' "$OUT/xh" | tr -d '\r' | cut -d' ' -f2)"
}
redis_hit() { [ "$(xcache)" = "HIT " ]; }
until_ok 50 redis_hit

# --- the faults: each function injects, the matching heal_ undoes, and
# --- recovered_ says whether the service is whole again. ---------------
fault_redis() { "$DEV" redis-stop; }
heal_redis() { "$DEV" redis-start; }
recovered_redis() { redis_hit; }

fault_postgres() { "$DEV" pg-stop >/dev/null 2>&1; }
heal_postgres() { "$DEV" pg-start >/dev/null 2>&1; }
recovered_postgres() { [ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/api/health/ready")" = 200 ]; }

POOL=$(responders | wc -l)
fault_kill9() { responders | xargs -r kill -9; }

recovered_kill9() { pool_is "$POOL" && [ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/api/health")" = 200 ]; }

fault_sighup() { GEN_BEFORE=$(responders | tr '\n' ' '); kill -HUP "$(master_pid)"; }

new_generation() {	# the pool is whole and none of the old responders is left
	local p
	pool_is "$POOL" || return 1
	for p in $GEN_BEFORE; do kill -0 "$p" 2>/dev/null && return 1; done
	return 0
}
recovered_sighup() { new_generation; }

busy() {	# busy PID: the pool scoreboard shows PID on a request
	curl -s "$BASE/pool-status" | jq -e --argjson p "$1" '.processes[] | select(.pid == $p and .state == "busy")' >/dev/null
}
fault_sigstop() {	# stop a responder in the middle of a request
	local p
	STOPPED=
	for _ in $(seq 100); do
		p=$(responders | head -1)
		kill -STOP "$p"
		if busy "$p"; then STOPPED=$p; return; fi
		kill -CONT "$p"
		sleep 0.02
	done
}
	# the master's watchdog is the cure
recovered_sigstop() { [ -n "$STOPPED" ] && ! kill -0 "$STOPPED" 2>/dev/null && pool_is "$POOL"; }

smtp_pid() { cat "$VAR/run/smtp.pid"; }
email_active() { [ "$(redis-cli -s "$VAR/run/redis.sock" ZCARD 'jq:{email}:active')" -gt 0 ]; }
fault_worker() {	# SMTP hangs, a worker takes a job, the workers die
	kill -STOP "$(smtp_pid)"
	MID_JOB=0
	until_ok 50 email_active && MID_JOB=1
	WORKERS_BEFORE=$(pgrep -P "$(cat "$VAR/run/worker.pid")" | tr '\n' ' ')
	# shellcheck disable=SC2086
	kill -9 $WORKERS_BEFORE
}
heal_worker() { kill -CONT "$(smtp_pid)"; }
workers_back() { [ "$(pgrep -P "$(cat "$VAR/run/worker.pid")" | wc -l)" -ge 1 ]; }
recovered_worker() { workers_back && [ "$(redis-cli -s "$VAR/run/redis.sock" ZCARD 'jq:{email}:active')" = 0 ]; }

# --- one scenario -------------------------------------------------------
# scenario NAME LIMIT_S READS_MAY_FAIL: runs load, the fault, the heal;
# appends a row to $OUT/table and checks the guarantees.
scenario() {
	local name=$1 limit=$2 reads_may_fail=$3 t_heal t_rec rec acc lost dbl r5 rerr w201 w409 w5 w0 late
	check "$name: three cars of its own for the writers" new_cars
	: > "$OUT/w-$name"
	python3 "$FDIR/writers.py" "$BASE" "$OUT/cars" "$LOAD" 4 "$OUT/w-$name" &
	local wpid=$!
	wrk -t2 -c20 -d"${LOAD}s" --timeout 10s "$BASE/api/cars" > "$OUT/r-$name" 2>&1 &
	local rpid=$!
	sleep "$FAULT_AT"
	t_heal=$(now_ms)
	"fault_$name"
	if [ "$(type -t "heal_$name")" = function ]; then
		sleep "$HEAL_AFTER"
		"heal_$name"
		t_heal=$(now_ms)
	fi
	if until_ok $((limit * 10 + 50)) "recovered_$name"; then
		t_rec=$(now_ms)
		rec=$(awk -v a="$t_heal" -v b="$t_rec" 'BEGIN { printf "%.1f", (b - a) / 1000 }')
	else
		t_rec=$(now_ms) rec=never
	fi
	wait "$wpid" "$rpid"
	r5=$(awk '/Non-2xx/ {print $NF}' "$OUT/r-$name"); r5=${r5:-0}
	rerr=$(awk '/Socket errors/ {gsub(",",""); print $4+$6+$8+$10}' "$OUT/r-$name"); rerr=${rerr:-0}
	w201=$(awk '$2 == 201' "$OUT/w-$name" | wc -l); w409=$(awk '$2 == 409' "$OUT/w-$name" | wc -l)
	w5=$(awk '$2 >= 500' "$OUT/w-$name" | wc -l); w0=$(awk '$2 == 0' "$OUT/w-$name" | wc -l)
	awk '$2 == 201 {print $3}' "$OUT/w-$name" | sort > "$OUT/acc-$name"
	cat "$OUT/acc-$name" >> "$OUT/accepted"
	acc=$(wc -l < "$OUT/acc-$name")
	lost=$(psql_q "select count(*) from unnest(string_to_array('$(tr '\n' ',' < "$OUT/acc-$name" | sed 's/,$//')', ',')) a(id)
		where a.id <> '' and not exists (select 1 from bookings b where b.id::text = a.id)")
	dbl=$(psql_q "select count(*) from bookings a join bookings b on a.car_id = b.car_id and a.id < b.id
		and daterange(a.start_date, a.end_date, '[]') && daterange(b.start_date, b.end_date, '[]')
		where a.overall_status <> 'cancelled' and b.overall_status <> 'cancelled'
		and a.car_id::text in ($(sed "s/.*/'&'/" "$OUT/cars" | paste -sd,))")
	printf '%-9s %8s %6s %6s | %6s %6s %6s %6s | %5s %7s | %8s %6s\n' "$name" \
		"$(awk '/Requests\/sec/ {printf "%d", $2}' "$OUT/r-$name")" "$r5" "$rerr" \
		"$w201" "$w409" "$w5" "$w0" "$lost" "$dbl" "$rec" "$limit" >> "$OUT/table"
	check "$name: writers had bookings accepted ($acc)" test "$acc" -gt 0
	check "$name: no accepted booking lost ($lost of $acc missing)" eq "$lost" 0
	check "$name: no double booking on the contended cars" eq "$dbl" 0
	# A second after it is whole again, a writer gets no 5xx (a responder
	# whose connect failed while PostgreSQL was down waits up to 0.5 s
	# before it tries again).
	late=$(awk -v t="$t_rec" '$1 > t + 1000 && $2 >= 500' "$OUT/w-$name" | wc -l)
	check "$name: no 5xx to a writer from a second after the recovery ($late)" eq "$late" 0
	if [ "$reads_may_fail" = 0 ]; then
		check "$name: no cached read failed (non-2xx $r5, socket errors $rerr)" eq "$r5 $rerr" "0 0"
	else
		check "$name: at most $reads_may_fail reads failed (non-2xx $r5, socket errors $rerr)" \
			test $((r5 + rerr)) -le "$reads_may_fail"
	fi
	[ "$name" = worker ] && check "worker: the workers were killed holding a job" eq "$MID_JOB" 1
	check "$name: recovered within ${limit} s ($rec s)" awk -v r="$rec" -v l="$limit" 'BEGIN { exit !(r != "never" && r + 0 <= l) }'
}

: > "$OUT/accepted"
printf '%-9s %8s %6s %6s | %6s %6s %6s %6s | %5s %7s | %8s %6s\n' fault \
	'reads/s' 'r-5xx' 'r-err' w-201 w-409 w-5xx w-none lost doubled 'recov_s' 'max_s' > "$OUT/table"
# Responders killed: the requests they were serving fail (one each).
scenario redis 10 0
scenario postgres 10 0
scenario kill9 5 "$POOL"
scenario sighup 5 0
scenario sigstop $((REQUEST_TIMEOUT + 3)) 2
scenario worker 30 0

# PostgreSQL restarted while nothing runs: every responder holds a dead
# connection; the first booking each one takes must still succeed (a
# BEGIN on a dead connection is retried on a fresh one).
for _ in 1 2 3 4; do new_car; done > "$OUT/qcars"	# one per concurrent booking (the lock is per car)
check "quiet restart: four cars of its own" eq "$(grep -c -- - "$OUT/qcars")" 4
"$DEV" pg-stop >/dev/null 2>&1; "$DEV" pg-start >/dev/null 2>&1
until_ok 100 recovered_postgres
quiet_book() {	# quiet_book N: a booking of its own dates; prints the status
	local car s e
	car=$(sed -n "$(($1 % 4 + 1))p" "$OUT/qcars")
	s=$(date -u -d "+$((400 + $1 * 5)) days" +%F); e=$(date -u -d "+$((402 + $1 * 5)) days" +%F)
	curl -s -o /dev/null -w '%{http_code}\n' -XPOST "$BASE/api/bookings" -H 'Content-Type: application/json' \
		-d "{\"carId\":\"$car\",\"startDate\":\"$s\",\"endDate\":\"$e\",\"customerDetails\":{\"fullName\":\"Quiet Writer\",\"email\":\"quiet@example.com\"}}"
}
for round in 0 1 2; do
	for i in 0 1 2 3; do quiet_book $((round * 4 + i)) & done
	wait
done > "$OUT/quiet"
check "quiet restart: the next 12 bookings (4 at a time, every responder) are all 201" \
	eq "$(sort "$OUT/quiet" | uniq -c | awk '{print $2 "x" $1}' | paste -sd' ')" "201x12"

# No job lost: every booking accepted in any scenario gets its
# confirmation email (outbox -> queue -> worker -> SMTP), once.
all_sent() {
	[ "$(psql_q "select count(*) from bookings b where b.id::text in ($(sed "s/.*/'&'/" "$OUT/accepted" | paste -sd,))
		and not exists (select 1 from email_events e where e.booking_id = b.id
		and e.email_type = 'booking_confirmation' and e.status = 'sent')")" = 0 ]
}
t0=$(now_ms)
check "no job lost: all $(wc -l < "$OUT/accepted") accepted bookings got their confirmation email" until_ok 900 all_sent
sent_s=$(awk -v a="$t0" -v b="$(now_ms)" 'BEGIN { printf "%.1f", (b - a) / 1000 }')
{
	echo "# fault suite $(date -u +%FT%TZ), $SERVER, ${LOAD}s load per fault (wrk 20 readers on GET /api/cars, 4 booking writers)"
	echo "# fault at ${FAULT_AT}s; Redis, PostgreSQL and SMTP started again ${HEAL_AFTER}s later"
	echo "# recov_s: from that restart (or the fault, where the pool heals itself) until whole again"
	cat "$OUT/table"
	echo "# every accepted booking's confirmation email was sent ${sent_s}s after the last scenario"
} | tee "$VAR/fault-results.txt" | sed 's/^/# /'
