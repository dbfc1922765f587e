# test-77-payments: PayPal-first checkout against the local PayPal stand-in
# (tests/stubs/paypal.py), capture, void, declines, PayPal errors and
# timeouts, a write failing after authorization, cancellation settling the
# payment, the scheduled capture, and the PayPal webhook (signature, replay,
# once per event, retry queue and dead letter).
. "$(dirname "$0")/lib.sh"

psql_q() { psql -h "$VAR/pg/sock" -U exodrive -d exodrive -XAtc "$1"; }
day() { date -u -d "+$1 days" +%F; }
envv() { sed -n "s/^$1=//p" "$VAR/exodrive.env" | tail -1; }
PP=$(envv PAYPAL_API_BASE); CRON=$(envv CRON_SECRET)
pp_fail() { curl -s -o /dev/null -XPOST "$PP/__control" -d "{\"fail\":{\"$1\":$2}}"; }
pp_state() { curl -s "$PP/__state" | jq -r "$1"; }
login() { curl -s -XPOST "$BASE/api/auth/login" -H 'Content-Type: application/json' \
	-d "{\"email\":\"$1\",\"password\":\"exodrive-dev-password\"}" | jq -r .accessToken; }
# More payment calls than one client's payment tier allows in a minute.
own_allowance 10
adm=$(login admin@exodrive.com); john=$(login john.doe@example.com)
A=(-H "Authorization: Bearer $adm")

# A car of this run's own (nothing booked), one date window per server.
base=540
[ "$SERVER" = apache ] && base=600
new_car() {
	curl -s -XPOST "$BASE/api/admin/cars" "${A[@]}" -H 'Content-Type: application/json' \
		-d "$(jq -nc --arg n "Payment Test Car $SERVER $RANDOM$RANDOM" '{name:$n, category:"Exotic",
		pricing:{base_price:450, deposit_amount:1000, minimum_days:1},
		images:[{url:"https://img.example/pay.webp", is_primary:true, sort_order:0}]}')" | jq -r .carId
}
car0=$(new_car)
car=$car0
check "a car for the payment tests" test -n "$car0" -a "$car0" != null

order() {	# order START END: create-paypal-order; sets ORDER and AMOUNT
	req POST /api/bookings/create-paypal-order -H 'Content-Type: application/json' \
		-d "{\"carId\":\"$car\",\"startDate\":\"$1\",\"endDate\":\"$2\",\"bookingId\":\"temp-$RANDOM\"}"
	ORDER=$(js .orderID); AMOUNT=$(js .amount)
}
authorize() {	# authorize START END TOTAL [curl args]: authorize-paypal-order
	local s=$1 e=$2 t=$3; shift 3
	req POST /api/bookings/authorize-paypal-order -H 'Content-Type: application/json' "$@" \
		-d "{\"orderID\":\"$ORDER\",\"bookingDetails\":{\"carId\":\"$car\",\"startDate\":\"$s\",\"endDate\":\"$e\",\"totalPrice\":$t,\"customer\":{\"firstName\":\"Paula\",\"lastName\":\"Pay\",\"email\":\"paula-$SERVER@example.com\"}}}"
}

# The whole checkout: order at the server's price, authorize, capture.
s=$(day $base); e=$(day $((base + 3)))
order "$s" "$e"
check "create-paypal-order answers an order id" test -n "$ORDER"
check "at the server's price" test "$(echo "$AMOUNT > 0" | bc)" = 1
authorize "$s" "$e" "$AMOUNT"
check "authorize-paypal-order books (200)" eq "$STATUS" 200
bid=$(js .bookingId); auth=$(js .authorizationId)
check "the payment is recorded as authorized" eq "$(psql_q "select status from payments where booking_id='$bid'")" authorized
check "the booking is upcoming with payment authorized" eq "$(psql_q "select overall_status||'/'||payment_status from bookings where id='$bid'")" upcoming/authorized
check "its 4 days are held" eq "$(psql_q "select count(*) from car_availability where booking_id='$bid'")" 4
check "payment_authorized is logged" eq "$(psql_q "select count(*) from booking_events where booking_id='$bid' and event_type='payment_authorized'")" 1
req POST "/api/bookings/$bid/capture-payment" -d '' -H "Authorization: Bearer $john"
check "capture is admin-only" eq "$STATUS" 403
req POST "/api/bookings/$bid/capture-payment" -d '' "${A[@]}"
check "an admin captures (200)" eq "$(js .status)" captured
check "the payment is captured with its capture id" eq "$(psql_q "select status||':'||(paypal_capture_id is not null) from payments where booking_id='$bid'")" captured:true
check "its days are booked" eq "$(psql_q "select count(*) from car_availability where booking_id='$bid' and status='booked'")" 4
check "the receipt email is in the outbox" eq "$(psql_q "select count(*) from outbox where dedupe_key='payment_receipt:$bid'")" 1
req POST "/api/bookings/$bid/capture-payment" -d '' "${A[@]}"
check "a second capture is 400 with the current status" eq "$STATUS $(js .error.details.currentStatus)" "400 captured"
# Cancelling a captured booking refunds it.
req DELETE "/api/admin/bookings/$bid" "${A[@]}" -H 'Content-Type: application/json' -d '{"reason":"test"}'
check "an admin cancels the captured booking" eq "$STATUS" 200
check "which refunds the payment" eq "$(psql_q "select status from payments where booking_id='$bid'")" refunded
check "payment_refunded is logged" eq "$(psql_q "select count(*) from booking_events where booking_id='$bid' and event_type='payment_refunded'")" 1

# The client's figure must be the server's (within $0.01): refused before
# anything is authorized.
s=$(day $((base + 5))); e=$(day $((base + 7)))
order "$s" "$e"
n0=$(pp_state '.calls.authorize // 0')
authorize "$s" "$e" 1.00
check "a wrong totalPrice is 400" eq "$STATUS" 400
check "and PayPal was not asked to authorize" eq "$(pp_state '.calls.authorize // 0')" "$n0"

# PayPal refuses, fails, or is slow.
pp_fail authorize 422
authorize "$s" "$e" "$AMOUNT"
check "PayPal refusing the authorization is 502" eq "$STATUS" 502
check "with PayPal's status in details" eq "$(js .error.details.paypalStatus)" 422
check "and nothing is booked" eq "$(psql_q "select count(*) from bookings where car_id='$car' and start_date='$s'")" 0
pp_fail create 500
order "$s" "$e"
check "PayPal failing is 503 (retry later)" eq "$STATUS" 503
pp_fail create '"timeout"'
t0=$(date +%s%N)
order "$s" "$e"
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
check "a PayPal timeout is 503 after PAYPAL_TIMEOUT ($ms ms)" test "$STATUS" = 503 -a "$ms" -lt 5000

# An access token PayPal expired early: dropped, refetched once, retried.
nt=$(pp_state '.calls.token // 0')
curl -s -o /dev/null -XPOST "$PP/__control" -d '{"revoke_tokens":true}'
order "$s" "$e"
check "a token PayPal no longer accepts is replaced and the call made (200)" eq "$STATUS" 200
check "with one new token request" eq "$(pp_state '.calls.token')" $((nt + 1))

# A declined capture: recorded as failed, 502.
order "$s" "$e"; authorize "$s" "$e" "$AMOUNT"; bid=$(js .bookingId)
pp_fail capture '"declined"'
req POST "/api/bookings/$bid/capture-payment" -d '' "${A[@]}"
check "a declined capture is 502" eq "$STATUS" 502
check "the payment is failed" eq "$(psql_q "select status from payments where booking_id='$bid'")" failed
check "payment_capture_failed is logged" eq "$(psql_q "select count(*) from booking_events where booking_id='$bid' and event_type='payment_capture_failed'")" 1
req DELETE "/api/admin/bookings/$bid" "${A[@]}" -H 'Content-Type: application/json' -d '{}'

# Void: the authorization goes back and the booking is cancelled.
s=$(day $((base + 9))); e=$(day $((base + 11)))
order "$s" "$e"; authorize "$s" "$e" "$AMOUNT"; bid=$(js .bookingId); auth=$(js .authorizationId)
req POST "/api/bookings/$bid/void-payment" "${A[@]}" -H 'Content-Type: application/json' -d '{"reason":"customer called"}'
check "an admin voids (200)" eq "$(js .status)" voided
check "PayPal voided the authorization" test "$(pp_state "[.voided[] | select(. == \"$auth\")] | length")" = 1
check "the booking is cancelled and its days released" eq "$(psql_q "select overall_status||':'||(select count(*) from car_availability where booking_id='$bid') from bookings where id='$bid'")" cancelled:0

# The write fails after PayPal authorized (the days were taken meanwhile):
# the authorization is voided, nothing is left behind.
s=$(day $((base + 13))); e=$(day $((base + 15)))
order "$s" "$e"
req POST /api/bookings -H 'Content-Type: application/json' -d "{\"carId\":\"$car\",\"startDate\":\"$s\",\"endDate\":\"$e\",\"customerDetails\":{\"fullName\":\"Fast Guest\",\"email\":\"fast-$SERVER@example.com\"}}"
check "someone else books those days first" eq "$STATUS" 201
nv=$(pp_state '.voided | length')
authorize "$s" "$e" "$AMOUNT"
check "the authorized checkout then gets 409" eq "$STATUS" 409
check "and its authorization is voided" eq "$(pp_state '.voided | length')" $((nv + 1))
check "and no payment row is left" eq "$(psql_q "select count(*) from payments p join bookings b on b.id=p.booking_id where b.car_id='$car' and b.start_date='$s'")" 0

# A customer cancelling an authorized booking voids it.
s=$(day $((base + 17))); e=$(day $((base + 19)))
order "$s" "$e"; authorize "$s" "$e" "$AMOUNT" -H "Authorization: Bearer $john"
bid=$(js .bookingId); auth=$(js .authorizationId)
req POST "/api/bookings/$bid/cancel" -d '' -H "Authorization: Bearer $john"
check "the signed-in customer cancels their PayPal booking" eq "$STATUS" 200
check "its authorization is voided" eq "$(psql_q "select status from payments where booking_id='$bid'")" voided

# The scheduled capture: payments due (pickup within 24 hours) are taken.
car=$(new_car)
s=$(day 1); e=$(day 3)
order "$s" "$e"; authorize "$s" "$e" "$AMOUNT"; bid=$(js .bookingId)
check "a booking for tomorrow is authorized" eq "$STATUS" 200
req POST /api/admin/process-payment-captures -d ''
check "the capture job needs the cron secret" eq "$STATUS" 401
req POST /api/admin/process-payment-captures -d '' -H "Authorization: Bearer wrong"
check "a wrong cron secret is 401" eq "$STATUS" 401
req POST /api/admin/process-payment-captures -d '' -H "Authorization: Bearer $CRON"
check "with it, the job runs" eq "$(js .success)" true
check "and captures the due payment" eq "$(psql_q "select status from payments where booking_id='$bid'")" captured
out=$("$BIN" --config "$VAR/exodrive.env" capture-payments 2>/dev/null | tail -1)
check "exodrive capture-payments finds nothing more due" eq "$(echo "$out" | jq -r .captured)" 0
req DELETE "/api/admin/bookings/$bid" "${A[@]}" -H 'Content-Type: application/json' -d '{}'

# The PayPal webhook.
wh() {	# wh EVENT_JSON [transmission id] [time] [signature]: POST a delivery
	local ev=$1 tx=${2:-tx-$SERVER-$RANDOM$RANDOM} t=${3:-$(date -u +%Y-%m-%dT%H:%M:%SZ)} eid sig
	eid=$(echo "$ev" | jq -r .id)
	sig=${4:-sig-$(printf '%s|%s' "$tx" "$eid" | sha256sum | cut -c1-32)}
	req POST /api/webhooks/paypal -H 'Content-Type: application/json' \
		-H "User-Agent: ${UA:-PayPal/AUHD-214.0-58843234}" -H 'PayPal-Auth-Algo: SHA256withRSA' \
		-H 'PayPal-Cert-Url: https://api.sandbox.paypal.com/v1/notifications/certs/CERT-360caa42' \
		-H "PayPal-Transmission-Id: $tx" -H "PayPal-Transmission-Sig: $sig" \
		-H "PayPal-Transmission-Time: $t" -d "$ev"
}
event() {	# event TYPE RESOURCE_JSON
	echo "{\"id\":\"WH-$SERVER-$RANDOM$RANDOM\",\"event_version\":\"1.0\",\"create_time\":\"$(date -u +%FT%TZ)\",\"resource_type\":\"capture\",\"event_type\":\"$1\",\"summary\":\"test\",\"resource\":$2,\"links\":[]}"
}
car=$car0
s=$(day $((base + 21))); e=$(day $((base + 23)))
order "$s" "$e"; authorize "$s" "$e" "$AMOUNT"; bid=$(js .bookingId); auth=$(js .authorizationId)
ev=$(event PAYMENT.CAPTURE.COMPLETED "{\"id\":\"CAP-$RANDOM\",\"status\":\"COMPLETED\",\"amount\":{\"currency_code\":\"USD\",\"value\":\"$AMOUNT\"},\"custom_id\":\"temp-1\",\"supplementary_data\":{\"related_ids\":{\"authorization_id\":\"$auth\"}}}")
wh "$ev"
check "a signed delivery is accepted" eq "$STATUS $(js .duplicate)" "200 false"
check "CAPTURE.COMPLETED (found by its authorization) captures the payment" eq "$(psql_q "select status from payments where booking_id='$bid'")" captured
wh "$ev"
check "the same event again is 200 and marked duplicate" eq "$STATUS $(js .duplicate)" "200 true"
check "and processed once (one payment_captured event)" eq "$(psql_q "select count(*) from booking_events where booking_id='$bid' and event_type='payment_captured'")" 1
ev2=$(event PAYMENT.CAPTURE.REFUNDED "{\"id\":\"REF-$RANDOM\",\"status\":\"COMPLETED\",\"custom_id\":\"$bid\"}")
wh "$ev2" tx-x-$RANDOM "" sig-forged
check "a bad signature is 401" eq "$STATUS" 401
check "and changes nothing" eq "$(psql_q "select status from payments where booking_id='$bid'")" captured
tx=tx-replay-$SERVER-$RANDOM
wh "$ev2" "$tx"
check "a refund event with a fresh transmission is accepted" eq "$STATUS" 200
check "and refunds the payment" eq "$(psql_q "select status from payments where booking_id='$bid'")" refunded
wh "$(event PAYMENT.CAPTURE.DENIED '{"id":"X","custom_id":"'"$bid"'"}')" "$tx"
check "a replayed transmission id is 401" eq "$STATUS" 401
wh "$(event PAYMENT.CAPTURE.DENIED '{"id":"X","custom_id":"'"$bid"'"}')" "" "2020-01-01T00:00:00Z"
check "a transmission time outside 5 minutes is 401" eq "$STATUS" 401
UA=curl/7.88 wh "$ev2"
check "a delivery not from PayPal's agent is 400" eq "$STATUS" 400
wh '{"event_type":"PAYMENT.CAPTURE.DENIED","create_time":"2026-01-01T00:00:00Z"}'
check "an event without an id is 400 (never retried)" eq "$STATUS" 400
req POST /api/webhooks/paypal -H 'Content-Type: application/json' -H 'User-Agent: PayPal/1' \
	-H 'PayPal-Auth-Algo: SHA256withRSA' -H 'PayPal-Cert-Url: https://evil.example/cert' \
	-H "PayPal-Transmission-Id: t-$RANDOM" -H 'PayPal-Transmission-Sig: x' \
	-H "PayPal-Transmission-Time: $(date -u +%FT%TZ)" -d "$ev2"
check "a certificate URL off PayPal's hosts is 401" eq "$STATUS" 401
ev3=$(event PAYMENT.SALE.PENDING '{"id":"nothing-known"}')
wh "$ev3"
check "an event for no booking is 200 (no retry)" eq "$STATUS" 200

# Processing fails after verification: stored, retried internally on the
# schedule, then dead lettered.  (A second dispute on one booking breaks
# the one-dispute-per-booking rule every time.)
cap=$(psql_q "select paypal_capture_id from payments where booking_id='$bid'")
dispute() { event CUSTOMER.DISPUTE.CREATED "{\"dispute_id\":\"PP-D-$RANDOM$RANDOM\",\"reason\":\"MERCHANDISE_OR_SERVICE_NOT_RECEIVED\",\"dispute_amount\":{\"currency_code\":\"USD\",\"value\":\"10.00\"},\"disputed_transactions\":[{\"seller_transaction_id\":\"$cap\"}]}"; }
wh "$(dispute)"
check "a dispute opens (200)" eq "$STATUS" 200
check "the booking is disputed" eq "$(psql_q "select overall_status from bookings where id='$bid'")" disputed
d2=$(dispute); d2id=$(echo "$d2" | jq -r .id)
wh "$d2"
check "a delivery whose processing fails is 500" eq "$STATUS" 500
check "and stored for retry in a minute" eq "$(psql_q "select status||':'||attempt_count||':'||(next_retry_at - created_at between interval '59 s' and interval '61 s') from webhook_retries where webhook_id='$d2id'")" pending:0:true
check "without credentials in its stored headers" eq "$(psql_q "select headers ? 'Authorization' or headers ? 'Cookie' from webhook_retries where webhook_id='$d2id'")" f
gaps=""
for i in 1 2 3 4 5; do
	psql_q "update webhook_retries set next_retry_at = now() - interval '1 s' where webhook_id='$d2id'" >/dev/null
	"$BIN" --config "$VAR/exodrive.env" webhook-retry >/dev/null 2>&1
	gaps="$gaps $(psql_q "select coalesce(round(extract(epoch from next_retry_at - last_attempt_at) / 60)::text, 'dead') from webhook_retries where webhook_id='$d2id'")"
done
check "retries wait 5, 15, 60, 60 minutes, then dead letter ($gaps)" eq "$gaps" " 5 15 60 60 dead"
check "after 5 attempts" eq "$(psql_q "select status||':'||attempt_count from webhook_retries where webhook_id='$d2id'")" dead_letter:5
req POST /api/webhooks/retry -d ''
check "the retry route needs the cron secret" eq "$STATUS" 401
req POST /api/webhooks/retry -d '' -H "Authorization: Bearer $CRON"
check "and runs with it" eq "$(js .success)" true
check "every PayPal write carried a PayPal-Request-Id" eq "$(pp_state .writes_without_request_id)" 0

# The circuit breaker (last: it leaves this server's responders skipping
# PayPal for 30 s).  PayPal failing for 4 s: after 5 failures in a row a
# responder stops calling it and answers 503 at once.
curl -s -o /dev/null -XPOST "$PP/__control" -d '{"fail_for":{"create":4}}'
n0=$(pp_state '.calls.create // 0')
s=$(day $((base + 5))); e=$(day $((base + 7)))
for i in $(seq 1 60); do
	curl -s -o /dev/null -w '%{http_code}\n' -XPOST "$BASE/api/bookings/create-paypal-order" \
		-H 'Content-Type: application/json' \
		-d "{\"carId\":\"$car0\",\"startDate\":\"$s\",\"endDate\":\"$e\",\"bookingId\":\"temp-$i\"}"
done > "$OUT/breaker"
n1=$(pp_state '.calls.create')
check "PayPal failing: every checkout answers 503" eq "$(grep -c '^503$' "$OUT/breaker")" 60
# Each responder calls at most 5 times before its circuit opens (lighttpd
# runs 4 of them, mod_fcgid at most 8 here).
check "but open circuits spared PayPal the rest ($((n1 - n0)) of 60 reached it)" test $((n1 - n0)) -le 40
