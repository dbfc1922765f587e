# faults.sh -- fault injection under load (sourced by test-96-faults).
#
# Each scenario runs LOAD seconds of load: wrk readers on the cached fleet
# list, and booking writers (writers.py) contending for three cars of
# its own.  FAULT_AT seconds in, the fault is injected; a stopped service
# is started again HEAL_AFTER seconds later.  Recovery is timed from that
# restart, or from the fault itself where nothing is restarted (the pool
# heals itself).  Afterwards each scenario asserts:
#   - no accepted booking (201) is missing from PostgreSQL, and each is
#     whole: its customer, its days held, its secure token, price audit,
#     "booking_created" event and confirmation in the outbox;
#   - a writer that got no answer left either such a whole booking or
#     nothing at all (not even its customer), never half of one; a writer
#     refused (409, 429, or a 5xx envelope of ours) left nothing.  A 5xx
#     the web server makes itself (a responder killed mid-request) is no
#     answer from the API: the booking may have been written before the
#     kill, so it counts with the unanswered (writers.py);
#   - no two live bookings of a car share a day;
#   - cached reads never answered 5xx (where the fault leaves a cache);
#   - the service recovered within the stated time.
# And at the end: every booking the writers wrote (accepted, or written
# for a writer that got no answer) had its confirmation email sent (no
# job lost, whatever happened to Redis or the workers).
# Results are printed as a table and kept in $VAR/fault-results.txt
# (FAULT_RESULTS).
#
# The site under test (FAULT_SITE, with BASE its URL): lighttpd (our
# master behind lighttpd; every fault), fcgid (Apache + mod_fcgid, whose
# process manager owns the responders: Redis, PostgreSQL, kill -9 of the
# responders, apachectl graceful) or proxy (Apache + mod_proxy_fcgi to
# our master: the same and SIGHUP to the master).  FAULT_SCENARIOS
# chooses among them; FAULT_LOAD sets the seconds of load per fault.
#
# Rate limits are on, as in production; nothing is exempt.  Every request
# carries a client address of the suite's own (X-Forwarded-For; loopback
# is a trusted proxy), spread so that none nears its tier's limit: the
# readers cycle through 64000 addresses per wrk thread in 100.64.0.0/10
# (tests/load/tally.lua), the writers through 16000 each in 198.18.0.0/15
# (writers.py), the probes and the quiet bookings one address each in
# 192.0.2.0/24.  No override is used: overrides live in Redis, which some
# faults stop, and the booking tier then falls back to in-process limits.

FDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LOAD=${FAULT_LOAD:-12}
SITE=${FAULT_SITE:-lighttpd}
case $SITE in
lighttpd)	SCENARIOS=${FAULT_SCENARIOS:-redis postgres kill9 sighup sigstop worker} ;;
fcgid)		SCENARIOS=${FAULT_SCENARIOS:-redis postgres kill9 graceful}
		# mod_fcgid's process manager (a child of Apache's parent)
		# owns the responders.
		responders() {
			local kids
			kids=$(pgrep -P "$(cat "$VAR/run/apache.pid")" | paste -sd,)
			[ -n "$kids" ] && pgrep -P "$kids" -f ' fcgi$' | sort
			return 0
		} ;;
proxy)		SCENARIOS=${FAULT_SCENARIOS:-redis postgres kill9 sighup graceful} ;;
*)		echo "faults.sh: FAULT_SITE is lighttpd, fcgid or proxy" >&2; exit 2 ;;
esac
apache_site() { [ "$SITE" = fcgid ] && echo fcgid || echo proxy-fcgi; }
FAULT_AT=2
HEAL_AFTER=4
psql_q() { psql -h "$VAR/pg/sock" -U exodrive -d exodrive -XAtc "$1"; }
now_ms() { date +%s%3N; }
probe_ip() { echo "192.0.2.$((RANDOM % 250 + 1))"; }
own_admin; adm=$OWN_ADMIN	# lib.sh: an admin of the suite's own
new_car() {
	curl -s -XPOST "$BASE/api/admin/cars" -H "Authorization: Bearer $adm" -H "X-Forwarded-For: $(probe_ip)" \
		-H 'Content-Type: application/json' \
		-d "$(jq -nc --arg n "Fault Car $RANDOM$RANDOM" '{name:$n, category:"Exotic",
		pricing:{base_price:300, deposit_amount:500, minimum_days:1},
		images:[{url:"https://img.example/fault.webp", is_primary:true, sort_order:0}]}')" | jq -r .carId
}
new_cars() { for _ in 1 2 3; do new_car; done > "$OUT/cars"; [ "$(grep -c -- - "$OUT/cars")" = 3 ]; }
conf_value() { sed -n "s/^$1=//p" "$VAR/exodrive.env" | tail -1; }
REQUEST_TIMEOUT=$(conf_value REQUEST_TIMEOUT); REQUEST_TIMEOUT=${REQUEST_TIMEOUT:-60}

# Cache state of the fleet list: "HIT " from Redis, "HIT l1" from a
# responder's first level (which only serves while its tracking connection
# to Redis is up), or "HIT local" from the stand-in while Redis is away.
xcache() {
	curl -s -o /dev/null -D "$OUT/xh" -H "X-Forwarded-For: $(probe_ip)" "$BASE/api/cars"
	echo "$(grep -i '^X-Cache:' "$OUT/xh" | tr -d '\r' | cut -d' ' -f2) $(grep -i '^X-Cache-Store:' "$OUT/xh" | tr -d '\r' | cut -d' ' -f2)"
}
redis_hit() { case $(xcache) in "HIT "|"HIT l1") return 0 ;; esac; return 1; }
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
if [ "$SITE" = fcgid ]; then
	# mod_fcgid spawns processes as requests ask for them: whole again
	# when it answers from new ones and none of the killed is left.
	fault_kill9() { GEN_BEFORE=$(responders | tr '\n' ' '); responders | xargs -r kill -9; }
	recovered_kill9() {
		local p
		[ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/api/health")" = 200 ] || return 1
		[ "$(responders | wc -l)" -ge 1 ] || return 1
		for p in $GEN_BEFORE; do kill -0 "$p" 2>/dev/null && [ "$(ps -o stat= -p "$p")" != Z ] && return 1; done
		return 0
	}
fi

fault_sighup() { GEN_BEFORE=$(responders | tr '\n' ' '); kill -HUP "$(master_pid)"; }

new_generation() {	# the pool is whole and none of the old responders is left
	local p
	pool_is "$POOL" || return 1
	for p in $GEN_BEFORE; do kill -0 "$p" 2>/dev/null && return 1; done
	return 0
}
recovered_sighup() { new_generation; }

busy() {	# busy PID: the pool scoreboard (for loopback only) shows PID on a request
	FROM=loopback curl -s "$BASE/pool-status" | jq -e --argjson p "$1" '.processes[] | select(.pid == $p and .state == "busy")' >/dev/null
}
fault_sigstop() {	# stop a responder in the middle of a request
	local p
	STOPPED=
	for _ in $(seq 100); do
		p=$(responders | head -1)
		kill -STOP "$p"
		if busy "$p"; then STOPPED=$p; return; fi
		kill -CONT "$p" 2>/dev/null
		sleep 0.02
	done
}
	# the master's watchdog is the cure
recovered_sigstop() { [ -n "$STOPPED" ] && ! kill -0 "$STOPPED" 2>/dev/null && pool_is "$POOL"; }

# apachectl graceful: Apache's children (and under mod_fcgid its process
# manager and responders) are replaced; whole again when a new generation
# answers and nothing of the old one is left.
apache_gen() {	# Apache's children and, under mod_fcgid, the responders
	local f=$VAR/run/apache.pid
	[ "$SITE" = proxy ] && f=$VAR/run/apache-proxy.pid
	pgrep -P "$(cat "$f")"
	[ "$SITE" = fcgid ] && responders
	return 0
}
fault_graceful() { GEN_BEFORE=$(apache_gen | tr '\n' ' '); DEV_APACHE_SITE=$(apache_site) "$DEV" apache-graceful; }
recovered_graceful() {
	local p
	[ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/api/health")" = 200 ] || return 1
	for p in $GEN_BEFORE; do kill -0 "$p" 2>/dev/null && [ "$(ps -o stat= -p "$p")" != Z ] && return 1; done
	return 0
}

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

# --- what the writers left in PostgreSQL --------------------------------
# writes NAME: one line per writer's request of scenario NAME:
#   <status> <state> <booking id found or -> <booking id answered or ->
# state: whole (its customer and one booking with everything a booking
# writes: the days held, the secure token pointing back at it, the price
# audit, the booking_created event, the confirmation in the outbox), absent
# (no customer with the request's email, so nothing of it), or partial.
writes() {
	psql -h "$VAR/pg/sock" -U exodrive -d exodrive -XAtq -F' ' <<SQL
create temp table w (ms bigint, status int, bid text, email text);
\copy w from '$OUT/w-$1' with (format text, delimiter ' ')
select w.status, case
	when c.id is null then 'absent'
	when (select count(*) from bookings b where b.customer_id = c.id) <> 1 then 'partial'
	when exists (select 1 from bookings b where b.customer_id = c.id
		and (select count(*) from car_availability a where a.booking_id = b.id
		     and a.status <> 'available') = b.end_date - b.start_date + 1
		and exists (select 1 from booking_secure_tokens t where t.id = b.secure_token_id and t.booking_id = b.id)
		and exists (select 1 from price_audit p where p.booking_id = b.id)
		and exists (select 1 from booking_events e where e.booking_id = b.id and e.event_type = 'booking_created')
		and exists (select 1 from outbox o where o.dedupe_key = 'booking_confirmation:' || b.id::text))
	then 'whole'
	else 'partial' end,
	coalesce((select b.id::text from bookings b where b.customer_id = c.id limit 1), '-'), w.bid
from w left join customers c on c.email = w.email and c.user_id is null;
SQL
}

# ran_readers NAME RC: the readers' wrk run ran (exit 0, requests made,
# its script finished without a Lua error).
ran_readers() {
	local f=$OUT/r-$1 n
	n=$(awk '/requests in/ {print $1}' "$f")
	[ "$2" = 0 ] && [ "${n:-0}" -gt 0 ] && grep -q '^tally done$' "$f" && grep -q '^lua_errors 0 ' "$f" && return 0
	echo "#   readers: exit $2, ${n:-0} requests: $(grep -v '^ ' "$f" | tail -4 | paste -sd' ')" >&2
	return 1
}

# --- one scenario -------------------------------------------------------
# scenario NAME LIMIT_S READS_MAY_FAIL: runs load, the fault, the heal;
# appends a row to $OUT/table and checks the guarantees.
scenario() {
	local name=$1 limit=$2 reads_may_fail=$3 t_heal t_rec rec acc lost dbl r5 rerr w201 w409 w5 w0 late
	local wrc rrc bad noans orphans t0
	check "$name: three cars of its own for the writers" new_cars
	: > "$OUT/w-$name"
	t0=$(psql_q "select now()")
	python3 "$FDIR/writers.py" "$BASE" "$OUT/cars" "$LOAD" 4 "$OUT/w-$name" "$name-$RANDOM" &
	local wpid=$!
	wrk -t2 -c20 -d"${LOAD}s" --timeout 10s -s "$FDIR/../load/tally.lua" "$BASE/api/cars" > "$OUT/r-$name" 2>&1 &
	local rpid=$!
	sleep "$FAULT_AT"
	"fault_$name"
	t_heal=$(now_ms)	# once the fault is in place (sigstop may look a while)
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
	wait "$wpid"; wrc=$?
	wait "$rpid"; rrc=$?
	check "$name: the writers ran (exit $wrc, $(wc -l < "$OUT/w-$name") requests)" test "$wrc" = 0 -a -s "$OUT/w-$name"
	check "$name: the readers ran" ran_readers "$name" "$rrc"
	r5=$(awk '/Non-2xx/ {print $NF}' "$OUT/r-$name"); r5=${r5:-0}
	rerr=$(awk '/Socket errors/ {gsub(",",""); print $4+$6+$8+$10}' "$OUT/r-$name"); rerr=${rerr:-0}
	w201=$(awk '$2 == 201' "$OUT/w-$name" | wc -l); w409=$(awk '$2 == 409' "$OUT/w-$name" | wc -l)
	w5=$(awk '$2 >= 500' "$OUT/w-$name" | wc -l); w0=$(awk '$2 == 0' "$OUT/w-$name" | wc -l)
	awk '$2 == 201 {print $3}' "$OUT/w-$name" | sort > "$OUT/acc-$name"
	acc=$(wc -l < "$OUT/acc-$name")
	lost=$(psql_q "select count(*) from unnest(string_to_array('$(tr '\n' ',' < "$OUT/acc-$name" | sed 's/,$//')', ',')) a(id)
		where a.id <> '' and not exists (select 1 from bookings b where b.id::text = a.id)")
	dbl=$(psql_q "select count(*) from bookings a join bookings b on a.car_id = b.car_id and a.id < b.id
		and daterange(a.start_date, a.end_date, '[]') && daterange(b.start_date, b.end_date, '[]')
		where a.overall_status <> 'cancelled' and b.overall_status <> 'cancelled'
		and a.car_id::text in ($(sed "s/.*/'&'/" "$OUT/cars" | paste -sd,))")
	writes "$name" > "$OUT/s-$name"
	awk '$2 == "whole" {print $3}' "$OUT/s-$name" >> "$OUT/written"
	# The accepted: whole, and the booking answered.  The refused: nothing.
	bad=$(awk '($1 == 201 && ($2 != "whole" || $3 != $4)) || ($1 != 201 && $1 != 0 && $2 != "absent")' "$OUT/s-$name" | wc -l)
	noans=$(awk '$1 == 0 { n[$2]++ } END { printf "%d whole, %d absent, %d partial", n["whole"], n["absent"], n["partial"] }' "$OUT/s-$name")
	# Nothing half-written outside a booking either: no day of these cars
	# held for no booking, no secure token of the scenario without one.
	orphans=$(psql_q "select (select count(*) from car_availability where status <> 'available' and booking_id is null
		and car_id::text in ($(sed "s/.*/'&'/" "$OUT/cars" | paste -sd,)))
		+ (select count(*) from booking_secure_tokens where booking_id is null and created_at >= '$t0')")
	printf '%-9s %8s %6s %6s | %6s %6s %6s %6s | %5s %7s %7s | %8s %6s\n' "$name" \
		"$(awk '/Requests\/sec/ {printf "%d", $2}' "$OUT/r-$name")" "$r5" "$rerr" \
		"$w201" "$w409" "$w5" "$w0" "$lost" "$(echo "$noans" | awk '{print $5}')" "$dbl" "$rec" "$limit" >> "$OUT/table"
	check "$name: writers had bookings accepted ($acc)" test "$acc" -gt 0
	check "$name: no accepted booking lost ($lost of $acc missing)" eq "$lost" 0
	check "$name: every accepted booking whole, every refused writer left nothing ($bad not so)" eq "$bad" 0
	check "$name: writers with no answer ($w0): $noans; none half-written" \
		eq "$(awk '$2 == "partial"' "$OUT/s-$name" | wc -l)" 0
	check "$name: no day held and no secure token without its booking ($orphans)" eq "$orphans" 0
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
	[ "$name" = sigstop ] && check "sigstop: a responder was stopped on a request (${STOPPED:-none})" test -n "$STOPPED"
	check "$name: recovered within ${limit} s ($rec s)" awk -v r="$rec" -v l="$limit" 'BEGIN { exit !(r != "never" && r + 0 <= l) }'
}

: > "$OUT/written"
printf '%-9s %8s %6s %6s | %6s %6s %6s %6s | %5s %7s %7s | %8s %6s\n' fault \
	'reads/s' 'r-5xx' 'r-err' w-201 w-409 w-5xx w-none lost partial doubled 'recov_s' 'max_s' > "$OUT/table"
# Responders killed: the requests they were serving fail (one each).
# Under mod_fcgid the pool comes back on demand: its process manager finds
# the dead at its next error scan (FcgidErrorScanInterval) and spawns one
# process for each request that waited a second for a free one; after
# apachectl graceful the old manager stops its processes (SIGTERM, a
# second, SIGKILL) and the new one starts from none.  In the test build
# each responder also runs LeakSanitizer as it exits.
# Through mod_proxy_fcgi the master heals as behind lighttpd; the check
# itself goes through Apache, which a loaded machine slows: 10 s.
KILL9_S=5 GRACEFUL_S=10
[ "$SITE" = proxy ] && KILL9_S=10
[ "$SITE" = fcgid ] && KILL9_S=20 GRACEFUL_S=30
# apachectl graceful through mod_proxy_fcgi: the old children close the
# readers' idle keep-alive connections as they go (a client sending on one
# just then sees it closed), at most one per reader connection.
for sc in $SCENARIOS; do
	case $sc in
	redis|postgres)	scenario "$sc" 10 0 ;;
	kill9)		scenario kill9 "$KILL9_S" "$POOL" ;;
	sighup)		scenario sighup 5 0 ;;
	sigstop)	scenario sigstop $((REQUEST_TIMEOUT + 5)) 2 ;;
	worker)		scenario worker 30 0 ;;
	graceful)	scenario graceful "$GRACEFUL_S" "$([ "$SITE" = proxy ] && echo 20 || echo 0)" ;;
	*)		check "a known fault: $sc" false ;;
	esac
done

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
		-H "X-Forwarded-For: $(probe_ip)" -d "{\"carId\":\"$car\",\"startDate\":\"$s\",\"endDate\":\"$e\",\"customerDetails\":{\"fullName\":\"Quiet Writer\",\"email\":\"quiet@example.com\"}}"
}
for round in 0 1 2; do
	for i in 0 1 2 3; do quiet_book $((round * 4 + i)) & done
	wait
done > "$OUT/quiet"
check "quiet restart: the next 12 bookings (4 at a time, every responder) are all 201" \
	eq "$(sort "$OUT/quiet" | uniq -c | awk '{print $2 "x" $1}' | paste -sd' ')" "201x12"

# No job lost: every booking the writers wrote in any scenario (accepted,
# or written for a writer that got no answer) gets its confirmation email
# (outbox -> queue -> worker -> SMTP), once.
all_sent() {
	[ "$(psql_q "select count(*) from bookings b where b.id::text in ($(sed "s/.*/'&'/" "$OUT/written" | paste -sd,))
		and not exists (select 1 from email_events e where e.booking_id = b.id
		and e.email_type = 'booking_confirmation' and e.status = 'sent')")" = 0 ]
}
# A send that failed while SMTP hung is retried on the email queue's
# schedule (10 s doubling, 5 attempts: up to 150 s and its jitter), so the
# wait covers that schedule; a lost job still never arrives.
t0=$(now_ms)
check "no job lost: all $(wc -l < "$OUT/written") bookings written got their confirmation email" until_s 240 all_sent
sent_s=$(awk -v a="$t0" -v b="$(now_ms)" 'BEGIN { printf "%.1f", (b - a) / 1000 }')
{
	echo "# fault suite $(date -u +%FT%TZ), $SERVER ($SITE site), ${LOAD}s load per fault (wrk 20 readers on GET /api/cars, 4 booking writers), rate limits on"
	echo "# fault at ${FAULT_AT}s; Redis, PostgreSQL and SMTP started again ${HEAL_AFTER}s later"
	echo "# recov_s: from that restart (or the fault, where the pool heals itself) until whole again"
	cat "$OUT/table"
	echo "# partial: writers with no answer whose booking is half there (must be 0; the others are whole or absent)"
	echo "# every booking written got its confirmation email ${sent_s}s after the last scenario"
} | tee "${FAULT_RESULTS:-$VAR/fault-results.txt}" | sed 's/^/# /'
