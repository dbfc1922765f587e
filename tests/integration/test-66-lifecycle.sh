# test-66-lifecycle: a booking's life end to end with the SMTP sink and
# the PayPal stand-in: hold -> pay by link (order, authorize) -> capture ->
# receipt; hold -> expiry by its own hold_until -> cancellation email and
# booking.cancelled; an admin booking keeps its 30-day link's deadline;
# reauthorization after the honour period (and its refusal); the capture
# route and the PayPal webhook racing capture once; the refusals.
# timeout: 400
. "$(dirname "$0")/lib.sh"

psql_q() { psql -h "$VAR/pg/sock" -U exodrive -d exodrive -XAtc "$1"; }
day() { date -u -d "+$1 days" +%F; }
envv() { sed -n "s/^$1=//p" "$VAR/exodrive.env" | tail -1; }
PP=$(envv PAYPAL_API_BASE)
MAIL=$VAR/mail
pp_fail() { curl -s -o /dev/null -XPOST "$PP/__control" -d "{\"fail\":{\"$1\":$2}}"; }
pp_state() { curl -s "$PP/__state" | jq -r "$1"; }
# mails TO SUBJECT: how many emails to TO with SUBJECT the sink holds.
mails() { grep -l "^X-Rcpt-Args: <$1>" "$MAIL"/* 2>/dev/null | xargs -r grep -l "^Subject: $2" | wc -l; }
own_allowance 10
own_admin
A=(-H "Authorization: Bearer $OWN_ADMIN")
J=(-H 'Content-Type: application/json')
run=$SERVER-$RANDOM$RANDOM

car=$(curl -s -XPOST "$BASE/api/admin/cars" "${A[@]}" "${J[@]}" \
	-d "$(jq -nc --arg n "Lifecycle Car $run" '{name:$n, category:"Exotic",
	pricing:{base_price:380, deposit_amount:900, minimum_days:1},
	images:[{url:"https://img.example/life.webp", is_primary:true, sort_order:0}]}')" | jq -r .carId)
check "a car of this run's own" test -n "$car" -a "$car" != null

n=0
hold() {	# hold EMAIL: a site booking of 2 days; sets BID, TOKEN, TOTAL
	n=$((n + 3))
	req POST /api/bookings "${J[@]}" -d "{\"carId\":\"$car\",\"startDate\":\"$(day $((200 + n)))\",\"endDate\":\"$(day $((202 + n)))\",\"customerDetails\":{\"fullName\":\"Life Cycle\",\"email\":\"$1\"}}"
	BID=$(js .bookingId); TOKEN=$(js .bookingUrl | sed 's|.*/booking/||'); TOTAL=$(js .totalPrice)
}
pay() {	# pay TOKEN: order and authorize by the link; sets ORDER, AUTH
	req POST "/api/bookings/by-token/$1/paypal-order" -d ''
	ORDER=$(js .orderID)
	req POST "/api/bookings/by-token/$1/paypal-authorize" "${J[@]}" -d "{\"orderID\":\"$ORDER\"}"
	AUTH=$(js .authorizationId)
}

# 1. Hold -> pay by link -> capture -> receipt.
m1=pay-$run@example.com
hold "$m1"
check "a site booking is held (201)" eq "$STATUS" 201
req GET "/api/bookings/by-token/$TOKEN"
check "the link shows holdUntil" test "$(js .booking.holdUntil)" != null
check "BOOKING_HOLD_MINUTES (60) after its creation" eq "$(psql_q "select round(extract(epoch from hold_until - created_at) / 60) from bookings where id='$BID'")" 60
req POST "/api/bookings/by-token/$TOKEN/paypal-order" -d ''
check "pay by link: an order for that booking (200)" eq "$STATUS $(js .bookingId)" "200 $BID"
check "at its server-side price" eq "$(js .amount)" "$TOTAL"
ORDER=$(js .orderID)
check "the PayPal order names the booking (custom_id)" test -n "$ORDER"
req POST "/api/bookings/by-token/$TOKEN/paypal-authorize" "${J[@]}" -d "{\"orderID\":\"$ORDER\"}"
check "pay by link: authorized (200, upcoming)" eq "$STATUS $(js .status)" "200 upcoming"
check "the booking moved as a paid booking does" eq "$(psql_q "select overall_status||'/'||payment_status||'/'||(hold_until is null) from bookings where id='$BID'")" upcoming/authorized/true
check "its payment is authorized now" eq "$(psql_q "select status||':'||(authorized_at > now() - interval '1 minute') from payments where booking_id='$BID'")" authorized:true
req GET "/api/bookings/by-token/$TOKEN"
check "a paid booking holds no deadline (holdUntil null)" eq "$(js .booking.holdUntil)" null
req POST "/api/bookings/by-token/$TOKEN/paypal-order" -d ''
check "a paid booking's order is 409" eq "$STATUS $(js .error.details.paymentStatus)" "409 authorized"
req POST "/api/bookings/by-token/$TOKEN/paypal-authorize" "${J[@]}" -d "{\"orderID\":\"$ORDER\"}"
check "and authorizing it again is 409" eq "$STATUS" 409
req POST "/api/bookings/$BID/capture-payment" -d ''
check "capture without a token is 401" eq "$STATUS" 401
req POST "/api/bookings/$BID/capture-payment" -d '' "${A[@]}"
check "an admin captures (200, no reauthorization)" eq "$STATUS $(js .status) $(js .reauthorized)" "200 captured false"
has_receipt() { [ "$(mails "$m1" 'Payment Receipt')" -ge 1 ]; }
check "the receipt email reaches the SMTP sink" until_ok 300 has_receipt
check "the payment.captured webhook is queued" eq "$(psql_q "select count(*) from outbox where dedupe_key='webhook:payment.captured:$BID'")" 1

# 2. Hold -> expiry by its own hold_until -> cancellation email + hook.
m2=expire-$run@example.com
hold "$m2"
bid2=$BID; tok2=$TOKEN
av="/api/cars/availability?carId=$car&startDate=$(day 200)&endDate=$(day 230)"
curl -s -o /dev/null "$BASE$av"
req GET "$av"
held=$(js .summary.unavailableDays)
psql_q "update bookings set created_at = now() - interval '2 hours' where id='$bid2'" >/dev/null
"$BIN" --config "$VAR/exodrive.env" expire-holds >/dev/null 2>&1
check "a booking past BOOKING_HOLD_MINUTES of age but within its hold_until is kept" eq "$(psql_q "select overall_status from bookings where id='$bid2'")" pending_payment
psql_q "update bookings set hold_until = now() - interval '1 minute' where id='$bid2'" >/dev/null
out=$("$BIN" --config "$VAR/exodrive.env" expire-holds 2>/dev/null | tail -1)
check "exodrive expire-holds reports what it expired ($out)" bash -c "echo '$out' | grep -q 'expired'"
check "the lapsed hold is cancelled" eq "$(psql_q "select overall_status||'/'||(hold_until is null) from bookings where id='$bid2'")" cancelled/true
check "its days are released" eq "$(psql_q "select count(*) from car_availability where booking_id='$bid2'")" 0
check "hold_expired is logged" eq "$(psql_q "select count(*) from booking_events where booking_id='$bid2' and event_type='hold_expired'")" 1
check "booking.cancelled is emitted" eq "$(psql_q "select count(*) from outbox where dedupe_key='webhook:booking.cancelled:$bid2'")" 1
has_cancellation() { [ "$(mails "$m2" 'Booking Cancellation')" -ge 1 ]; }
check "the cancellation email reaches the SMTP sink" until_ok 300 has_cancellation
req GET "$av"
check "the car's cached availability was dropped (3 days fewer)" eq "$(hdr X-Cache) $(js .summary.unavailableDays)" "MISS $((held - 3))"
req POST "/api/bookings/by-token/$tok2/paypal-order" -d ''
check "an expired hold cannot be paid (409)" eq "$STATUS $(js .error.details.status)" "409 cancelled"

# 3. An admin booking keeps its 30-day link's deadline.
req POST /api/admin/bookings "${A[@]}" "${J[@]}" -d "{\"carId\":\"$car\",\"startDate\":\"$(day 240)\",\"endDate\":\"$(day 242)\",\"customerDetails\":{\"firstName\":\"Ad\",\"lastName\":\"Min\",\"email\":\"admin-made-$run@example.com\"}}"
check "an admin books on a customer's behalf (201)" eq "$STATUS" 201
bid3=$(js .bookingId)
check "its hold is its payment link's deadline (30 days)" eq "$(psql_q "select (b.hold_until = t.expires_at)::text||':'||round(extract(epoch from b.hold_until - b.created_at) / 86400) from bookings b join booking_secure_tokens t on t.id = b.secure_token_id where b.id='$bid3'")" true:30
psql_q "update bookings set created_at = now() - interval '2 hours' where id='$bid3'" >/dev/null
"$BIN" --config "$VAR/exodrive.env" expire-holds >/dev/null 2>&1
check "a 60-minute hold expiry leaves it alone" eq "$(psql_q "select overall_status from bookings where id='$bid3'")" pending_payment
tok3=$(psql_q "select t.token from bookings b join booking_secure_tokens t on t.id = b.secure_token_id where b.id='$bid3'")
pay "$tok3"
check "and its customer pays it by the link" eq "$STATUS $(psql_q "select overall_status||'/'||payment_status from bookings where id='$bid3'")" "200 upcoming/authorized"

# 4. Reauthorization after PayPal's three-day honour period.
hold "reauth-$run@example.com"; pay "$TOKEN"; bid4=$BID; auth4=$AUTH
psql_q "update payments set authorized_at = now() - interval '4 days' where booking_id='$bid4'" >/dev/null
req POST "/api/bookings/$bid4/capture-payment" -d '' "${A[@]}"
check "a capture past the honour period reauthorizes first (200)" eq "$STATUS $(js .status) $(js .reauthorized)" "200 captured true"
check "PayPal reauthorized the old authorization" eq "$(pp_state "[.reauthorized[] | select(. == \"$auth4\")] | length")" 1
check "the new authorization is recorded" eq "$(psql_q "select (paypal_authorization_id <> '$auth4')::text||':'||(authorized_at > now() - interval '1 minute') from payments where booking_id='$bid4'")" true:true
check "the reauthorization is on the timeline" eq "$(psql_q "select count(*) from booking_events where booking_id='$bid4' and event_type='payment_authorized' and details->>'detail' = 'reauthorized from $auth4'")" 1

hold "refused-$run@example.com"; pay "$TOKEN"; bid5=$BID; auth5=$AUTH
psql_q "update payments set authorized_at = now() - interval '5 days' where booking_id='$bid5'" >/dev/null
pp_fail reauthorize '"refused"'
nc=$(pp_state '.calls.capture // 0')
req POST "/api/bookings/$bid5/capture-payment" -d '' "${A[@]}"
check "a refused reauthorization is a clear error (502)" eq "$STATUS $(js .error.details.issue) $(js .error.details.step)" "502 REAUTHORIZATION_NOT_ALLOWED reauthorize"
check "no capture was tried" eq "$(pp_state '.calls.capture // 0')" "$nc"
check "and the booking is unchanged" eq "$(psql_q "select b.overall_status||'/'||b.payment_status||'/'||p.status||'/'||(p.paypal_authorization_id = '$auth5') from bookings b join payments p on p.booking_id = b.id where b.id='$bid5'")" upcoming/authorized/authorized/true

# 5. The capture route and the PayPal webhook race: captured once.
wh() {	# wh EVENT_JSON: a signed delivery (the stand-in's signature rule)
	local ev=$1 tx=tx-66-$run-$RANDOM$RANDOM eid sig
	eid=$(echo "$ev" | jq -r .id)
	sig=sig-$(printf '%s|%s' "$tx" "$eid" | sha256sum | cut -c1-32)
	curl -s -o "$OUT/wh" -w '%{http_code}' -XPOST "$BASE/api/webhooks/paypal" "${J[@]}" \
		-H 'User-Agent: PayPal/AUHD-214.0-58843234' -H 'PayPal-Auth-Algo: SHA256withRSA' \
		-H 'PayPal-Cert-Url: https://api.sandbox.paypal.com/v1/notifications/certs/CERT-360caa42' \
		-H "PayPal-Transmission-Id: $tx" -H "PayPal-Transmission-Sig: $sig" \
		-H "PayPal-Transmission-Time: $(date -u +%Y-%m-%dT%H:%M:%SZ)" -d "$ev"
}
m6=race-$run@example.com
hold "$m6"; pay "$TOKEN"; bid6=$BID; auth6=$AUTH
ev=$(jq -nc --arg id "WH-66-$run" --arg a "$auth6" --arg b "$bid6" --arg v "$TOTAL" \
	'{id:$id, event_version:"1.0", create_time:(now|todate), resource_type:"capture",
	event_type:"PAYMENT.CAPTURE.COMPLETED", summary:"race",
	resource:{id:("CAP-WH-" + $id), status:"COMPLETED", custom_id:$b,
	amount:{currency_code:"USD", value:$v},
	supplementary_data:{related_ids:{authorization_id:$a}}}, links:[]}')
wh "$ev" > "$OUT/race-wh" &
curl -s -o "$OUT/race-cap" -w '%{http_code}' -XPOST "$BASE/api/bookings/$bid6/capture-payment" "${A[@]}" -d '' > "$OUT/race-cap-status" &
wait
check "both paths answered (webhook $(cat "$OUT/race-wh"), capture $(cat "$OUT/race-cap-status"))" \
	test "$(cat "$OUT/race-wh")" = 200 -a \( "$(cat "$OUT/race-cap-status")" = 200 -o "$(cat "$OUT/race-cap-status")" = 400 \)
check "the payment is captured" eq "$(psql_q "select status from payments where booking_id='$bid6'")" captured
check "one payment_captured event" eq "$(psql_q "select count(*) from booking_events where booking_id='$bid6' and event_type='payment_captured'")" 1
check "one receipt queued in the outbox" eq "$(psql_q "select count(*) from outbox where job_name='payment_receipt' and payload->>'bookingId'='$bid6'")" 1
check "one payment.captured webhook queued" eq "$(psql_q "select count(*) from outbox where job_name='payment.captured' and payload->>'bookingId'='$bid6'")" 1
has_race_receipt() { [ "$(mails "$m6" 'Payment Receipt')" -ge 1 ]; }
check "the receipt reaches the SMTP sink" until_ok 300 has_race_receipt
sleep 2
check "exactly once" eq "$(mails "$m6" 'Payment Receipt')" 1
ev2=$(echo "$ev" | jq -c --arg id "WH-66b-$run" '.id = $id')
check "a later webhook for the same capture is accepted (200)" eq "$(wh "$ev2")" 200
check "and sends nothing again" eq "$(psql_q "select count(*) from outbox where job_name='payment_receipt' and payload->>'bookingId'='$bid6'")" 1

# 6. Refusals, naming the field.
req POST "/api/bookings/by-token/$(printf 'f%.0s' $(seq 1 48))/paypal-order" -d ''
check "an unknown link is 404" eq "$STATUS" 404
req POST "/api/bookings/by-token/short/paypal-order" -d ''
check "a malformed token is 400 naming it" eq "$STATUS $(js '.error.details.fieldErrors | keys[0]')" "400 token"
hold "refusals-$run@example.com"
req POST "/api/bookings/by-token/$TOKEN/paypal-authorize" "${J[@]}" -d '{}'
check "authorize without orderID is 400 naming it" eq "$STATUS $(js '.error.details.fieldErrors | keys[0]')" "400 orderID"
req POST "/api/bookings/by-token/$TOKEN/paypal-authorize" "${J[@]}" -d '{"orderID":"X","amount":1}'
check "an undeclared member is 400" eq "$STATUS" 400
req POST "/api/bookings/by-token/$TOKEN/paypal-authorize" "${J[@]}" -d '{"orderID":"NO-SUCH-ORDER"}'
check "an order PayPal does not know is 502, the booking still unpaid" eq "$STATUS $(psql_q "select payment_status from bookings where id='$BID'")" "502 pending"
req PATCH "/api/admin/bookings/$bid2/status" "${A[@]}" "${J[@]}" -d '{"status":"upcoming"}'
check "moving a cancelled booking is 400 with no allowed transitions" eq "$STATUS $(js '.error.details.allowedTransitions | length')" "400 0"
req PATCH "/api/admin/bookings/$BID/status" "${A[@]}" "${J[@]}" -d '{"status":"active"}'
check "pending_payment -> active is 400 naming what is allowed" eq "$STATUS $(jq -c .error.details.allowedTransitions < "$OUT/body")" '400 ["pending_contract","cancelled"]'
req PATCH "/api/admin/bookings/$BID/status" "${J[@]}" -d '{"status":"cancelled"}'
check "an admin move without a token is 401" eq "$STATUS" 401
req DELETE "/api/admin/bookings/$BID" "${A[@]}" "${J[@]}" -d '{"reason":"test over"}'
check "an admin cancels the last hold (200)" eq "$STATUS" 200
check "which emits booking.cancelled too" eq "$(psql_q "select count(*) from outbox where dedupe_key='webhook:booking.cancelled:$BID'")" 1
