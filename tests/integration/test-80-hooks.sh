# test-80-hooks: outbound webhooks from the worker: one job per URL, HMAC
# signature and delivery id, a retry after a 500 with the same delivery id,
# and no delivery to loopback or link-local addresses not allow-listed.
. "$(dirname "$0")/lib.sh"
only_on lighttpd

port=${BASE##*:}; RPORT=$((port + 50)); LOGF=$OUT/hooks.log
SECRET=test-hook-secret-$RANDOM
python3 "$(dirname "$0")/../stubs/receiver.py" "$RPORT" "$LOGF" &
rpid=$!
up() { curl -s -o /dev/null -XPOST "http://127.0.0.1:$RPORT/ping" -d ''; }
until_ok 50 up
: > "$LOGF"
"$DEV" worker-stop
WEBHOOK_URLS="http://127.0.0.1:$RPORT/hooks,http://127.0.0.1:$RPORT/flaky,http://169.254.169.254/latest/meta-data,http://[::1]:$RPORT/v6" \
WEBHOOK_ALLOW=127.0.0.1 WEBHOOK_BACKOFF=300 WEBHOOK_SECRET=$SECRET "$DEV" worker-start

day() { date -u -d "+$1 days" +%F; }
adm=$(curl -s -XPOST "$BASE/api/auth/login" -H 'Content-Type: application/json' \
	-d '{"email":"admin@exodrive.com","password":"exodrive-dev-password"}' | jq -r .accessToken)
car=$(curl -s -XPOST "$BASE/api/admin/cars" -H "Authorization: Bearer $adm" -H 'Content-Type: application/json' \
	-d "$(jq -nc --arg n "Hook Test Car $RANDOM$RANDOM" '{name:$n, category:"Exotic",
	pricing:{base_price:200, deposit_amount:500, minimum_days:1},
	images:[{url:"https://img.example/h.webp", is_primary:true, sort_order:0}]}')" | jq -r .carId)
req POST /api/bookings -H 'Content-Type: application/json' -d "{\"carId\":\"$car\",\"startDate\":\"$(day 40)\",\"endDate\":\"$(day 42)\",\"customerDetails\":{\"fullName\":\"Hook Guest\",\"email\":\"hooks@example.com\"}}"
bid=$(js .bookingId)
check "a booking is created" eq "$STATUS" 201

got() { jq -c "select(.path == \"$1\" and (.body | fromjson | .data.bookingId) == \"$bid\")" "$LOGF" 2>/dev/null; }
arrived() { [ -n "$(got /hooks)" ]; }
check "booking.created reaches the receiver" until_ok 100 arrived
line=$(got /hooks | head -1)
body=$(echo "$line" | jq -r .body)
check "named in X-ExoDrive-Event" eq "$(echo "$line" | jq -r '.headers["X-ExoDrive-Event"]')" booking.created
check "the body says what and which" eq "$(echo "$body" | jq -r '.type + " " + .data.bookingId')" "booking.created $bid"
sig=$(echo "$line" | jq -r '.headers["X-ExoDrive-Signature"]')
t=${sig#t=}; t=${t%%,*}; v1=${sig#*v1=}
want=$(printf '%s.%s' "$t" "$body" | openssl dgst -sha256 -hmac "$SECRET" | awk '{print $NF}')
check "X-ExoDrive-Signature is HMAC-SHA256 of t.body" eq "$v1" "$want"
check "the delivery id is the body's id" eq "$(echo "$line" | jq -r '.headers["X-ExoDrive-Delivery"]')" "$(echo "$body" | jq -r .id)"
twice() { [ "$(got /flaky | wc -l)" -ge 2 ]; }
check "a 500 is retried" until_ok 100 twice
check "with the same delivery id" eq "$(got /flaky | jq -r '.headers["X-ExoDrive-Delivery"]' | sort -u | wc -l)" 1
dead() {
	req GET '/api/admin/queues/webhook/jobs?state=failed&limit=100' -H "Authorization: Bearer $adm"
	[ "$(js '[.jobs[] | select(.failedReason | test("not a public address"))] | length')" -ge 2 ]
}
check "link-local and loopback targets are refused, then dead-lettered" until_ok 300 dead
check "and never contacted" eq "$(jq -r .path "$LOGF" | grep -c '^/v6$')" 0

"$DEV" worker-stop
"$DEV" worker-start
kill "$rpid" 2>/dev/null; wait "$rpid" 2>/dev/null || true
