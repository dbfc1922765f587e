# test-65-emails: every booking email complete (domain §7) in the SMTP
# sink: an unpaid booking's email is held until its deadline with the link
# to pay, never "confirmed"; locations, the car's image, the daily price;
# the receipt's transaction id and payment method; the cancellation's fee,
# refund and refund method.  The Resend path against the local stand-in
# (tests/stubs/resend.py): tags booking_id and email_type, and a bounce
# webhook attached to its booking.  The admin preview with mock data.
# timeout: 240
. "$(dirname "$0")/lib.sh"

SRC=$(cd "$(dirname "$0")/../.." && pwd)
psql_q() { psql -h "$VAR/pg/sock" -U exodrive -d exodrive -XAtc "$1"; }
envv() { sed -n "s/^$1=//p" "$VAR/exodrive.env" | tail -1; }
day() { date -u -d "+$1 days" +%F; }
MAIL=$VAR/mail
tag="e65-$SERVER-$$-$RANDOM"
# The message of the SMTP sink to address $1 whose subject starts with $2.
mail_to() { grep -l "^X-Rcpt-Args: <$1>" "$MAIL"/* 2>/dev/null | xargs -r grep -l "^Subject: $2" | tail -1; }
has_mail() { [ -n "$(mail_to "$1" "$2")" ]; }
# The decoded text and HTML parts of message $1, one after the other.
parts() { python3 - "$1" <<'PY'
import email, sys
m = email.message_from_bytes(open(sys.argv[1], "rb").read())
for p in m.walk():
    if p.get_content_maintype() == "text":
        sys.stdout.write(p.get_payload(decode=True).decode("utf-8"))
PY
}
own_admin
A=(-H "Authorization: Bearer $OWN_ADMIN" -H 'Content-Type: application/json')

car_name="Email Car $tag"
car=$(curl -s -XPOST "$BASE/api/admin/cars" "${A[@]}" \
	-d "$(jq -nc --arg n "$car_name" '{name:$n, category:"Exotic",
	pricing:{base_price:300, deposit_amount:500, minimum_days:1},
	images:[{url:"https://img.example/e65-car.webp", is_primary:true, sort_order:0}]}')" | jq -r .carId)
base=$((300 + SCRIPT_NO)); [ "$SERVER" = apache ] && base=$((base + 30))
book() {	# book OFFSET EMAIL: a guest booking of 3 days; sets bid
	req POST /api/bookings -H 'Content-Type: application/json' -d "{\"carId\":\"$car\",\"startDate\":\"$(day "$1")\",\"endDate\":\"$(day $(($1 + 3)))\",\"customerDetails\":{\"fullName\":\"Eve Mailer\",\"email\":\"$2\"}}"
	bid=$(js .bookingId)
}

# 1. An unpaid booking: held until its deadline, with the link to pay.
to1="held-$tag@example.com"
book "$base" "$to1"
check "an unpaid booking is created (201)" eq "$STATUS" 201
b1=$bid
hm=$(envv BOOKING_HOLD_MINUTES); hm=${hm:-60}
hold=$(psql_q "select to_char(coalesce(hold_until, created_at + make_interval(mins => $hm)) at time zone 'UTC', 'FMDay, FMMonth FMDD, YYYY \"at\" FMHH12:MI AM \"UTC\"') from bookings where id = '$b1'")
check "its email arrives" until_ok 150 has_mail "$to1" "Booking Held until"
f=$(mail_to "$to1" "Booking Held until")
check "subject: held until its deadline ($hold)" grep -q "^Subject: Booking Held until $hold - $car_name | ExoDrive" "$f"
parts "$f" > "$OUT/held"
check "the body says held until the same time" grep -q "holding the $car_name for you until $hold" "$OUT/held"
token=$(psql_q "select t.token from bookings b join booking_secure_tokens t on t.id = b.secure_token_id where b.id = '$b1'")
check "with the link to pay" grep -q "Pay now to secure your booking: .*/booking/$token" "$OUT/held"
check "and the link as a button" grep -q "href=\"[^\"]*/booking/$token\"" "$OUT/held"
check "it never says confirmed (subject or body)" bash -c "! grep -qi confirmed '$f'"
check "pick-up location: the domain's default" grep -q "Pick-up location:  We'll contact you to arrange pickup location" "$OUT/held"
check "drop-off location: the domain's default" grep -q "Drop-off location: Same as pickup location" "$OUT/held"
check "the car's image" grep -q '<img src="https://img.example/e65-car.webp" alt="'"$car_name"'"' "$OUT/held"
check "the daily base price" grep -q 'Daily rate:        \$300.00' "$OUT/held"
check "en-US long dates" grep -q "Pick-up:           $(LC_ALL=C date -u -d "+$base days" '+%A, %B %-d, %Y')" "$OUT/held"
req GET "/api/admin/emails/preview?type=booking_confirmation&format=text&bookingId=$b1" -H "Authorization: Bearer $OWN_ADMIN"
check "the preview of a booking still works, its subject in X-Email-Subject" eq "$STATUS $(hdr X-Email-Subject)" "200 Booking Held until $hold - $car_name | ExoDrive"

# 2. Locations given, then paid: confirmed, and the receipt.
req PATCH "/api/admin/bookings/$b1" "${A[@]}" -d '{"pickupLocation":"Miami International Airport","dropoffLocation":"South Beach Hotel"}'
check "an admin sets the locations (200)" eq "$STATUS" 200
cap="CAP65$RANDOM$RANDOM"
psql_q "insert into payments (booking_id, paypal_order_id, paypal_authorization_id, paypal_capture_id, amount, captured_amount, status, payment_method, captured_at)
	select id, 'ORD65', 'AUTH65', '$cap', total_price, total_price, 'captured', 'paypal', now() from bookings where id = '$b1';
	update bookings set payment_status = 'captured', overall_status = 'upcoming', hold_until = null where id = '$b1'" >/dev/null
total=$(psql_q "select to_char(total_price, 'FM999,999,990.00') from bookings where id = '$b1'")
req POST /api/admin/emails/resend "${A[@]}" -d "{\"bookingId\":\"$b1\",\"emailType\":\"booking_confirmation\"}"
check "a paid booking's email is queued again (202)" eq "$STATUS" 202
check "a paid booking's email says confirmed" until_ok 150 has_mail "$to1" "Booking Confirmed - $car_name | ExoDrive"
parts "$(mail_to "$to1" "Booking Confirmed")" > "$OUT/confirmed"
check "with the pick-up location" grep -q "Pick-up location:  Miami International Airport" "$OUT/confirmed"
check "and the drop-off location" grep -q "Drop-off location: South Beach Hotel" "$OUT/confirmed"
check "and no held wording" bash -c "! grep -q 'held until' '$OUT/confirmed'"
req POST /api/admin/emails/resend "${A[@]}" -d "{\"bookingId\":\"$b1\",\"emailType\":\"payment_receipt\"}"
check "the receipt is queued (202)" eq "$STATUS" 202
check "the receipt arrives" until_ok 150 has_mail "$to1" "Payment Receipt - $car_name | ExoDrive"
parts "$(mail_to "$to1" "Payment Receipt")" > "$OUT/receipt"
check "the receipt has the transaction id" grep -q "Transaction ID:    $cap" "$OUT/receipt"
check "and the payment method" grep -q "Payment method:    PayPal" "$OUT/receipt"
check "and the amount paid" grep -q "Amount paid:       \\\$$total" "$OUT/receipt"
check "and its HTML the transaction id" grep -q "<td>Transaction ID</td><td>$cap</td>" "$OUT/receipt"

# 3. Cancelled by an admin: no fee, a full refund to the original method.
req DELETE "/api/admin/bookings/$b1" "${A[@]}" -d '{"reason":"Vehicle unavailable"}'
check "an admin cancels it (200)" eq "$STATUS" 200
check "the cancellation email arrives" until_ok 150 has_mail "$to1" "Booking Cancellation - $car_name"
parts "$(mail_to "$to1" "Booking Cancellation")" > "$OUT/cancel"
check "it shows the cancellation fee (none)" grep -q 'Cancellation fee:       \$0.00' "$OUT/cancel"
check "the refund of what was paid" grep -q "Refund:                 \\\$$total" "$OUT/cancel"
check "and the refund method" grep -q "Refund method:          Original Payment Method" "$OUT/cancel"
check "the reason" grep -q "Reason: Vehicle unavailable" "$OUT/cancel"
check "and its reference" grep -q "Cancellation reference: CANCEL-$(echo "$b1" | cut -c1-8 | tr a-f A-F)" "$OUT/cancel"
# A cancellation job with a fee (as the booking module queues one).
n0=$(grep -l "^X-Rcpt-Args: <$to1>" "$MAIL"/* | xargs grep -l "^Subject: Booking Cancellation" | wc -l)
psql_q "insert into outbox (queue, job_name, payload, dedupe_key) values ('email', 'booking_cancellation',
	'{\"bookingId\":\"$b1\",\"actor\":\"customer\",\"reason\":\"Plans changed\",\"cancellationFee\":75}', 'e65-fee-$tag')" >/dev/null
fee_sent() { [ "$(grep -l "^X-Rcpt-Args: <$to1>" "$MAIL"/* | xargs grep -l "^Subject: Booking Cancellation" | wc -l)" -gt "$n0" ]; }
check "a cancellation with a fee is sent" until_ok 150 fee_sent
parts "$(grep -l "^X-Rcpt-Args: <$to1>" "$MAIL"/* | xargs grep -l "Plans changed" | tail -1)" > "$OUT/fee"
refund=$(psql_q "select to_char(total_price - 75, 'FM999,999,990.00') from bookings where id = '$b1'")
check "its fee" grep -q 'Cancellation fee:       \$75.00' "$OUT/fee"
check "the refund less the fee (\$$refund)" grep -q "Refund:                 \\\$$refund" "$OUT/fee"
check "cancelled as the customer asked" grep -q "is cancelled, as you asked" "$OUT/fee"

# 4. The preview with mock data: no booking needed.
mock() { req POST /api/admin/emails/preview/mock "${A[@]}" -d "$1"; }
mock '{"template":"booking_confirmation","data":{"carName":"Mock Car <65>","status":"pending_payment","holdUntil":"2026-07-01T18:45:00Z"}}'
check "a mock preview renders (200 HTML)" eq "$STATUS $(hdr Content-Type)" "200 text/html; charset=utf-8"
check "with the held subject" eq "$(hdr X-Email-Subject)" "Booking Held until Wednesday, July 1, 2026 at 6:45 PM UTC - Mock Car <65> | ExoDrive"
check "the data escaped in the HTML" grep -q "holding the <strong>Mock Car &lt;65&gt;</strong> for you" "$OUT/body"
check "the mock booking's image" grep -q '<img src="https://images.exodrive.co/cars/lamborghini-huracan.webp"' "$OUT/body"
mock '{"template":"payment_receipt","format":"text","data":{"transactionId":"TXN-MOCK-65","paidAmount":1234.5}}'
check "a mock receipt as text" eq "$STATUS $(hdr Content-Type)" "200 text/plain; charset=utf-8"
check "with the given transaction id and amount" bash -c "grep -q 'Transaction ID:    TXN-MOCK-65' '$OUT/body' && grep -q 'Amount paid:       \\\$1,234.50' '$OUT/body'"
mock '{"template":"booking_cancellation","format":"text"}'
check "a mock cancellation without data" bash -c "[ '$STATUS' = 200 ] && grep -q 'Refund method:          Original Payment Method' '$OUT/body'"
mock '{"template":"contact_notice","data":{"name":"Mo","messageLines":["one","two"]}}'
check "every template can be previewed (contact notice)" eq "$STATUS $(hdr X-Email-Subject)" "200 Contact form: Mo"
mock '{"template":"booking_confirmation","data":{"carName":{"nested":true}}}'
check "a data member that is an object is 400 naming it" eq "$STATUS $(js '.error.details.fieldErrors | keys | join(",")')" "400 data.carName"
mock '{"template":"booking_confirmation","data":[1,2]}'
check "data that is not an object is 400 naming data" eq "$STATUS $(js '.error.details.fieldErrors | keys | join(",")')" "400 data"
mock '{"template":"welcome"}'
check "an unknown template is 400 naming template" eq "$STATUS $(js '.error.details.fieldErrors | keys | join(",")')" "400 template"
mock '{"data":{}}'
check "no template is 400 naming template" eq "$STATUS $(js '.error.details.fieldErrors.template[0]')" "400 Required"
mock '{"template":"reminder","bookingId":"x"}'
check "an unknown member is 400 naming it" eq "$STATUS $(js '.error.details.fieldErrors | keys | join(",")')" "400 bookingId"
req POST /api/admin/emails/preview/mock -H 'Content-Type: application/json' -d '{"template":"reminder"}'
check "the mock preview needs a token (401)" eq "$STATUS" 401

# 5. Resend: the worker sends through its API (the local stand-in), with
# tags; a bounce webhook finds the booking.
RPORT=$(( ${BASE##*:} + 65 )); RKEY_API="re_test_$tag"
python3 "$SRC/tests/stubs/resend.py" "$RPORT" "$OUT/resend.log" "$RKEY_API" </dev/null >/dev/null 2>&1 &
stub=$!
wpid=
cleanup() {
	[ -n "$wpid" ] && kill -TERM "$wpid" 2>/dev/null && until_ok 100 bash -c "! kill -0 $wpid 2>/dev/null"
	kill "$stub" 2>/dev/null
	"$DEV" worker-start >/dev/null 2>&1
	lib_keep_sanitizer_reports; rm -rf "$OUT"
}
trap cleanup EXIT
until_ok 50 bash -c "exec 3<>/dev/tcp/127.0.0.1/$RPORT" 2>/dev/null
"$DEV" worker-stop >/dev/null 2>&1
RESEND_API_KEY=$RKEY_API RESEND_API_URL=http://127.0.0.1:$RPORT METRICS_FILE=$OUT/metrics \
	setsid "$BIN" --config "$VAR/exodrive.env" worker --no-scheduler </dev/null >>"$OUT/worker.log" 2>&1 &
wpid=$!
to3="resend-$tag@example.com"
book $((base + 5)) "$to3"
b3=$bid
check "a booking while emails go through Resend (201)" eq "$STATUS" 201
sent3() { grep -q "\"value\": \"$b3\"" "$OUT/resend.log" 2>/dev/null; }
check "its email is sent through Resend's API" until_ok 150 sent3
grep "\"value\": \"$b3\"" "$OUT/resend.log" | head -1 > "$OUT/r3"
eid=$(jq -r .id "$OUT/r3")
check "tagged with booking_id and email_type" eq "$(jq -c '[.body.tags[] | {(.name): .value}] | add' "$OUT/r3")" "{\"email_type\":\"booking_confirmation\",\"booking_id\":\"$b3\"}"
from=$(envv EMAIL_FROM); from=${from:-ExoDrive <bookings@exodrive.co>}
check "to the customer, from EMAIL_FROM, with both parts" eq "$(jq -r '[.body.to[0], .body.from, (.body.html | length > 100), (.body.text | length > 100)] | join(" ")' "$OUT/r3")" "$to3 $from true true"
check "its subject held, not confirmed" bash -c "jq -r .body.subject '$OUT/r3' | grep -q '^Booking Held until .* - $car_name | ExoDrive$'"
check "the job's Message-ID is its Idempotency-Key" bash -c "jq -r .idempotencyKey '$OUT/r3' | grep -Eq '^job-email-[0-9]+\.booking_confirmation@'"
recorded() { [ "$(psql_q "select email_confirmation_status||' '||email_confirmation_message_id from bookings where id = '$b3'")" = "sent $eid" ]; }
check "the booking records Resend's email id" until_ok 50 recorded
check "and no SMTP message went to the customer" bash -c "! grep -lq '^X-Rcpt-Args: <$to3>' '$MAIL'/* 2>/dev/null"
# Resend reports the bounce (Svix-signed, as Resend signs).
RSEC=$(envv RESEND_WEBHOOK_SECRET)
RKEY=$(printf '%s' "${RSEC#whsec_}" | base64 -d | od -An -tx1 | tr -d ' \n')
resend_event() {	# resend_event BODY
	local id="msg_$tag$RANDOM" ts; ts=$(date +%s)
	req POST /api/webhooks/resend -H 'Content-Type: application/json' -H "svix-id: $id" \
		-H "svix-timestamp: $ts" -H "svix-signature: v1,$(printf '%s.%s.%s' "$id" "$ts" "$1" |
		openssl dgst -sha256 -mac HMAC -macopt "hexkey:$RKEY" -binary | base64)" -d "$1"
}
bounce() {	# bounce EMAIL_ID TO TAGS_JSON
	jq -nc --arg id "$1" --arg to "$2" --argjson tags "$3" --arg at "$(date -u +%FT%T.000Z)" \
		'{type:"email.bounced", created_at:$at, data:({email_id:$id, created_at:$at,
		from:"ExoDrive <bookings@exodrive.co>", to:[$to], subject:"Booking Held",
		bounce:{type:"Permanent", subType:"General", message:"Mailbox does not exist"}}
		+ (if $tags == null then {} else {tags:$tags} end))}'
}
resend_event "$(bounce "$eid" "$to3" "{\"booking_id\":\"$b3\",\"email_type\":\"booking_confirmation\"}")"
check "the bounce webhook is accepted (200)" eq "$STATUS" 200
check "the inbox row names the booking" eq "$(psql_q "select last_event_type||' '||booking_id||' '||bounce_type from inbox_emails where resend_email_id = '$eid'")" "email.bounced $b3 Permanent"
check "the booking's email status is failed, with the bounce as last failure" eq "$(psql_q "select email_confirmation_status||' / '||email_last_failure_reason from bookings where id = '$b3'")" "failed / bounced (Permanent): Mailbox does not exist"
check "its email event is bounced" eq "$(psql_q "select status from email_events where booking_id = '$b3' and email_type = 'booking_confirmation'")" bounced
check "email_bounced is on its timeline" eq "$(psql_q "select count(*) from booking_events where booking_id = '$b3' and event_type = 'email_bounced'")" 1
req GET "/api/admin/emails/status?bookingId=$b3" -H "Authorization: Bearer $OWN_ADMIN"
check "the admin email status shows it" eq "$(js '.confirmation.status + " / " + .lastFailureReason')" "failed / bounced (Permanent): Mailbox does not exist"
# A bounce without tags finds the booking by the email id we recorded.
to4="untagged-$tag@example.com"
book $((base + 10)) "$to4"
b4=$bid
sent4() { grep -q "\"value\": \"$b4\"" "$OUT/resend.log" 2>/dev/null; }
check "a second booking's email goes through Resend" until_ok 150 sent4
eid4=$(grep "\"value\": \"$b4\"" "$OUT/resend.log" | head -1 | jq -r .id)
rec4() { [ "$(psql_q "select email_confirmation_message_id from bookings where id = '$b4'")" = "$eid4" ]; }
until_ok 50 rec4
resend_event "$(bounce "$eid4" "$to4" null)"
check "a bounce without tags is attached by its email id" eq "$STATUS $(psql_q "select booking_id||' '||email_confirmation_status from inbox_emails i join bookings b on b.id = i.booking_id where resend_email_id = '$eid4'")" "200 $b4 failed"
# Tags as Resend's send API writes them (a list) are read too.
resend_event "$(bounce "re_list_$tag" "$to4" "[{\"name\":\"booking_id\",\"value\":\"$b4\"},{\"name\":\"email_type\",\"value\":\"booking_confirmation\"}]")"
check "tags as a list name the booking too" eq "$STATUS $(psql_q "select booking_id from inbox_emails where resend_email_id = 're_list_$tag'")" "200 $b4"
