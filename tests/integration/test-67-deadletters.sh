# test-67-deadletters: inbound webhook deliveries whose processing keeps
# failing become dead letters.  Admins list and filter them, read one
# without credentials, discard one with a reason (never retried after),
# and retry one once its cause is fixed: applied exactly once, even by two
# retries at once.  The /metrics gauge and counters and `exodrive monitor`
# follow them; bad input changes nothing.
. "$(dirname "$0")/lib.sh"

psql_q() { psql -h "$VAR/pg/sock" -U exodrive -d exodrive -XAtqc "$1"; }
day() { date -u -d "+$1 days" +%F; }
envv() { sed -n "s/^$1=//p" "$VAR/exodrive.env" | tail -1; }
CRON=$(envv CRON_SECRET); DSEC=$(envv DOCUSEAL_WEBHOOK_SECRET)
own_admin
own_allowance 10
A=(-H "Authorization: Bearer $OWN_ADMIN")
J=(-H 'Content-Type: application/json')
DL=/api/admin/webhooks/inbound/dead-letters

# A car and a PayPal booking of this run's own, authorized, not captured.
car=$(curl -s -XPOST "$BASE/api/admin/cars" "${A[@]}" "${J[@]}" \
	-d "$(jq -nc --arg n "Dead Letter Car $SERVER $RANDOM$RANDOM" '{name:$n, category:"Exotic",
	pricing:{base_price:400, deposit_amount:800, minimum_days:1},
	images:[{url:"https://img.example/dead.webp", is_primary:true, sort_order:0}]}')" | jq -r .carId)
s=$(day 700); e=$(day 702)
req POST /api/bookings/create-paypal-order "${J[@]}" \
	-d "{\"carId\":\"$car\",\"startDate\":\"$s\",\"endDate\":\"$e\",\"bookingId\":\"temp-$RANDOM\"}"
order=$(js .orderID); amount=$(js .amount)
req POST /api/bookings/authorize-paypal-order "${J[@]}" \
	-d "{\"orderID\":\"$order\",\"bookingDetails\":{\"carId\":\"$car\",\"startDate\":\"$s\",\"endDate\":\"$e\",\"totalPrice\":$amount,\"customer\":{\"firstName\":\"Dee\",\"lastName\":\"Letter\",\"email\":\"dead-$SERVER@example.com\"}}}"
bid=$(js .bookingId); auth=$(js .authorizationId)
check "an authorized PayPal booking to send events about" eq "$STATUS $(psql_q "select status from payments where booking_id='$bid'")" "200 authorized"

wh() {	# wh EVENT_JSON [extra curl args]: a signed PayPal delivery
	local ev=$1 tx=tx-67-$SERVER-$RANDOM$RANDOM eid
	shift
	eid=$(echo "$ev" | jq -r .id)
	req POST /api/webhooks/paypal "${J[@]}" "$@" \
		-H 'User-Agent: PayPal/AUHD-214.0-58843234' -H 'PayPal-Auth-Algo: SHA256withRSA' \
		-H 'PayPal-Cert-Url: https://api.sandbox.paypal.com/v1/notifications/certs/CERT-360caa42' \
		-H "PayPal-Transmission-Id: $tx" \
		-H "PayPal-Transmission-Sig: sig-$(printf '%s|%s' "$tx" "$eid" | sha256sum | cut -c1-32)" \
		-H "PayPal-Transmission-Time: $(date -u +%Y-%m-%dT%H:%M:%SZ)" -d "$ev"
}
event() {	# event ID TYPE RESOURCE_JSON
	echo "{\"id\":\"$1\",\"event_version\":\"1.0\",\"create_time\":\"$(date -u +%FT%TZ)\",\"resource_type\":\"capture\",\"event_type\":\"$2\",\"summary\":\"test-67\",\"resource\":$3,\"links\":[]}"
}
docuseal() {	# docuseal BODY: a signed DocuSeal delivery
	req POST /api/webhooks/docuseal "${J[@]}" -d "$1" \
		-H "X-DocuSeal-Signature: $(printf '%s' "$1" | openssl dgst -sha256 -hmac "$DSEC" | awk '{print $NF}')"
}
metric() {	# metric NAME{LABELS}: its value in /metrics now (0 when absent)
	local v
	v=$(curl -s "$BASE/metrics" "${A[@]}" | grep -F "$1 " | awk '{print $NF}')
	echo "${v:-0}"
}
gauge() { metric "exodrive_webhook_dead_letters_waiting{provider=\"$1\"}"; }
counter() { metric "exodrive_webhook_dead_letter_events_total{provider=\"$1\",outcome=\"$2\"}"; }
waiting() { psql_q "select count(*) from webhook_retries where status = 'dead_letter'"; }
monitor() {	# monitor THRESHOLD: exit status and the dead-letter check as JSON
	# (the checks of what users feel judge the whole suite's answers, which
	# other scripts fill with 5xx and 429s on purpose: test-61's business)
	MONITOR_5XX_PCT=100 MONITOR_429_PCT=100 MONITOR_P95_MS=600000 \
	MONITOR_WEBHOOK_DEAD_LETTERS=$1 "$BIN" --config "$VAR/exodrive.env" monitor --report --json \
		> "$OUT/monitor" 2>/dev/null
	echo "$? $(jq -c '[.[] | select(.check == "webhook dead letters") | .ok]' "$OUT/monitor")"
}
g0_pp=$(gauge paypal); g0_ds=$(gauge docuseal)
c0_dead=$(counter paypal dead_lettered); c0_ds_dead=$(counter docuseal dead_lettered)
c0_ret=$(counter paypal retried); c0_fail=$(counter paypal retry_failed)
c0_disc=$(counter paypal discarded); c0_ds_ret=$(counter docuseal retried)

# The cause: this booking's timeline refuses every new event (a stand-in
# for a failure that an operator can fix), so every event about it fails.
trig=t67_refuse_${SERVER}_$$
trap 'psql_q "drop trigger if exists $trig on booking_events; drop function if exists $trig();" >/dev/null 2>&1
	lib_keep_sanitizer_reports; rm -rf "$OUT"' EXIT
psql_q "create function $trig() returns trigger language plpgsql as
	\$\$ begin raise exception 'test-67: booking events of % are refused', new.booking_id; end \$\$;
	create trigger $trig before insert on booking_events for each row
	when (new.booking_id = '$bid') execute function $trig();"

# Three deliveries about it: the capture (to be retried), a refund (to be
# discarded, carrying a credential-looking field), a contract view.
p1=WH-67-cap-$SERVER-$RANDOM$RANDOM; p2=WH-67-ref-$SERVER-$RANDOM$RANDOM
ev1=$(event "$p1" PAYMENT.CAPTURE.COMPLETED "{\"id\":\"CAP-67-$RANDOM\",\"status\":\"COMPLETED\",\"amount\":{\"currency_code\":\"USD\",\"value\":\"$amount\"},\"supplementary_data\":{\"related_ids\":{\"authorization_id\":\"$auth\"}}}")
wh "$ev1"
check "a capture whose processing fails is 500" eq "$STATUS" 500
wh "$(event "$p2" PAYMENT.CAPTURE.REFUNDED "{\"id\":\"REF-67-$RANDOM\",\"custom_id\":\"$bid\",\"auth_token\":\"tok-secret-67-$SERVER\"}")"
check "so is a refund" eq "$STATUS" 500
d1body="{\"event_type\":\"form.viewed\",\"timestamp\":\"$(date -u +%FT%TZ)\",\"data\":{\"id\":$RANDOM,\"submission_id\":\"sub-67-$SERVER-$$\",\"metadata\":{\"booking_id\":\"$bid\"}}}"
docuseal "$d1body"
check "and a DocuSeal contract view" eq "$STATUS" 500
d1=$(printf '%s' "$d1body" | sha256sum | cut -c1-32)
mine="'$p1','$p2','$d1'"
check "all three are stored for retry" eq "$(psql_q "select count(*) from webhook_retries where webhook_id in ($mine) and status = 'pending'")" 3

# The retry job runs them until their attempts run out.
for i in 1 2 3 4 5 6; do
	psql_q "update webhook_retries set next_retry_at = now() - interval '1 s'
		where webhook_id in ($mine) and status in ('pending', 'processing')"
	req POST /api/webhooks/retry -d '' -H "Authorization: Bearer $CRON"
	[ "$(psql_q "select count(*) from webhook_retries where webhook_id in ($mine) and status = 'dead_letter'")" = 3 ] && break
done
check "after 5 failed attempts each is a dead letter" eq "$(psql_q "select string_agg(status || ':' || attempt_count, ' ') from webhook_retries where webhook_id in ($mine)")" "dead_letter:5 dead_letter:5 dead_letter:5"
check "and nothing was applied: the payment is still authorized" eq "$(psql_q "select status from payments where booking_id='$bid'")" authorized
id1=$(psql_q "select id from webhook_retries where webhook_id='$p1'")
id2=$(psql_q "select id from webhook_retries where webhook_id='$p2'")
id3=$(psql_q "select id from webhook_retries where webhook_id='$d1'")

# Metrics and the monitor see them.
check "the dead-lettered counter counts 2 PayPal deliveries ($c0_dead -> …)" eq "$(counter paypal dead_lettered)" $((c0_dead + 2))
check "and 1 DocuSeal delivery" eq "$(counter docuseal dead_lettered)" $((c0_ds_dead + 1))
check "the waiting gauge has 2 more PayPal dead letters ($g0_pp -> …)" eq "$(gauge paypal)" $((g0_pp + 2))
check "and 1 more DocuSeal one" eq "$(gauge docuseal)" $((g0_ds + 1))
n=$(waiting)
check "exodrive monitor alerts when more wait than MONITOR_WEBHOOK_DEAD_LETTERS ($n > $((n - 1)))" eq "$(monitor $((n - 1)))" "1 [false]"
check "and passes at the threshold" eq "$(monitor "$n")" "0 [true]"

# The list: paged, filtered by provider and event type, newest first.
req GET "$DL" "${A[@]}"
check "the list answers 200 with the waiting dead letters" eq "$STATUS $(js "[.deadLetters[] | select(.id == \"$id1\" or .id == \"$id2\" or .id == \"$id3\")] | length")" "200 3"
check "each with its provider, event, state and attempts" eq "$(js ".deadLetters[] | select(.id == \"$id1\") | \"\(.provider) \(.eventId) \(.eventType) \(.state) \(.attempts)\"")" "paypal $p1 PAYMENT.CAPTURE.COMPLETED waiting 5"
req GET "$DL?provider=docuseal" "${A[@]}"
check "provider=docuseal lists DocuSeal's alone" eq "$(js '[.deadLetters[].provider] | unique | join(",")') $(js "[.deadLetters[] | select(.id == \"$id3\")] | length")" "docuseal 1"
req GET "$DL?provider=paypal&eventType=PAYMENT.CAPTURE.COMPLETED&limit=100" "${A[@]}"
check "provider and eventType together" eq "$(js '[.deadLetters[].eventType] | unique | join(",")') $(js "[.deadLetters[] | select(.id == \"$id1\")] | length") $(js "[.deadLetters[] | select(.id == \"$id2\")] | length")" "PAYMENT.CAPTURE.COMPLETED 1 0"
req GET "$DL?limit=1&page=2" "${A[@]}"
check "pages: limit=1&page=2 is one dead letter of page 2" eq "$(js '"\(.deadLetters | length) \(.pagination.page) \(.pagination.limit) \(.pagination.total >= 3)"')" "1 2 1 true"

# One dead letter: payload and headers, without credentials.
psql_q "update webhook_retries set headers = headers || '{\"Authorization\": \"Bearer sekret-67\", \"Svix-Signature\": \"v1,c2lnbg==\"}' where id = '$id2'"
req GET "$DL/$id2" "${A[@]}"
check "one dead letter answers 200 with its payload" eq "$STATUS $(js .deadLetter.payload.id)" "200 $p2"
check "a secret-looking payload field is redacted" eq "$(js .deadLetter.payload.resource.auth_token)" "[redacted]"
check "stored credential headers are redacted" eq "$(js '.deadLetter.headers.Authorization + " " + .deadLetter.headers["Svix-Signature"]')" "[redacted] [redacted]"
check "the transmission id is kept" test -n "$(js '.deadLetter.headers["PayPal-Transmission-Id"] // empty')"
check "no credential appears anywhere in the answer" bash -c "! grep -q -e sekret-67 -e tok-secret-67 -e c2lnbg '$OUT/body'"
check "the signature header was never stored" eq "$(psql_q "select count(*) from webhook_retries where id in ('$id1', '$id3') and (headers ? 'PayPal-Transmission-Sig' or headers ? 'X-DocuSeal-Signature')")" 0

# Bad input changes nothing.
state() { psql_q "select string_agg(status || ':' || attempt_count || ':' || coalesce(discard_reason, '-'), ' ' order by webhook_id) from webhook_retries where webhook_id in ($mine)"; }
before=$(state)
none=00000000-0000-4000-8000-000000000067
req GET "$DL/$none" "${A[@]}"
check "an unknown dead letter is 404" eq "$STATUS" 404
req POST "$DL/$none/retry" "${A[@]}" -d ''
check "retrying one is 404" eq "$STATUS" 404
req POST "$DL/$none/discard" "${A[@]}" "${J[@]}" -d '{"reason":"no such thing"}'
check "discarding one is 404" eq "$STATUS" 404
req GET "$DL/not-a-uuid" "${A[@]}"
check "a malformed id is 400" eq "$STATUS" 400
req GET "$DL?page=0" "${A[@]}"
check "page=0 is 400" eq "$STATUS" 400
req GET "$DL?limit=101" "${A[@]}"
check "limit=101 is 400" eq "$STATUS" 400
req GET "$DL?state=lost" "${A[@]}"
check "an unknown state is 400" eq "$STATUS" 400
req GET "$DL?provider=stripe" "${A[@]}"
check "an unknown provider is 400" eq "$STATUS" 400
req POST "$DL/$id2/discard" "${A[@]}" "${J[@]}" -d '{}'
check "a discard without a reason is 400" eq "$STATUS" 400
req POST "$DL/$id2/discard" "${A[@]}" "${J[@]}" -d '{"reason":""}'
check "an empty reason is 400" eq "$STATUS" 400
req POST "$DL/retry" "${A[@]}" "${J[@]}" -d '{"limit":0}'
check "retry-all with limit 0 is 400" eq "$STATUS" 400
req GET "$DL" -H "Authorization: Bearer $(curl -s -XPOST "$BASE/api/auth/login" "${J[@]}" \
	-d '{"email":"john.doe@example.com","password":"exodrive-dev-password"}' | jq -r .accessToken)"
check "the list is for admins (403 for a customer)" eq "$STATUS" 403
req GET "$DL"
check "and 401 without a token" eq "$STATUS" 401
check "none of it changed a dead letter" eq "$(state)" "$before"

# Discard the refund: kept with who and why, never retried.
req POST "$DL/$id2/discard" "${A[@]}" "${J[@]}" -d '{"reason":"Refund issued by hand; the event is stale"}'
check "discard answers 200, discarded, with the reason and the admin" eq "$STATUS $(js '"\(.deadLetter.state) \(.deadLetter.discardReason) \(.deadLetter.discardedBy)"')" \
	"200 discarded Refund issued by hand; the event is stale $OWN_ADMIN_ID"
check "the row is kept, marked discarded" eq "$(psql_q "select status || ':' || (discarded_at is not null) from webhook_retries where id='$id2'")" discarded:true
req POST "$DL/$id2/retry" "${A[@]}" -d ''
check "a discarded dead letter is not retried (409)" eq "$STATUS $(js .error.message)" "409 The dead letter was discarded; it is not retried"
req POST "$DL/$id2/discard" "${A[@]}" "${J[@]}" -d '{"reason":"again"}'
check "nor discarded twice (409)" eq "$STATUS" 409
check "and its refund was never applied" eq "$(psql_q "select count(*) from booking_events where booking_id='$bid' and event_type='payment_refunded'")" 0
req GET "/api/admin/audit-log?action=admin.webhookDeadLetter.discard&target=webhook-dead-letter:$id2" "${A[@]}"
check "the discard is audited with the states before and after" eq "$(js '.entries | map("\(.adminId) \(.before.state) \(.after.state)") | join(",")')" "$OWN_ADMIN_ID waiting discarded"
req GET "$DL?state=discarded&provider=paypal&limit=100" "${A[@]}"
check "state=discarded lists it" eq "$(js "[.deadLetters[] | select(.id == \"$id2\")] | length")" 1

# A retry while the cause is still there fails again and waits.
req POST "$DL/$id1/retry" "${A[@]}" -d ''
check "a retry before the fix answers outcome failed, still waiting" eq "$STATUS $(js '"\(.outcome) \(.deadLetter.state) \(.deadLetter.attempts)"')" "200 failed waiting 6"
check "and the payment did not move" eq "$(psql_q "select status from payments where booking_id='$bid'")" authorized

# Fix the cause, then retry the capture twice at once: applied once.
psql_q "drop trigger $trig on booking_events; drop function $trig();"
for k in 1 2; do
	command curl -s -o "$OUT/r$k" -w '%{http_code}\n' -XPOST "$BASE$DL/$id1/retry" "${XFF[@]}" "${A[@]}" -d '' > "$OUT/s$k" &
done
wait
check "two retries at once: one 200, one 409" eq "$(cat "$OUT/s1" "$OUT/s2" | sort | tr '\n' ' ')" "200 409 "
check "the one that ran applied it" eq "$(cat "$OUT/r1" "$OUT/r2" | jq -r 'select(.outcome) | "\(.outcome) \(.deadLetter.state)"')" "applied retried"
check "the payment is captured" eq "$(psql_q "select status from payments where booking_id='$bid'")" captured
check "once: one payment_captured event" eq "$(psql_q "select count(*) from booking_events where booking_id='$bid' and event_type='payment_captured'")" 1
check "one processed-event row" eq "$(psql_q "select count(*) from webhook_processing_log where webhook_id='$p1'")" 1
check "one receipt queued" eq "$(psql_q "select count(*) from outbox where dedupe_key='payment_receipt:$bid'")" 1
req POST "$DL/$id1/retry" "${A[@]}" -d ''
check "a third retry is 409" eq "$STATUS $(js .error.message)" "409 The dead letter was retried already"
wh "$ev1"
check "PayPal redelivering it is a duplicate" eq "$STATUS $(js .duplicate)" "200 true"
check "still one payment_captured event" eq "$(psql_q "select count(*) from booking_events where booking_id='$bid' and event_type='payment_captured'")" 1
req GET "$DL/$id1" "${A[@]}"
check "it shows retried, by whom" eq "$(js '"\(.deadLetter.state) \(.deadLetter.retriedBy) \(.deadLetter.retriedAt != null)"')" "retried $OWN_ADMIN_ID true"

# Retry all of one provider: DocuSeal's view, nothing of PayPal's.
req POST "$DL/retry" "${A[@]}" "${J[@]}" -d '{"provider":"docuseal"}'
check "retry-all for docuseal answers 200 with its counts" eq "$STATUS $(js '"\(.applied >= 1) \(.failed) \(.remaining)"')" "200 true 0 0"
check "the contract view is applied" eq "$(psql_q "select contract_status from bookings where id='$bid'")" viewed
check "once" eq "$(psql_q "select count(*) from booking_events where booking_id='$bid' and event_type='contract_viewed'")" 1
check "its dead letter is retried" eq "$(psql_q "select status from webhook_retries where id='$id3'")" succeeded
check "and the discarded PayPal one stays as it was" eq "$(psql_q "select status from webhook_retries where id='$id2'")" discarded

# The figures follow.
check "the gauge is back to $g0_pp PayPal and $g0_ds DocuSeal dead letters" eq "$(gauge paypal) $(gauge docuseal)" "$g0_pp $g0_ds"
check "counters: PayPal retried +1, retry_failed +1, discarded +1" eq "$(counter paypal retried) $(counter paypal retry_failed) $(counter paypal discarded)" \
	"$((c0_ret + 1)) $((c0_fail + 1)) $((c0_disc + 1))"
check "DocuSeal retried +1" eq "$(counter docuseal retried)" $((c0_ds_ret + 1))
check "the monitor passes again with those 3 gone ($((n - 3)))" eq "$(monitor $((n - 3)))" "0 [true]"
