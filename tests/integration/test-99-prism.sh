# test-99-prism: Stoplight Prism (from npm) as a validating proxy in front
# of the server, with the OpenAPI document of the route table.  A client
# session goes through it: the catalogue, a car, its reviews and days,
# register, login, refresh, a booking and its conflict (409), the
# customer's bookings, every admin GET, denied requests (401, 403), and
# logout.  Prism checks each answer against the document (status, headers,
# body) and reports what breaks it in the sl-violations header and its
# log; none may.
#
# Prism runs without --errors: with it, Prism answers requests it finds
# invalid itself (a missing token, a bad query) instead of forwarding
# them, so the server's 401s would never be checked.  Request violations
# are expected there and not counted; answer violations are.
. "$(dirname "$0")/lib.sh"

NPM=$VAR/npm-prism
if [ ! -x "$NPM/node_modules/.bin/prism" ]; then
	mkdir -p "$NPM"
	(cd "$NPM" && npm install --no-audit --no-fund --silent @stoplight/prism-cli@5 >/dev/null 2>&1)
fi
check "Prism is installed from npm ($("$NPM/node_modules/.bin/prism" --version 2>/dev/null))" test -x "$NPM/node_modules/.bin/prism"
[ -x "$NPM/node_modules/.bin/prism" ] || exit 0

"$BIN" --config "$VAR/exodrive.env" openapi > "$OUT/doc.json"
PPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$NPM/node_modules/.bin/prism" proxy "$OUT/doc.json" "$BASE" -h 127.0.0.1 -p "$PPORT" \
	> "$OUT/prism.log" 2>&1 &
PRISM=$!
trap 'kill "$PRISM" 2>/dev/null; wait "$PRISM" 2>/dev/null; rm -rf "$OUT"' EXIT
for _ in $(seq 120); do
	curl -s -o /dev/null "http://127.0.0.1:$PPORT/api/health" && break
	kill -0 "$PRISM" 2>/dev/null || break
	sleep 0.5
done
check "Prism proxies to $SERVER on port $PPORT" curl -sf -o /dev/null "http://127.0.0.1:$PPORT/api/health"
kill -0 "$PRISM" 2>/dev/null || { sed 's/^/#   /' "$OUT/prism.log" | head -20; exit 0; }

# This session's own client address (the server believes X-Forwarded-For
# from loopback), so that no other test's rate limits touch it.
ME="10.99.$((RANDOM % 250)).$((RANDOM % 250 + 1))"
SEEN=0			# answers that went through Prism
: > "$OUT/violations"
# via METHOD PATH [curl args]: req through Prism; keeps its violations.
via() {
	local saved=$BASE
	BASE="http://127.0.0.1:$PPORT"
	req "$@" -H "X-Forwarded-For: $ME"
	BASE=$saved
	SEEN=$((SEEN + 1))
	hdr sl-violations | jq -c --arg r "$1 $2 $STATUS" \
		'.[]? | {r: $r, where: (.location | join(".")), message, severity}' \
		>> "$OUT/violations" 2>/dev/null
	# A truncated list is not JSON: keep it as a violation of its own.
	if hdr sl-violations | grep -q '^Too many violations'; then
		echo "{\"r\":\"$1 $2 $STATUS\",\"where\":\"response\",\"message\":\"too many\"}" >> "$OUT/violations"
	fi
}
JSON=(-H 'Content-Type: application/json')
day() { date -u -d "+$1 days" +%F; }

# Prism is validating: a limit over the declared maximum is a request
# violation it reports (and forwards; the server says 400).
via GET '/api/cars?limit=500'
check "Prism reports a request that breaks the document (limit=500: $STATUS)" \
	grep -q '"where":"request' "$OUT/violations"
: > "$OUT/violations"

# The catalogue and a car.
via GET /api/health
via GET /api/health/ready
via GET /api/openapi.json
via GET /api/cars
check "the catalogue is 200" eq "$STATUS" 200
via GET '/api/cars?minPrice=100&maxPrice=5000&sortBy=price&sortOrder=asc&page=1&limit=5'
check "the filtered catalogue is 200 with its numeric filters" eq "$STATUS $(js .filters.minPrice)" "200 100"
via GET /api/cars/slug/ferrari-296-gtb
car=$(js .car.id)
check "a car by slug is 200" eq "$STATUS" 200
via GET "/api/cars/$car"
via GET "/api/cars/$car/reviews"
via GET "/api/cars/00000000-0000-4000-8000-000000000000"
check "an unknown car is 404" eq "$STATUS" 404

# Days of its own, near the two-year horizon that bookings may reach
# (each server its own range; other tests book nearer).
off=$(( 620 + RANDOM % 40 ))
[ "$SERVER" = apache ] && off=$(( 670 + RANDOM % 40 ))
via GET "/api/cars/availability?carId=$car&startDate=$(day "$off")&endDate=$(day $((off + 6)))"
check "its days are 200" eq "$STATUS" 200

# A customer: register, log in, refresh.
email="prism-$SERVER-$RANDOM$RANDOM@example.com"
via POST /api/auth/register "${JSON[@]}" -d "{\"email\":\"$email\",\"password\":\"s3cret-passw0rd\",\"firstName\":\"Pia\",\"lastName\":\"Prism\",\"phone\":\"+1 555 0100\"}"
check "register is 201" eq "$STATUS" 201
via POST /api/auth/login "${JSON[@]}" -d "{\"email\":\"$email\",\"password\":\"s3cret-passw0rd\"}"
check "login is 200" eq "$STATUS" 200
tok=$(js .accessToken); refresh=$(js .refreshToken)
via POST /api/auth/refresh "${JSON[@]}" -d "{\"refreshToken\":\"$refresh\"}"
check "refresh is 200" eq "$STATUS" 200
refresh=$(js .refreshToken)
C=(-H "Authorization: Bearer $tok")

# A booking, and the same days again.
for _ in 1 2 3 4 5; do	# a range an earlier run left booked is 409: next
	body="{\"carId\":\"$car\",\"startDate\":\"$(day "$off")\",\"endDate\":\"$(day $((off + 3)))\"}"
	via POST /api/bookings "${JSON[@]}" "${C[@]}" -d "$body"
	[ "$STATUS" = 409 ] || break
	off=$((off + 5))
done
check "the booking is 201" eq "$STATUS" 201
bid=$(js .bookingId); url=$(js .bookingUrl)
via POST /api/bookings "${JSON[@]}" "${C[@]}" -d "$body"
check "the same days again are 409" eq "$STATUS" 409
via GET /api/bookings "${C[@]}"
check "the customer's bookings hold it" eq "$(js "[.bookings[].id] | index(\"$bid\") != null")" true
via GET "/api/bookings/by-token/${url##*/}"
check "the booking link is 200" eq "$STATUS" 200

# Denied.
via GET /api/bookings
check "my bookings without a token are 401" eq "$STATUS" 401
via GET /api/bookings -H "Authorization: Bearer not.a.token"
check "my bookings with a bad token are 401" eq "$STATUS" 401
via GET /api/admin/bookings "${C[@]}"
check "a customer at the admin API is 403" eq "$STATUS" 403
via GET /api/admin/cars
check "the admin API without a token is 401" eq "$STATUS" 401

# The admin (the seed's) and every admin read.
via POST /api/auth/login "${JSON[@]}" -d '{"email":"admin@exodrive.com","password":"exodrive-dev-password"}'
check "the admin logs in" eq "$STATUS" 200
A=(-H "Authorization: Bearer $(js .accessToken)")
for p in /api/admin/cars /api/admin/analytics /api/admin/cache-warm \
	/api/admin/rate-limit-monitoring /api/admin/rate-limit-overrides \
	/api/admin/emails/status "/api/admin/emails/status?bookingId=$bid" \
	"/api/admin/emails/preview?type=booking_confirmation&bookingId=$bid" \
	/api/admin/inbox /api/admin/reports /api/admin/dashboard /api/admin/queues \
	/api/admin/queues/email/stats /api/admin/queues/email/jobs \
	'/api/admin/queues/email/jobs?state=completed' /api/admin/bookings \
	"/api/admin/bookings/$bid" /metrics /pool-status /admin/dashboard; do
	via GET "$p" "${A[@]}"
	case $p in
	/api/admin/cache-warm) want='200|404' ;;	# 404 until a warm-up ran
	*) want=200 ;;
	esac
	check "admin GET $p is $want ($STATUS)" grep -Eqx "$want" <<< "$STATUS"
done
via GET '/api/admin/queues/email/jobs?state=completed&limit=1' "${A[@]}"
job=$(js '.jobs[0].id // 999999999')		# none yet: an unknown one, 404
via GET "/api/admin/queues/email/jobs/$job" "${A[@]}"
check "admin GET a job is 200 or 404 ($STATUS)" grep -Eqx '200|404' <<< "$STATUS"
via POST /api/admin/reports "${JSON[@]}" "${A[@]}" -d "{\"kind\":\"fleet_utilisation\",\"from\":\"$(day -30)\",\"to\":\"$(day 0)\"}"
check "a report is asked for (202)" eq "$STATUS" 202
rid=$(js .id)
via GET "/api/admin/reports/$rid" "${A[@]}"
check "admin GET the report is 200" eq "$STATUS" 200
via GET "/api/admin/reports/$rid/download" "${A[@]}"
check "its download is 200 or 409 while built ($STATUS)" grep -Eqx '200|409' <<< "$STATUS"

# The customer cancels (the days are free again) and logs out.
via POST "/api/bookings/$bid/cancel" "${C[@]}"
check "the customer cancels (200)" eq "$STATUS" 200
via POST /api/auth/logout "${JSON[@]}" -d "{\"refreshToken\":\"$refresh\"}"
check "logout is 204" eq "$STATUS" 204

grep '"where":"response' "$OUT/violations" > "$OUT/bad"
check "Prism found no answer that breaks the document ($SEEN answers, $(wc -l < "$OUT/bad") violations)" test ! -s "$OUT/bad"
head -20 "$OUT/bad" | sed 's/^/#   /'
grep -a 'Violation: response' "$OUT/prism.log" > "$OUT/logbad"
check "nor did its log" test ! -s "$OUT/logbad"
head -5 "$OUT/logbad" | sed 's/^/#   /'
