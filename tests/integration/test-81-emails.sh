# test-81-emails: the contact form (notice with Reply-To, acknowledgement,
# no header injection, its rate limit), the modification email of an admin
# edit, the admin email status views and the batch retry of failed emails.
. "$(dirname "$0")/lib.sh"
only_on lighttpd

psql_q() { psql -h "$VAR/pg/sock" -U exodrive -d exodrive -XAtc "$1"; }
day() { date -u -d "+$1 days" +%F; }
MAIL=$VAR/mail
mail_with() { grep -l -- "$1" "$MAIL"/* 2>/dev/null | head -1; }
adm=$(curl -s -XPOST "$BASE/api/auth/login" -H 'Content-Type: application/json' \
	-d '{"email":"admin@exodrive.com","password":"exodrive-dev-password"}' | jq -r .accessToken)
A=(-H "Authorization: Bearer $adm" -H 'Content-Type: application/json')

# Contact form: two emails from one request.
tag="contact-$RANDOM$RANDOM"
req POST /api/email/contact -H 'Content-Type: application/json' \
	-d "{\"name\":\"Ann <O'Neil>\",\"email\":\"$tag@example.com\",\"phone\":\"+1 555 0100\",\"message\":\"Hello <b>team</b>\nSecond line $tag\"}"
check "the contact form answers 202" eq "$STATUS" 202
notice() { grep -l "^X-Rcpt-Args: <contact@exodrive.co>" "$MAIL"/* 2>/dev/null | xargs -r grep -l "Second line $tag" | head -1; }
ack() { grep -l "^X-Rcpt-Args: <$tag@example.com>" "$MAIL"/* 2>/dev/null | head -1; }
has_notice() { [ -n "$(notice)" ]; }
has_ack() { [ -n "$(ack)" ]; }
check "the business gets the notice" until_ok 100 has_notice
check "the sender gets the acknowledgement" until_ok 100 has_ack
n=$(notice); a=$(ack)
check "the notice's Reply-To is the sender" grep -q "^Reply-To: $tag@example.com.\?$" "$n"
check "its subject names the sender" grep -q "^Subject: Contact form: Ann <O'Neil>" "$n"
check "its HTML escapes the message, one <br> per line" grep -q 'Hello &lt;b&gt;team&lt;/b&gt;<br>Second line' "$n"
check "the acknowledgement's subject" grep -q '^Subject: Thank You for Contacting ExoDrive' "$a"
nmid=$(sed -n 's/^Message-ID: //p' "$n" | tr -d '\r')
check "both are recorded in email_events without a booking" eq "$(psql_q "select count(*) from email_events where booking_id is null and status = 'sent' and (recipient_email = '$tag@example.com' or message_id = '$nmid')")" 2
req POST /api/email/contact -H 'Content-Type: application/json' \
	-d "{\"name\":\"Eve\\r\\nBcc: victim@example.com\",\"email\":\"eve@example.com\",\"message\":\"hi\"}"
check "a name with CR LF (header injection) is 400" eq "$STATUS $(js .error.code)" "400 VALIDATION_ERROR"
check "naming the field" eq "$(js '.error.details.fieldErrors | keys[0]')" name
req POST /api/email/contact -H 'Content-Type: application/json' -d '{"name":"Bob","email":"not-an-address","message":"hi"}'
check "a bad address is 400" eq "$STATUS" 400
req POST /api/email/contact -H 'Content-Type: application/json' -d '{"name":"Bob","email":"bob@example.com"}'
check "no message is 400" eq "$STATUS" 400
before=$(psql_q "select count(*) from outbox where job_name like 'contact_%'")
codes=""
ip=$(other_ip)	# a client of its own, apart from the script's main one
for i in 1 2 3 4 5 6; do
	req POST /api/email/contact -H "X-Forwarded-For: $ip" -H 'Content-Type: application/json' -d "{\"name\":\"Flood\",\"email\":\"flood@example.com\",\"message\":\"$i\"}"
	codes="$codes $STATUS"
done
check "the contact tier takes 5 an hour from one address ($codes)" eq "$codes" " 202 202 202 202 202 429"
n202=$(echo "$codes" | tr ' ' '\n' | grep -c 202)
check "a refused message queues nothing ($n202 accepted, 2 emails each)" eq "$(psql_q "select count(*) from outbox where job_name like 'contact_%'")" $((before + 2 * n202))

# An admin moves a booking and changes its price: the customer is told.
car=$(curl -s -XPOST "$BASE/api/admin/cars" "${A[@]}" \
	-d "$(jq -nc --arg n "Modify Car $RANDOM$RANDOM" '{name:$n, category:"Exotic",
	pricing:{base_price:300, deposit_amount:500, minimum_days:1},
	images:[{url:"https://img.example/m.webp", is_primary:true, sort_order:0}]}')" | jq -r .carId)
req POST /api/bookings -H 'Content-Type: application/json' -d "{\"carId\":\"$car\",\"startDate\":\"$(day 40)\",\"endDate\":\"$(day 42)\",\"customerDetails\":{\"fullName\":\"Mo Dified\",\"email\":\"mod-$tag@example.com\"}}"
bid=$(js .bookingId)
was=$(psql_q "select to_char(total_price, 'FM999999990.00') from bookings where id = '$bid'")
req PATCH "/api/admin/bookings/$bid" "${A[@]}" -d "{\"startDate\":\"$(day 41)\",\"endDate\":\"$(day 44)\",\"totalPrice\":1234.5}"
check "the admin edit answers 200" eq "$STATUS" 200
modified() { test -n "$(grep -l '^Subject: Booking Modified - Modify Car' "$MAIL"/* 2>/dev/null | xargs -r grep -l "mod-$tag@example.com")"; }
check "the modification email is sent" until_ok 100 modified
m=$(grep -l '^Subject: Booking Modified - Modify Car' "$MAIL"/* | xargs grep -l "mod-$tag@example.com" | head -1)
check "it lists the old and new pick-up dates" grep -q "Pick-up date: $(day 40) -> $(day 41)" "$m"
check "and the new total" grep -q "New total: \\\$1234.50 (was \\\$$was)" "$m"
req PATCH "/api/admin/bookings/$bid" "${A[@]}" -d '{"adminNotes":"internal only"}'
check "an internal note is saved (200)" eq "$STATUS $(psql_q "select admin_notes from bookings where id = '$bid'")" "200 internal only"
# An email queued after the note is sent and the email queue is empty:
# anything the note had queued has been sent by then.
req POST /api/admin/emails/preview "${A[@]}" -d "{\"type\":\"booking_confirmation\",\"bookingId\":\"$bid\",\"recipientEmail\":\"after-note-$tag@example.com\"}"
email_idle() {
	[ "$(psql_q "select count(*) from outbox where relayed_at is null and queue = 'email'")" = 0 ] &&
	# (delayed: retries due within a minute; reminders wait for their day)
	[ "$(redis-cli -s "$VAR/run/redis.sock" eval "return redis.call('ZCARD', KEYS[1]) + redis.call('ZCARD', KEYS[2]) + redis.call('ZCOUNT', KEYS[3], '-inf', ARGV[1])" 3 'jq:{email}:ready' 'jq:{email}:active' 'jq:{email}:delayed' $(( $(date +%s) * 1000 + 60000 )))" = 0 ]
}
after_note() { [ -n "$(mail_with "^X-Rcpt-Args: <after-note-$tag@example.com>")" ] && email_idle; }
check "an email queued after the note is sent, and the queue is empty" until_ok 150 after_note
check "an internal note sends nothing" eq "$(grep -l '^Subject: Booking Modified - Modify Car' "$MAIL"/* | xargs grep -l "mod-$tag@example.com" | wc -l)" 1

# Status views.
req GET "/api/admin/emails/status?bookingId=$bid" "${A[@]}"
check "a booking's email status lists its events" eq "$(js '[.events[].type] | sort | join(",")')" booking_confirmation,booking_modification
check "with the confirmation's status" eq "$(js .confirmation.status)" sent
req GET "/api/admin/emails/status?type=contact_acknowledgement&limit=1" "${A[@]}"
check "the list filters by type and pages" eq "$(js '.emails | length'),$(js '.emails[0].type'),$(js '.pagination.limit')" 1,contact_acknowledgement,1
check "with totals by status" test "$(js .stats.sent)" -ge 3
req GET "/api/admin/emails/status?limit=101" "${A[@]}"
check "a page of more than 100 is 400" eq "$STATUS" 400
req GET "/api/admin/emails/status?bookingId=$(cat /proc/sys/kernel/random/uuid)" "${A[@]}"
check "an unknown booking is 404" eq "$STATUS" 404

# A test send goes to the tester and leaves the booking's record alone.
before=$(psql_q "select recipient_email||' '||coalesce(message_id, '') from email_events where booking_id = '$bid' and email_type = 'booking_confirmation'")
req POST /api/admin/emails/preview "${A[@]}" -d "{\"type\":\"booking_confirmation\",\"bookingId\":\"$bid\",\"recipientEmail\":\"tester-$tag@example.com\"}"
check "a test send is queued (202)" eq "$STATUS" 202
tested() { grep -l "^X-Rcpt-Args: <tester-$tag@example.com>" "$MAIL"/* 2>/dev/null | xargs -r grep -l '^Subject: Booking Held until .* - Modify Car' >/dev/null; }
check "the tester gets the booking's confirmation" until_ok 100 tested
check "the booking's own email record is unchanged" eq "$(psql_q "select recipient_email||' '||coalesce(message_id, '') from email_events where booking_id = '$bid' and email_type = 'booking_confirmation'")" "$before"
req POST /api/admin/emails/preview "${A[@]}" -d "{\"type\":\"payment_receipt\",\"bookingId\":\"$bid\",\"recipientEmail\":\"tester@example.com\"}"
check "a receipt test without a captured payment is 409" eq "$STATUS" 409

# Batch retry: a failed confirmation is queued again, once.
psql_q "update email_events set status = 'failed', error_message = 'mailbox full', retry_count = 1 where booking_id = '$bid' and email_type = 'booking_confirmation'" >/dev/null
n0=$(grep -l "mod-$tag@example.com" "$MAIL"/* | xargs grep -l '^Subject: Booking Held until' | wc -l)
req POST /api/admin/emails/status "${A[@]}" -d '{"action":"retry_failed","emailType":"booking_confirmation","maxRetries":5}'
check "batch retry answers 202 and queues the failed one" eq "$STATUS" 202
check "at least one queued" test "$(js .queued)" -ge 1
again() { [ "$(grep -l "mod-$tag@example.com" "$MAIL"/* | xargs grep -l '^Subject: Booking Held until' | wc -l)" -gt "$n0" ]; }
check "and it is sent again" until_ok 100 again
sentnow() { [ "$(psql_q "select status from email_events where booking_id = '$bid' and email_type = 'booking_confirmation'")" = sent ]; }
check "its event is sent again" until_ok 50 sentnow
psql_q "update email_events set status = 'failed', retry_count = 7 where booking_id = '$bid' and email_type = 'booking_confirmation'" >/dev/null
req POST /api/admin/emails/status "${A[@]}" -d '{"action":"retry_failed","emailType":"booking_confirmation","maxRetries":5}'
check "one retried too often is left alone" eq "$(psql_q "select count(*) from outbox where dedupe_key like 'retry:%:7'")" 0
req POST /api/admin/emails/status "${A[@]}" -d '{"action":"delete_all","emailType":"booking_confirmation"}'
check "an unknown action is 400" eq "$STATUS" 400
req POST /api/admin/emails/status "${A[@]}" -d '{"action":"retry_failed","emailType":"booking_confirmation","maxRetries":11}'
check "maxRetries above 10 is 400" eq "$STATUS" 400

# A contact message full of boundary lines (every boundary the send time
# could have made over the next minutes) stays inside its own part.
btag="boundary-$RANDOM$RANDOM"
now=$(date +%s)
forged=$(for t in $(seq $((now - 20)) $((now + 180))); do printf -- '--=_exodrive_%08x\\n' "$t"; done)
req POST /api/email/contact -H "X-Forwarded-For: $(other_ip)" -H 'Content-Type: application/json' \
	-d "{\"name\":\"Mallory\",\"email\":\"$btag@example.com\",\"message\":\"$btag\\n$forged--=_exodrive_$(printf %08x "$now")--\"}"
check "a message of boundary lines is accepted (202)" eq "$STATUS" 202
bnotice() { grep -l "^X-Rcpt-Args: <contact@exodrive.co>" "$MAIL"/* 2>/dev/null | xargs -r grep -l "$btag" | head -1; }
has_bnotice() { [ -n "$(bnotice)" ]; }
check "its notice is sent" until_ok 100 has_bnotice
check "the notice has two parts, a boundary of its own, and the message whole in its text part" python3 - "$(bnotice)" "$btag" <<'PY'
import email, re, sys
raw = open(sys.argv[1], "rb").read()
m = email.message_from_bytes(raw)
b = m.get_boundary()
lines = raw.decode("utf-8", "replace").replace("\r\n", "\n").split("\n")
parts = m.get_payload()
text = parts[0].get_payload(decode=True).decode().replace("\r\n", "\n") if len(parts) == 2 else ""
ok = (len(parts) == 2 and [p.get_content_type() for p in parts] == ["text/plain", "text/html"]
      and lines.count("--" + b) == 2 and lines.count("--" + b + "--") == 1
      and len(re.findall(r"^--=_exodrive_[0-9a-f]{8}$", text, re.M)) == 201)
print("# boundary %s, %d parts, %d lines are it" % (b, len(parts), lines.count("--" + b)))
sys.exit(0 if ok else 1)
PY
