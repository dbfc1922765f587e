# test-79-worker: the job queue and the email worker against a real SMTP
# server (Postfix's smtp-sink): outbox -> queue -> rendered email; lease
# fencing and back-off; kill -9 of a worker during 1500 jobs and a Redis
# restart (AOF) lose nothing; graceful stop.
. "$(dirname "$0")/lib.sh"
only_on lighttpd

psql_q() { psql -h "$VAR/pg/sock" -U exodrive -d exodrive -XAtc "$1"; }
rc() { redis-cli -s "$VAR/run/redis.sock" "$@"; }
day() { date -u -d "+$1 days" +%F; }
MAIL=$VAR/mail
PROBE=$(dirname "$BIN")/../tests/load/queue-probe
# Ready, active, and delayed jobs due within a minute (retries; reminders
# wait in the delayed set until the day before their pick-up).
counts() { echo "$(rc ZCARD 'jq:{email}:ready') $(rc ZCARD 'jq:{email}:active') $(rc ZCOUNT 'jq:{email}:delayed' -inf $(( $(date +%s) * 1000 + 60000 )))"; }
drained() { [ "$(psql_q "select count(*) from outbox where relayed_at is null and queue = 'email'")" = 0 ] && [ "$(counts)" = "0 0 0" ]; }
# Distinct job ids in (from, to] that reached the SMTP server.
delivered() {
	grep -h '^Message-ID: <job-email-' "$MAIL"/* 2>/dev/null |
		sed -E 's/.*job-email-([0-9]+)\..*/\1/' |
		awk -v s="$1" -v e="$2" '$1 > s && $1 <= e' | sort -u | wc -l
}

# A booking: its confirmation goes outbox -> queue -> worker -> SMTP.
adm=$(curl -s -XPOST "$BASE/api/auth/login" -H 'Content-Type: application/json' \
	-d '{"email":"admin@exodrive.com","password":"exodrive-dev-password"}' | jq -r .accessToken)
car=$(curl -s -XPOST "$BASE/api/admin/cars" -H "Authorization: Bearer $adm" -H 'Content-Type: application/json' \
	-d "$(jq -nc --arg n "Mail Test Car $RANDOM$RANDOM" '{name:$n, category:"Exotic",
	pricing:{base_price:200, deposit_amount:500, minimum_days:1},
	images:[{url:"https://img.example/mail.webp", is_primary:true, sort_order:0}]}')" | jq -r .carId)
req POST /api/bookings -H 'Content-Type: application/json' -d "{\"carId\":\"$car\",\"startDate\":\"$(day 30)\",\"endDate\":\"$(day 33)\",\"customerDetails\":{\"fullName\":\"Tom <b>&</b> 'Jerry'\",\"email\":\"tom-$RANDOM@example.com\"}}"
bid=$(js .bookingId)
check "a booking is created (201)" eq "$STATUS" 201
ref="EXO-$(echo "$bid" | cut -c1-8 | tr a-f A-F)"
sent() { grep -l "Reference:  *$ref" "$MAIL"/* >/dev/null 2>&1; }
check "its confirmation reaches the SMTP server within seconds" until_ok 100 sent
f=$(grep -l "Reference:  *$ref" "$MAIL"/* | head -1)
check "subject: the unpaid booking is held, naming the car" grep -q '^Subject: Booking Held until .* - Mail Test Car' "$f"
check "the HTML part escapes the customer's name" grep -q 'Hello Tom &lt;b&gt;&amp;&lt;/b&gt; &#39;Jerry&#39;,' "$f"
check "the text part keeps it as typed" grep -q "Hello Tom <b>&</b> 'Jerry'," "$f"
mid=$(sed -n 's/^Message-ID: //p' "$f" | tr -d '\r')
check "the Message-ID is made from the job id ($mid)" bash -c "[[ '$mid' =~ ^\<job-email-[0-9]+\.booking_confirmation@exodrive\.co\>$ ]]"
check "the booking records it as sent with that Message-ID" eq "$(psql_q "select email_confirmation_status||' '||email_confirmation_message_id from bookings where id='$bid'")" "sent $mid"
check "and email_events too" eq "$(psql_q "select status from email_events where booking_id='$bid' and email_type='booking_confirmation'")" sent

# Admin: preview, resend, inbox.
req GET "/api/admin/emails/preview?type=booking_confirmation&bookingId=$bid" -H "Authorization: Bearer $adm"
check "preview renders the HTML email" eq "$STATUS $(hdr Content-Type)" "200 text/html; charset=utf-8"
check "with the name escaped" grep -q 'Hello Tom &lt;b&gt;&amp;&lt;/b&gt;' "$OUT/body"
req GET "/api/admin/emails/preview?type=booking_confirmation&format=text&bookingId=$bid" -H "Authorization: Bearer $adm"
check "and the text one" grep -q "Reference:  *$ref" "$OUT/body"
req GET "/api/admin/emails/preview?type=booking_confirmation&bookingId=00000000-0000-4000-8000-000000000000" -H "Authorization: Bearer $adm"
check "the preview of an unknown booking is the 404 envelope" eq "$STATUS $(js .error.code)" "404 NOT_FOUND"
n0=$(grep -l "Reference:  *$ref" "$MAIL"/* | wc -l)
req POST /api/admin/emails/resend -H "Authorization: Bearer $adm" -H 'Content-Type: application/json' -d "{\"bookingId\":\"$bid\",\"emailType\":\"booking_confirmation\",\"reason\":\"lost\"}"
check "an admin queues the confirmation again (202)" eq "$STATUS" 202
resent() { [ "$(grep -l "Reference:  *$ref" "$MAIL"/* | wc -l)" -gt "$n0" ]; }
check "and it is sent again" until_ok 100 resent
req POST /api/admin/emails/resend -H "Authorization: Bearer $adm" -H 'Content-Type: application/json' -d "{\"bookingId\":\"$bid\",\"emailType\":\"payment_receipt\"}"
check "a receipt without a captured payment is 409" eq "$STATUS" 409
# A provider event of our own (Resend, Svix-signed) for the inbox to list.
rkey=$(sed -n 's/^RESEND_WEBHOOK_SECRET=whsec_//p' "$VAR/exodrive.env" | tail -1 | base64 -d | od -An -tx1 | tr -d ' \n')
eid="re_inbox$RANDOM$RANDOM"; sid="msg_inbox$RANDOM$RANDOM"; ts=$(date +%s)
ev="{\"type\":\"email.delivered\",\"created_at\":\"$(date -u +%FT%T.000Z)\",\"data\":{\"email_id\":\"$eid\",\"from\":\"ExoDrive <bookings@exodrive.co>\",\"to\":[\"$eid@example.com\"],\"subject\":\"Booking Confirmed\",\"created_at\":\"$(date -u +%FT%TZ)\",\"tags\":{\"booking_id\":\"$bid\",\"email_type\":\"booking_confirmation\"}}}"
sig=$(printf '%s.%s.%s' "$sid" "$ts" "$ev" | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$rkey" -binary | base64)
req POST /api/webhooks/resend -H 'Content-Type: application/json' -H "svix-id: $sid" \
	-H "svix-timestamp: $ts" -H "svix-signature: v1,$sig" -d "$ev"
check "a provider event is accepted (200)" eq "$STATUS" 200
req GET "/api/admin/inbox?search=$eid" -H "Authorization: Bearer $adm"
check "the inbox lists provider events" eq "$(js '.pagination.total') $(js '.emails[0].emailId') $(js '.emails[0].lastEvent')" "1 $eid email.delivered"

# Reminders: a booking picked up tomorrow gets one email, once: a delayed
# job queued when the booking is confirmed, due the day before pick-up
# (already passed here; test-68 covers the delays and the run-time checks).
req POST /api/bookings -H 'Content-Type: application/json' -d "{\"carId\":\"$car\",\"startDate\":\"$(day 1)\",\"endDate\":\"$(day 2)\",\"customerDetails\":{\"fullName\":\"Early Bird\",\"email\":\"early-$RANDOM@example.com\"}}"
bid2=$(js .bookingId); ref2="EXO-$(echo "$bid2" | cut -c1-8 | tr a-f A-F)"
move() { req PATCH "/api/admin/bookings/$bid2/status" -H "Authorization: Bearer $adm" -H 'Content-Type: application/json' -d "{\"status\":\"$1\"}"; }
move pending_contract
check "an admin confirms tomorrow's booking (pending_contract)" eq "$STATUS" 200
reminders() { grep -l '^Subject: Reminder: your Mail Test Car' "$MAIL"/* 2>/dev/null | xargs -r grep -l "Reference: $ref2" | wc -l; }
reminded() { [ "$(reminders)" -ge 1 ]; }
check "the reminder of tomorrow's pick-up is sent" until_ok 150 reminded
move upcoming
check "and moves it on to upcoming" eq "$STATUS" 200
# Then an email queued after that, and an empty queue: whatever the
# moves queued has been sent by now.
confirmed() { grep -l "^Subject: Booking Confirmed - Mail Test Car" "$MAIL"/* 2>/dev/null | xargs -r grep -l "Reference:  *$ref2" | wc -l; }
c0=$(confirmed)
req POST /api/admin/emails/resend -H "Authorization: Bearer $adm" -H 'Content-Type: application/json' -d "{\"bookingId\":\"$bid2\",\"emailType\":\"booking_confirmation\",\"reason\":\"marker\"}"
later() { [ "$(confirmed)" -gt "$c0" ] && drained; }
check "an email queued after them is sent and the queue is empty" until_ok 150 later
check "once, however often it is confirmed" eq "$(reminders)" 1

# The queue scripts: lease fencing and the retry back-off.
"$PROBE" "$VAR/exodrive.env" lease > "$OUT/lease"
check "a job whose lease expired is put back by the reaper" grep -qx 'reaped 1' "$OUT/lease"
check "and taken by another worker" grep -qx 'same_job 1' "$OUT/lease"
check "the first worker's heartbeat is refused" grep -qx 'heartbeat_a 0' "$OUT/lease"
check "a late finisher is rejected" grep -qx 'finish_a 0' "$OUT/lease"
check "the lease holder finishes, once" bash -c "grep -qx 'finish_b 1' '$OUT/lease' && grep -qx 'finish_b_again 0' '$OUT/lease'"
"$PROBE" "$VAR/exodrive.env" backoff > "$OUT/backoff"
check "an idempotency key adds one job" bash -c "grep -qx 'dup_first 0' '$OUT/backoff' && grep -qx 'dup_second 1' '$OUT/backoff'"
w2=$(awk '/^waited_ms 2/ {print $3}' "$OUT/backoff"); w3=$(awk '/^waited_ms 3/ {print $3}' "$OUT/backoff")
check "retry 1 waits 1 s + up to 20% jitter ($w2 ms)" test "$w2" -ge 1000 -a "$w2" -le 1500
check "retry 2 waits 2 s + up to 20% jitter ($w3 ms)" test "$w3" -ge 2000 -a "$w3" -le 2700
check "the last failure dead-letters the job" grep -qx 'after_failure 3 delayed 0 failed 1' "$OUT/backoff"
"$PROBE" "$VAR/exodrive.env" rate > "$OUT/rate"
first=$(awk '/^taken_at_ms/ && $2 < 1000' "$OUT/rate" | wc -l)
check "a queue limited to 5 jobs/s hands out 5 in its first second ($first)" eq "$first" 5
check "then says how long to wait (≤ 1000 ms)" awk '/^last_limited_ms/ { ok = $2 > 0 && $2 <= 1000 } END { exit !ok }' "$OUT/rate"
check "and all 12 jobs are taken within 2.5 s" grep -qx 'taken 12' "$OUT/rate"
"$PROBE" "$VAR/exodrive.env" stats > "$OUT/stats"
check "per-minute stats count 2 completed and 1 failed" eq "$(sed 's/^stats //' "$OUT/stats" | jq '[.[].completed] | add'),$(sed 's/^stats //' "$OUT/stats" | jq '[.[].failed] | add')" 2,1

# kill -9 of a worker holding a job during 1500 jobs: every job is
# delivered.  The workers are the children that log sending this run's
# jobs (the other child, the scheduler, sends none).  With the SMTP server
# stopped for a moment each worker is stuck in the job it took, so when
# as many jobs are held as there are workers, each holds one, and the
# victim is killed holding it.  The reaper putting a job back afterwards
# shows it was held.
until_ok 200 drained
start=$(rc GET 'jq:{email}:id'); start=${start:-0}
LOGF=$VAR/log/exodrive.log
from=$(( $(stat -c %s "$LOGF") + 1 ))
parent=$(cat "$VAR/run/worker.pid")
kids=$(pgrep -P "$parent" | sort)
psql_q "insert into outbox (queue, job_name, payload, dedupe_key) select 'email', 'booking_confirmation', json_build_object('bookingId', '$bid')::jsonb, 'load-$start-' || g from generate_series(1, 1500) g" >/dev/null
senders() {
	tail -c +"$from" "$LOGF" | grep '"role":"worker"' | grep -F 'sent as <job-email-' |
		jq -r --argjson s "$start" 'select((.msg | capture("job (?<id>[0-9]+)").id | tonumber) > $s) | .pid' |
		sort -u | comm -12 - <(echo "$kids")
}
all_seen() { [ "$(senders | wc -l)" -eq $(( $(echo "$kids" | wc -l) - 1 )) ]; }
check "every worker but the scheduler sends jobs of the run" until_ok 100 all_seen
workers=$(senders); nworkers=$(echo "$workers" | wc -l)
victim=$(echo "$workers" | head -1)
# One round trip gives the time (for the events after it) and the jobs
# held, and the kill follows at once.
all_held() {
	set -- $(printf 'TIME\nZCARD jq:{email}:active\n' | rc)
	t=$(( $1 * 1000 + $2 / 1000 )); held=$3
	[ "$held" -ge "$nworkers" ]
}
smtp=$(cat "$VAR/run/smtp.pid")
kill -STOP "$smtp"
if until_ok 50 all_held; then kill -9 "$victim"; else victim=; fi
kill -CONT "$smtp"
check "all $nworkers workers hold a job at once ($held held)" test -n "$victim"
dead() { [ -n "$victim" ] && ! kill -0 "$victim" 2>/dev/null; }
check "a worker holding a job is killed with -9 mid-run (pid $victim)" until_ok 50 dead
stalled() { rc XRANGE 'jq:{email}:events' "${t:-0}" + | grep -qx stalled; }
lease=$(sed -n 's/^QUEUE_LEASE=//p' "$VAR/exodrive.env"); lease=${lease:-30000}
check "the job it held is put back by the reaper (stalled)" until_ok $(( lease / 100 + 100 )) stalled
check "all 1500 jobs drain" until_ok 600 drained
check "every one of them reached the SMTP server ($(delivered "$start" $((start + 1500))) distinct)" eq "$(delivered "$start" $((start + 1500)))" 1500
replaced() { [ "$(pgrep -P "$parent" | wc -l)" -eq "$(echo "$kids" | wc -l)" ] && ! pgrep -P "$parent" | grep -qx "$victim"; }
check "the worker parent replaced the killed process" until_ok 50 replaced

# Redis restarted (AOF on) in the middle of 500 jobs: none lost.
start=$(rc GET 'jq:{email}:id')
psql_q "insert into outbox (queue, job_name, payload, dedupe_key) select 'email', 'booking_confirmation', json_build_object('bookingId', '$bid')::jsonb, 'aof-$start-' || g from generate_series(1, 500) g" >/dev/null
sleep 0.3
"$DEV" redis-stop; redis_start
check "after a Redis restart all 500 jobs drain" until_ok 600 drained
end=$(rc GET 'jq:{email}:id')
check "each relayed once ($((end - start)) jobs for 500 rows)" eq $((end - start)) 500
check "and every one was delivered" eq "$(delivered "$start" "$end")" 500

# The admin queue API.
A=(-H "Authorization: Bearer $adm")
req GET /api/admin/queues "${A[@]}"
check "queue counts per state" eq "$(js '.queues[0].name + " " + (.queues[0].ready|tostring) + " " + (.queues[0].paused|tostring)')" "email 0 false"
req POST /api/admin/queues/email/pause "${A[@]}" -d ''
check "an admin pauses the email queue" eq "$STATUS" 200
psql_q "insert into outbox (queue, job_name, payload, dedupe_key) values ('email', 'booking_confirmation', '{\"bookingId\":\"00000000-0000-4000-8000-000000000000\"}', 'admin-$RANDOM$RANDOM')" >/dev/null
queued() { [ "$(rc ZCARD 'jq:{email}:ready')" = 1 ]; }
check "paused: the relayed job waits in ready" until_ok 100 queued
req GET '/api/admin/queues/email/jobs?state=ready' "${A[@]}"
jid=$(js '.jobs[0].id')
check "the ready list shows it" eq "$(js '.pagination.total') $(js '.jobs[0].name')" "1 booking_confirmation"
req GET "/api/admin/queues/email/jobs/$jid" "${A[@]}"
check "job detail: state and data" eq "$(js .job.state) $(js .job.data | jq -r .bookingId)" "ready 00000000-0000-4000-8000-000000000000"
req POST "/api/admin/queues/email/jobs/$jid/retry" "${A[@]}" -d ''
check "only a dead letter can be retried (409)" eq "$STATUS" 409
# Make it a dead letter (as five failed attempts would), then retry it.
rc ZREM 'jq:{email}:ready' "$jid" >/dev/null; rc ZADD 'jq:{email}:failed' 1 "$jid" >/dev/null
rc HSET "jq:{email}:job:$jid" atm 5 failedReason test >/dev/null
req POST "/api/admin/queues/email/jobs/$jid/retry" "${A[@]}" -d ''
check "a dead letter is retried" eq "$STATUS" 200
req GET "/api/admin/queues/email/jobs/$jid" "${A[@]}"
check "back in ready with fresh attempts" eq "$(js .job.state) $(js .job.atm)" "ready 0"
req DELETE "/api/admin/queues/email/jobs/$jid" "${A[@]}"
check "an admin removes a job" eq "$STATUS" 200
req GET "/api/admin/queues/email/jobs/$jid" "${A[@]}"
check "it is gone (404)" eq "$STATUS" 404
req POST /api/admin/queues/email/resume "${A[@]}" -d ''
req GET /api/admin/queues "${A[@]}"
check "resumed" eq "$(js '.queues[0].paused')" false
req GET /api/admin/queues/webhooks/jobs "${A[@]}"
check "an unknown queue is 400" eq "$STATUS" 400
req GET '/api/admin/queues/email/stats?minutes=5' "${A[@]}"
check "per-minute stats of a queue: 5 minutes" eq "$(js '.minutes | length')" 5
check "and the email queue completed jobs in them" test "$(js '[.minutes[].completed] | add')" -gt 0
req GET /api/admin/queues "${A[@]}"
check "the queue list names every queue" eq "$(js '[.queues[].name] | join(",")')" email,webhook,image,report
john=$(curl -s -XPOST "$BASE/api/auth/login" -H 'Content-Type: application/json' \
	-d '{"email":"john.doe@example.com","password":"exodrive-dev-password"}' | jq -r .accessToken)
req GET /api/admin/queues -H "Authorization: Bearer $john"
check "the queue API is admin-only" eq "$STATUS" 403

# The scheduler claims each task's slot in Redis and runs it.
scheduled() { for t in capture-payments expire-holds webhook-retry; do
	rc --scan --pattern "sched:v1:$t:*" | grep -q . || return 1; done; }
check "the scheduler ran captures, hold expiry and webhook retries" until_ok 100 scheduled
slot=$(rc --scan --pattern 'sched:v1:capture-payments:*' | head -1)
check "a slot is claimed for at most 15 minutes + 60 s" test "$(rc PTTL "$slot")" -gt 0 -a "$(rc PTTL "$slot")" -le 960000

# Graceful stop: SIGTERM ends the workers within seconds.
kill -TERM "$parent"
gone() { ! kill -0 "$parent" 2>/dev/null; }
check "SIGTERM stops the worker parent and its workers" until_ok 100 gone
check "no worker is left" test "$(pgrep -P "$parent" | wc -l)" -eq 0
"$DEV" worker-start
