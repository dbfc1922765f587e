# test-68-queue: the job queue's robustness on the stack's real Redis,
# PostgreSQL and SMTP sink: a slowed image job held 3.5 leases has its
# lease renewed and runs once, its progress shown by the admin queue API;
# a permanent failure goes straight to the dead-letter set with its
# reason; confirmation and cancellation emails go before reminders; a
# reminder is a delayed job, not run before its time and run after, and
# not sent when its booking was cancelled or moved; the processing-time
# histogram per queue is in /metrics.
. "$(dirname "$0")/lib.sh"
only_on lighttpd

psql_q() { psql -h "$VAR/pg/sock" -U exodrive -d exodrive -XAtc "$1"; }
rc() { redis-cli -s "$VAR/run/redis.sock" "$@"; }
day() { date -u -d "+$1 days" +%F; }
uuid() { cat /proc/sys/kernel/random/uuid; }
ms() { echo $(( $(date +%s%N) / 1000000 )); }
MAIL=$VAR/mail; LOGF=$VAR/log/exodrive.log
own_admin; A=(-H "Authorization: Bearer $OWN_ADMIN"); J=(-H 'Content-Type: application/json')
# The Redis job id the relay gave outbox row KEY of queue Q.
jobid() { rc GET "jq:{$1}:idem:$2"; }
relayed() { [ -n "$(jobid "$1" "$2")" ]; }
# Field F of job ID of queue Q, through the admin queue API.
field() { curl -s "${A[@]}" "$BASE/api/admin/queues/$1/jobs/$2" | jq -r ".job.$3 // empty"; }
state_is() { [ "$(field "$1" "$2" state)" = "$3" ]; }
# The events of job ID in queue Q's stream, one type a line.
events() { rc XRANGE "jq:{$1}:events" - + | paste - - - - - | awk -v id="$2" '$5 == id {print $3}'; }
outbox() {	# outbox Q NAME PAYLOAD KEY
	psql_q "insert into outbox (queue, job_name, payload, dedupe_key) values ('$1', '$2', '$3', '$4')" >/dev/null
}

lease=$(sed -n 's/^QUEUE_LEASE=//p' "$VAR/exodrive.env" | tail -1); lease=${lease:-30000}
check "the stack's lease is short (QUEUE_LEASE=$lease ms)" test "$lease" -le 5000
# Test delays are for development and test stacks only: this worker has them.
"$DEV" worker-stop
QUEUE_TEST_DELAYS=true "$DEV" worker-start
from=$(($(stat -c %s "$LOGF") + 1))

# 1. Lease renewal: an image job held 3.5 leases runs once.
key=slow-$RANDOM$RANDOM; delay=$((lease * 7 / 2))
outbox image variants "{\"path\":\"$(uuid)/$(uuid).jpg\",\"testDelayMs\":$delay}" "$key"
check "the slowed image job is relayed" until_ok 100 relayed image "$key"
id=$(jobid image "$key")
check "and taken by a worker" until_ok 100 state_is image "$id" active
sleep "$(awk -v l="$lease" 'BEGIN { print l * 1.5 / 1000 }')"
req GET "/api/admin/queues/image/jobs/$id" "${A[@]}"
check "1.5 leases in, it is still active (its lease renewed)" eq "$(js .job.state)" active
check "the admin API shows its progress ($(js .job.progress) %, $(js .job.stage))" \
	test "$(js '.job.progress // "0"')" -gt 0 -a "$(js .job.stage)" = "test delay"
req GET '/api/admin/queues/image/jobs?state=active' "${A[@]}"
check "and so does the list of active jobs" test "$(js "[.jobs[] | select(.id == $id) | .progress] | .[0] // 0")" -gt 0
check "the job completes after $delay ms" until_ok $((delay / 100 + 150)) state_is image "$id" completed
req GET "/api/admin/queues/image/jobs/$id" "${A[@]}"
check "in one attempt, never stalled" eq "$(js .job.atm) $(js .job.stc)" "1 0"
check "taken once (one active event, no stalled one)" eq "$(events image "$id" | sort | uniq -c | awk '{print $2 "=" $1}' | tr '\n' ' ')" "active=1 added=1 completed=1 "
ran() { tail -c +"$from" "$LOGF" | grep -F "image job $id: test delay" | wc -l; }
check "its handler ran once ($(ran) runs logged)" eq "$(ran)" 1
check "the worker logged its lease renewed while it ran" bash -c \
	"tail -c +$from '$LOGF' | grep -F 'image job $id (variants) done after' | grep -q 'renewed while it ran'"

# 2. A permanent failure goes straight to the dead-letter set.
key=perm-$RANDOM$RANDOM
outbox email no_such_kind '{"to":"nobody@example.com"}' "$key"
check "an email job of no known kind is relayed" until_ok 100 relayed email "$key"
id=$(jobid email "$key")
check "it is dead-lettered at once" until_ok 100 state_is email "$id" failed
req GET "/api/admin/queues/email/jobs/$id" "${A[@]}"
check "after 1 of its 5 attempts, failure permanent" eq "$(js .job.atm)/$(js .job.attempts) $(js .job.failure)" "1/5 permanent"
check "with its reason" eq "$(js .job.failedReason)" "no email kind no_such_kind, or its job data is not an object"
check "never retried (no retry event)" eq "$(events email "$id" | grep -c retry)" 0
req GET '/api/admin/queues/email/jobs?state=failed&limit=100' "${A[@]}"
check "the dead-letter list says why" eq "$(js "[.jobs[] | select(.id == $id)][0] | .failure + \": \" + .failedReason")" \
	"permanent: no email kind no_such_kind, or its job data is not an object"
key=perm-$RANDOM$RANDOM
outbox image variants '{"path":"../../etc/passwd"}' "$key"
check "an image job with an invalid path is relayed" until_ok 100 relayed image "$key"
id=$(jobid image "$key")
check "and dead-lettered at once, failure permanent" until_ok 100 state_is image "$id" failed
check "with its reason" eq "$(field image "$id" failure): $(field image "$id" failedReason)" \
	"permanent: image job $id names no valid upload path"
key=retry-$RANDOM$RANDOM
outbox email booking_confirmation '{"bookingId":"not-a-uuid"}' "$key"
check "a transient failure (the database refuses the id) is relayed" until_ok 100 relayed email "$key"
id=$(jobid email "$key")
check "and retried with back-off, not dead-lettered" until_ok 100 state_is email "$id" delayed
check "its failure is not final" eq "$(field email "$id" atm) $(field email "$id" failure)" "1 "
req DELETE "/api/admin/queues/email/jobs/$id" "${A[@]}"

# 3. Priorities: with the email queue paused, three reminders then a
# confirmation and a cancellation are queued; once resumed, the
# confirmation and the cancellation are taken first.
req POST /api/admin/queues/email/pause "${A[@]}" -d ''
check "the email queue is paused" eq "$STATUS" 200
tag=prio-$RANDOM$RANDOM; ids=()
for n in reminder reminder reminder booking_confirmation booking_cancellation; do
	outbox email $n "{\"bookingId\":\"$(uuid)\"}" "$tag-${#ids[@]}"
	until_ok 100 relayed email "$tag-${#ids[@]}"
	ids+=("$(jobid email "$tag-${#ids[@]}")")
done
check "all five are relayed while paused (ready: $(rc ZCARD 'jq:{email}:ready'))" test "$(rc ZCARD 'jq:{email}:ready')" -ge 5
req POST /api/admin/queues/email/resume "${A[@]}" -d ''
finished() { for i in "${ids[@]}"; do s=$(field email "$i" state); [ "$s" = completed ] || [ "$s" = failed ] || return 1; done; }
check "resumed, all five are processed" until_ok 150 finished
on() { field email "$1" processedOn; }
late_urgent=$(printf '%s\n' "$(on "${ids[3]}")" "$(on "${ids[4]}")" | sort -n | tail -1)
early_reminder=$(for i in 0 1 2; do on "${ids[$i]}"; done | sort -n | head -1)
check "the confirmation and the cancellation were taken before every reminder ($late_urgent <= $early_reminder)" \
	test "$late_urgent" -le "$early_reminder"
check "their priorities: 0 for them, 20 for reminders" eq "$(field email "${ids[3]}" priority) $(field email "${ids[4]}" priority) $(field email "${ids[0]}" priority)" "0 0 20"

# 4. Reminders are delayed jobs.
book() {	# book START END: the id of a booking of a car of its own
	local car
	car=$(curl -s -XPOST "$BASE/api/admin/cars" "${A[@]}" "${J[@]}" \
		-d "$(jq -nc --arg n "Queue Car $RANDOM$RANDOM" '{name:$n, category:"Exotic",
		pricing:{base_price:200, deposit_amount:500, minimum_days:1},
		images:[{url:"https://img.example/q.webp", is_primary:true, sort_order:0}]}')" | jq -r .carId)
	curl -s -XPOST "$BASE/api/bookings" "${J[@]}" -d "{\"carId\":\"$car\",\"startDate\":\"$(day "$1")\",\"endDate\":\"$(day "$2")\",\"customerDetails\":{\"fullName\":\"Queue Guest\",\"email\":\"queue-$RANDOM@example.com\"}}" | jq -r .bookingId
}
ref() { echo "EXO-$(echo "$1" | cut -c1-8 | tr a-f A-F)"; }
reminders() { grep -l '^Subject: Reminder: your Queue Car' "$MAIL"/* 2>/dev/null | xargs -r grep -l "Reference: $(ref "$1")" | wc -l; }
b1=$(book 1 2)
check "a booking picked up tomorrow is created" test -n "$b1" -a "$b1" != null
check "unpaid, it has no reminder queued" eq "$(psql_q "select count(*) from outbox where job_name = 'reminder' and payload->>'bookingId' = '$b1'")" 0
req PATCH "/api/admin/bookings/$b1/status" "${A[@]}" "${J[@]}" -d '{"status":"pending_contract"}'
check "an admin moves it to pending_contract (200)" eq "$STATUS" 200
check "which queues its reminder, due the day before pick-up at 00:00 UTC" eq \
	"$(psql_q "select payload->>'sendAt' from outbox where dedupe_key = 'reminder:$b1:$(day 1)'")" "$(day 0)T00:00:00Z"
sent1() { [ "$(reminders "$b1")" -ge 1 ]; }
check "that time has passed: the reminder is sent now" until_ok 150 sent1
req PATCH "/api/admin/bookings/$b1/status" "${A[@]}" "${J[@]}" -d '{"status":"upcoming"}'
check "moved on to upcoming (200)" eq "$STATUS" 200
sleep 2
check "no second reminder for the same day" eq "$(reminders "$b1")" 1
# One picked up in 30 days waits in the delayed set until the day before.
b30=$(book 30 32)
req PATCH "/api/admin/bookings/$b30/status" "${A[@]}" "${J[@]}" -d '{"status":"pending_contract"}'
k30="reminder:$b30:$(day 30)"
check "a booking picked up in 30 days gets a reminder job" until_ok 100 relayed email "$k30"
due=$(rc ZSCORE 'jq:{email}:delayed' "$(jobid email "$k30")")
want=$(( $(date -u -d "$(day 29) 00:00" +%s) * 1000 ))
check "delayed until the day before pick-up, 00:00 UTC (due $due, within 2 s of $want)" \
	test "$(( ${due%.*} - want ))" -ge 0 -a "$(( ${due%.*} - want ))" -lt 2000

# A reminder due in 6 s: not run before its time, run after.
b2=$(book 1 3)
psql_q "update bookings set overall_status = 'upcoming' where id = '$b2'" >/dev/null
at=$(( $(date +%s) + 6 )); key=remind-$RANDOM$RANDOM
outbox email reminder "{\"bookingId\":\"$b2\",\"startDate\":\"$(day 1)\",\"sendAt\":\"$(date -u -d "@$at" +%FT%TZ)\"}" "$key"
check "a reminder due in 6 s is relayed" until_ok 50 relayed email "$key"
id=$(jobid email "$key")
check "as a delayed job" eq "$(field email "$id" state)" delayed
sleep 2
check "2 s later it has not run: still delayed" eq "$(field email "$id" state)" delayed
check "and no reminder was sent" eq "$(reminders "$b2")" 0
check "after its time it runs" until_ok 150 state_is email "$id" completed
check "and the reminder is sent" eq "$(reminders "$b2")" 1
check "not before its time (taken at $(field email "$id" processedOn), due $((at * 1000)))" \
	test "$(field email "$id" processedOn)" -ge $((at * 1000))
# Cancelled, or moved to other dates, before it fires: no reminder.
b3=$(book 1 4)
psql_q "update bookings set overall_status = 'upcoming' where id = '$b3'" >/dev/null
at=$(( $(date +%s) + 3 )); key=remind-$RANDOM$RANDOM
outbox email reminder "{\"bookingId\":\"$b3\",\"startDate\":\"$(day 1)\",\"sendAt\":\"$(date -u -d "@$at" +%FT%TZ)\"}" "$key"
until_ok 50 relayed email "$key"; id3=$(jobid email "$key")
req PATCH "/api/admin/bookings/$b3/status" "${A[@]}" "${J[@]}" -d '{"status":"cancelled","reason":"test"}'
check "the booking is cancelled before its reminder fires (200)" eq "$STATUS" 200
key=remind-$RANDOM$RANDOM
outbox email reminder "{\"bookingId\":\"$b2\",\"startDate\":\"$(day 2)\",\"sendAt\":\"$(date -u -d "@$at" +%FT%TZ)\"}" "$key"
until_ok 50 relayed email "$key"; id4=$(jobid email "$key")
check "the cancelled booking's reminder runs" until_ok 150 state_is email "$id3" completed
check "and sends nothing, saying why" eq "$(reminders "$b3") $(field email "$id3" stage)" "0 not sent: no longer due"
check "a reminder for dates the booking no longer has runs" until_ok 150 state_is email "$id4" completed
check "and sends nothing" eq "$(reminders "$b2") $(field email "$id4" stage)" "1 not sent: no longer due"

# A provider's 4xx is permanent too: Resend (the local stand-in) refusing
# the worker's key with 401.
RPORT=$(( ${BASE##*:} + 68 ))
python3 "$(dirname "$0")/../stubs/resend.py" "$RPORT" "$OUT/resend.log" re_the_right_key </dev/null >/dev/null 2>&1 &
stub=$!
until_ok 50 bash -c "exec 3<>/dev/tcp/127.0.0.1/$RPORT" 2>/dev/null
"$DEV" worker-stop
RESEND_API_KEY=re_a_wrong_key RESEND_API_URL=http://127.0.0.1:$RPORT QUEUE_TEST_DELAYS=true "$DEV" worker-start
key=resend-$RANDOM$RANDOM
outbox email booking_confirmation "{\"bookingId\":\"$b1\"}" "$key"
check "an email job while Resend refuses the key is relayed" until_ok 100 relayed email "$key"
id=$(jobid email "$key")
check "Resend's 401 dead-letters it at once" until_ok 150 state_is email "$id" failed
check "after 1 attempt, failure permanent, with Resend's answer" eq \
	"$(field email "$id" atm) $(field email "$id" failure) $(field email "$id" failedReason | cut -c1-19)" "1 permanent Resend answered 401"
kill "$stub" 2>/dev/null

# 5. The processing-time histogram per queue.
FROM=loopback req GET /metrics
check "/metrics has the job processing-time histogram" grep -q '^# TYPE exodrive_job_duration_seconds histogram' "$OUT/body"
check "a bucket per queue" eq "$(grep -c '^exodrive_job_duration_seconds_bucket{queue="email",le=' "$OUT/body")" 13
slow=$(awk -v l="$lease" 'BEGIN { print l * 3.5 / 1000 }')
check "the slowed image job is counted above $slow s" awk -v s="$slow" '
	/^exodrive_job_duration_seconds_bucket\{queue="image",le="\+Inf"\}/ { inf = $2 }
	/^exodrive_job_duration_seconds_bucket\{queue="image",le="/ && !/\+Inf/ {
		le = $1; sub(/.*le="/, "", le); sub(/".*/, "", le); if (le + 0 < s + 0) below = $2 }
	/^exodrive_job_duration_seconds_sum\{queue="image"\}/ { sum = $2 }
	END { exit !(inf > below && sum >= s) }' "$OUT/body"
check "and the email jobs too" test "$(grep '^exodrive_job_duration_seconds_count{queue="email"}' "$OUT/body" | awk '{print $2}')" -ge 5

"$DEV" worker-stop
"$DEV" worker-start
