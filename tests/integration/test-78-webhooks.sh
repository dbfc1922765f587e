# test-78-webhooks: Resend (Svix signatures) and DocuSeal (hex HMAC)
# deliveries: verified, processed once, applied to the inbox, email status,
# contract status and documents of a booking.
. "$(dirname "$0")/lib.sh"

psql_q() { psql -h "$VAR/pg/sock" -U exodrive -d exodrive -XAtc "$1"; }
day() { date -u -d "+$1 days" +%F; }
envv() { sed -n "s/^$1=//p" "$VAR/exodrive.env" | tail -1; }
RSEC=$(envv RESEND_WEBHOOK_SECRET); DSEC=$(envv DOCUSEAL_WEBHOOK_SECRET)
RKEY=$(printf '%s' "${RSEC#whsec_}" | base64 -d | od -An -tx1 | tr -d ' \n')

# A booking to attach the events to.
base=620
[ "$SERVER" = apache ] && base=630
adm=$(curl -s -XPOST "$BASE/api/auth/login" -H 'Content-Type: application/json' \
	-d '{"email":"admin@exodrive.com","password":"exodrive-dev-password"}' | jq -r .accessToken)
car=$(curl -s -XPOST "$BASE/api/admin/cars" -H "Authorization: Bearer $adm" -H 'Content-Type: application/json' \
	-d "$(jq -nc --arg n "Webhook Test Car $SERVER $RANDOM$RANDOM" '{name:$n, category:"Exotic",
	pricing:{base_price:300, deposit_amount:500, minimum_days:1},
	images:[{url:"https://img.example/hook.webp", is_primary:true, sort_order:0}]}')" | jq -r .carId)
req POST /api/bookings -H 'Content-Type: application/json' -d "{\"carId\":\"$car\",\"startDate\":\"$(day $base)\",\"endDate\":\"$(day $((base + 2)))\",\"customerDetails\":{\"fullName\":\"Hook Tester\",\"email\":\"hook-$SERVER@example.com\"}}"
bid=$(js .bookingId)
check "a booking for the webhook test" eq "$STATUS" 201

resend() {	# resend BODY [svix id] [timestamp] [signature]
	local body=$1 id=${2:-msg_$SERVER$RANDOM$RANDOM} ts=${3:-$(date +%s)} sig
	sig=${4:-v1,$(printf '%s.%s.%s' "$id" "$ts" "$body" |
		openssl dgst -sha256 -mac HMAC -macopt "hexkey:$RKEY" -binary | base64)}
	req POST /api/webhooks/resend -H 'Content-Type: application/json' \
		-H "svix-id: $id" -H "svix-timestamp: $ts" -H "svix-signature: v1,bm9wZQ== $sig" -d "$body"
}
email() {	# email TYPE EMAIL_ID
	echo "{\"type\":\"$1\",\"created_at\":\"$(date -u +%FT%T.000Z)\",\"data\":{\"email_id\":\"$2\",\"from\":\"ExoDrive <bookings@exodrive.co>\",\"to\":[\"hook-$SERVER@example.com\"],\"subject\":\"Booking Confirmed\",\"created_at\":\"$(date -u +%FT%TZ)\",\"tags\":{\"booking_id\":\"$bid\",\"email_type\":\"booking_confirmation\"}}}"
}
eid="re_$SERVER$RANDOM"
body=$(email email.delivered "$eid"); sid="msg_$SERVER$RANDOM$RANDOM"
resend "$body" "$sid"
check "a Svix-signed Resend delivery is accepted" eq "$STATUS $(js .duplicate)" "200 false"
check "the email is in the inbox" eq "$(psql_q "select last_event_type||':'||booking_id from inbox_emails where resend_email_id='$eid'")" "email.delivered:$bid"
check "the booking's confirmation is delivered" eq "$(psql_q "select status from email_events where booking_id='$bid' and email_type='booking_confirmation'")" delivered
check "email_confirmation_sent_at is set" eq "$(psql_q "select email_confirmation_sent_at is not null from bookings where id='$bid'")" t
check "email_delivered is on the timeline" eq "$(psql_q "select count(*) from booking_events where booking_id='$bid' and event_type='email_delivered'")" 1
resend "$body" "$sid"
check "the same delivery again is a duplicate" eq "$STATUS $(js .duplicate)" "200 true"
check "processed once" eq "$(psql_q "select count(*) from booking_events where booking_id='$bid' and event_type='email_delivered'")" 1
resend "$(email email.opened "$eid")"
check "an open is recorded" eq "$(psql_q "select opened_at is not null from inbox_emails where resend_email_id='$eid'")" t
resend "$(email email.bounced "$eid")" "" "" "v1,$(printf 'forged' | base64)"
check "a forged Svix signature is 401" eq "$STATUS" 401
resend "$(email email.bounced "$eid")" "" "$(( $(date +%s) - 600 ))"
check "a timestamp 10 minutes old is 401" eq "$STATUS" 401
req POST /api/webhooks/resend -H 'Content-Type: application/json' -d "$body"
check "no Svix headers is refused" test "$STATUS" = 400 -o "$STATUS" = 401
check "and the inbox is unchanged" eq "$(psql_q "select last_event_type from inbox_emails where resend_email_id='$eid'")" email.opened

docuseal() {	# docuseal BODY [signature]
	local sig=${2:-$(printf '%s' "$1" | openssl dgst -sha256 -hmac "$DSEC" | awk '{print $NF}')}
	req POST /api/webhooks/docuseal -H 'Content-Type: application/json' \
		-H "X-DocuSeal-Signature: $sig" -d "$1"
}
sub() {	# sub EVENT_TYPE
	echo "{\"event_type\":\"$1\",\"timestamp\":\"$(date -u +%FT%TZ)\",\"data\":{\"id\":$RANDOM,\"submission_id\":\"sub-$SERVER\",\"status\":\"completed\",\"metadata\":{\"booking_id\":\"$bid\"},\"documents\":[{\"name\":\"rental-agreement.pdf\",\"url\":\"https://docuseal.example/file/$SERVER.pdf\"}]}}"
}
docuseal "$(sub form.viewed)"
check "a signed DocuSeal delivery is accepted" eq "$STATUS" 200
check "the contract is viewed" eq "$(psql_q "select contract_status from bookings where id='$bid'")" viewed
done_body=$(sub submission.completed)
docuseal "$done_body"
check "completed: the contract is signed, with its time" eq "$(psql_q "select contract_status||':'||(contract_signed_at is not null) from bookings where id='$bid'")" signed:true
check "and the signed document is kept as a rental_agreement" eq "$(psql_q "select count(*) from booking_media where booking_id='$bid' and stage='rental_agreement'")" 1
check "contract_signed is on the timeline" eq "$(psql_q "select count(*) from booking_events where booking_id='$bid' and event_type='contract_signed'")" 1
docuseal "$done_body"
check "the same delivery again changes nothing" eq "$(js .duplicate) $(psql_q "select count(*) from booking_media where booking_id='$bid'")" "true 1"
docuseal "$(sub submission.expired)" deadbeef
check "a wrong DocuSeal signature is 401" eq "$STATUS" 401
req POST /api/webhooks/docuseal -H 'Content-Type: application/json' -d "$(sub submission.expired)"
check "a missing signature is 401" eq "$STATUS" 401
check "and the contract stays signed" eq "$(psql_q "select contract_status from bookings where id='$bid'")" signed

# A provider whose secret (or PayPal webhook id) is unset is never
# accepted, not even signed with the empty key.
if [ "$SERVER" = lighttpd ]; then
	RESEND_WEBHOOK_SECRET= DOCUSEAL_WEBHOOK_SECRET= PAYPAL_WEBHOOK_ID= private_pool $(( ${BASE##*:} + 57 ))
	up() { [ "$(curl -s -o /dev/null -w '%{http_code}' "$I/api/health")" = 200 ]; }
	until_ok 50 up
	body=$(sub form.viewed)
	st=$(curl -s -o "$OUT/u" -w '%{http_code}' -XPOST "$I/api/webhooks/docuseal" -H 'Content-Type: application/json' \
		-H "X-DocuSeal-Signature: $(printf '%s' "$body" | openssl dgst -sha256 -hmac '' | awk '{print $NF}')" -d "$body")
	check "DocuSeal unset: a delivery signed with the empty key is 401" eq "$st $(jq -r .error.message "$OUT/u")" \
		"401 DocuSeal webhooks are not configured"
	ts=$(date +%s); b=$(email email.opened "re_unset$RANDOM")
	st=$(curl -s -o "$OUT/u" -w '%{http_code}' -XPOST "$I/api/webhooks/resend" -H 'Content-Type: application/json' \
		-H "svix-id: msg_unset" -H "svix-timestamp: $ts" \
		-H "svix-signature: v1,$(printf 'msg_unset.%s.%s' "$ts" "$b" | openssl dgst -sha256 -hmac '' -binary | base64)" -d "$b")
	check "Resend unset: a delivery signed with the empty key is 401" eq "$st $(jq -r .error.message "$OUT/u")" \
		"401 Resend webhooks are not configured"
	st=$(curl -s -o "$OUT/u" -w '%{http_code}' -XPOST "$I/api/webhooks/paypal" -H 'Content-Type: application/json' \
		-H 'User-Agent: PayPal/AUHD-214.0-58843234' -H 'PayPal-Auth-Algo: SHA256withRSA' \
		-H 'PayPal-Cert-Url: https://api.sandbox.paypal.com/v1/notifications/certs/CERT-1' \
		-H "PayPal-Transmission-Id: t-unset-$RANDOM" -H 'PayPal-Transmission-Sig: x' \
		-H "PayPal-Transmission-Time: $(date -u +%FT%TZ)" \
		-d "{\"id\":\"WH-unset-$RANDOM\",\"event_version\":\"1.0\",\"create_time\":\"$(date -u +%FT%TZ)\",\"resource_type\":\"capture\",\"event_type\":\"PAYMENT.CAPTURE.COMPLETED\",\"summary\":\"x\",\"resource\":{\"id\":\"CAP-1\"},\"links\":[]}")
	check "PAYPAL_WEBHOOK_ID unset: a PayPal delivery is refused ($st)" test "$st" = 401 -o "$st" = 503
	private_pool_stop
fi
