# test-85-owasp: the OWASP API Top 10 checks the other tests leave out
# (reliability.md section 7): resource consumption (page sizes, ranges,
# batches, deep and wide bodies, long inputs), SSRF in every URL a client
# can hand us, CRLF in anything that could reach a header, template
# injection into emails, and account and booking enumeration.
. "$(dirname "$0")/lib.sh"

login() { curl -s -XPOST "$BASE/api/auth/login" -H 'Content-Type: application/json' \
	-d "{\"email\":\"$1\",\"password\":\"exodrive-dev-password\"}" | jq -r .accessToken; }
adm=$(login admin@exodrive.com)
A=(-H "Authorization: Bearer $adm")
J=(-H 'Content-Type: application/json')
day() { date -u -d "+$1 days" +%F; }
client_ip() { other_ip; }	# a caller of its own

# --- API4: unrestricted resource consumption ------------------------------
# Every paged or windowed query parameter of the document refuses one more
# than its maximum (400), as an admin so no authorization stops it first.
curl -s "$BASE/api/openapi.json" > "$OUT/openapi.json"
jq -r '.paths | to_entries[] | .key as $p | .value | to_entries[]
	| select(.value.parameters != null) | .key as $m | .value.parameters[]
	| select(.in == "query" and .schema.maximum != null and .schema.type == "integer")
	| "\($m) \($p) \(.name) \(.schema.maximum)"' "$OUT/openapi.json" > "$OUT/caps"
bad=0
while read -r m p name max; do
	path=$(echo "$p" | sed 's/{queue}/email/; s/{[^}]*}/00000000-0000-4000-8000-000000000000/g')
	req "${m^^}" "$path?$name=$((max + 1))" "${A[@]}"
	[ "$STATUS $(js .error.code)" = "400 VALIDATION_ERROR" ] || { echo "#   ${m^^} $path?$name=$((max + 1)): $STATUS" >&2; bad=$((bad + 1)); }
done < "$OUT/caps"
check "every capped query parameter ($(wc -l < "$OUT/caps") of them: page sizes, windows) refuses max+1 with 400" eq "$bad" 0
check "the caps include the page sizes of the lists" test "$(grep -c ' limit ' "$OUT/caps")" -ge 5
car=$(curl -s "$BASE/api/cars?limit=1" | jq -r '.cars[0].id')
req GET "/api/cars/availability?carId=$car&startDate=$(day 1)&endDate=$(day 3653)"
check "availability over ten years is 400" eq "$STATUS $(js .error.code)" "400 VALIDATION_ERROR"
req POST /api/admin/reports "${A[@]}" "${J[@]}" -d "{\"kind\":\"bookings_revenue\",\"from\":\"2010-01-01\",\"to\":\"2030-01-01\"}"
check "a report over twenty years is 400" eq "$STATUS $(js .error.code)" "400 VALIDATION_ERROR"
names=$(printf 'car.list,%.0s' $(seq 1000)); names=${names%,}
req GET "/trpc/$names?batch=1&input=%7B%7D"
check "a tRPC batch of 1000 calls is refused with a 4xx, not served ($STATUS)" test "$STATUS" -ge 400 -a "$STATUS" -lt 500
big=$(head -c 9000 /dev/zero | tr '\0' 'a')
req GET "/trpc/car.list?input=%7B%22x%22%3A%22$big%22%7D"
check "a 9 KB GET input is a 4xx ($STATUS)" test "$STATUS" -ge 400 -a "$STATUS" -lt 500
deep=$(printf '{"a":%.0s' $(seq 100))1$(printf '}%.0s' $(seq 100))
req POST /api/auth/login "${J[@]}" -H "X-Forwarded-For: $(client_ip)" -d "$deep"
check "JSON nested 100 deep is 400" eq "$STATUS" 400
# 60000 members against a baseline of the same size measured now (one
# long string member): the member count must not make the refusal
# superlinear, however busy the machine is.
python3 -c 'import json; print(json.dumps({"k%d" % i: i for i in range(60000)}))' > "$OUT/wide.json"
python3 -c "import json; print(json.dumps({'k': 'a' * ($(wc -c < "$OUT/wide.json") - 12)}))" > "$OUT/long.json"
post_ms() {	# post_ms FILE: POST it to the contact form; sets MS and STATUS
	local t0=$(date +%s%N)
	req POST /api/email/contact "${J[@]}" -H "X-Forwarded-For: $(client_ip)" --data-binary "@$1"
	MS=$(( ($(date +%s%N) - t0) / 1000000 ))
}
post_ms "$OUT/long.json"; base_ms=$MS base_status=$STATUS
post_ms "$OUT/wide.json"; ms=$MS
check "an object of 60000 members ($(($(wc -c < "$OUT/wide.json") / 1024)) KiB) is 400 in ${ms} ms (one string of that size: ${base_ms} ms, $base_status)" \
	test "$STATUS" = 400 -a "$ms" -lt $((base_ms * 10 + 1000))
q=$(printf 'p%d=1&' $(seq 300))
req GET "/api/cars?$q"
check "300 query parameters are 400" eq "$STATUS $(js .error.code)" "400 INVALID_REQUEST"

# --- API7: server-side request forgery ------------------------------------
# A listener on loopback counts connections while every URL a client can
# hand the API points at it; the API stores or refuses them, never fetches.
LPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
timeout 120 python3 -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(16)
while True:
    c, _ = s.accept(); open(sys.argv[2], "a").write("hit\n"); c.close()
' "$LPORT" "$OUT/hits" &
lpid=$!
: > "$OUT/hits"
listening() { bash -c "exec 3<>/dev/tcp/127.0.0.1/$LPORT" 2>/dev/null; }
probed() { [ -s "$OUT/hits" ]; }
until_ok 30 listening && until_ok 30 probed
: > "$OUT/hits"	# forget the probe
L=http://127.0.0.1:$LPORT
car_body() {	# car_body IMAGE_URL
	jq -nc --arg n "OWASP Car $RANDOM$RANDOM" --arg u "$1" '{name:$n, category:"Exotic",
		pricing:{base_price:300, deposit_amount:500, minimum_days:1},
		images:[{url:$u, is_primary:true, sort_order:0}]}'
}
req POST /api/admin/cars "${A[@]}" "${J[@]}" -d "$(car_body "$L/latest/meta-data")"
check "an http image link is stored as a link (201)" eq "$STATUS" 201
ssrf_car=$(js .carId)
bad=0
for u in "file:///etc/passwd" "javascript:alert(1)" "data:image/png;base64,AAAA" \
	"//127.0.0.1:$LPORT/x" "gopher://127.0.0.1:6379/_FLUSHALL" "http:///x" "http://a b/"; do
	req POST /api/admin/cars "${A[@]}" "${J[@]}" -d "$(car_body "$u")"
	[ "$STATUS" = 400 ] || { echo "#   $u: $STATUS" >&2; bad=$((bad + 1)); }
done
check "file:, javascript:, data:, gopher:, protocol-relative and malformed image links are 400" eq "$bad" 0
curl -s -o /dev/null "$BASE/api/cars/$ssrf_car"
hdr=$(printf '{"alg":"HS256","typ":"JWT","jku":"%s/jwks","x5u":"%s/cert"}' "$L" "$L" | base64 -w0 | tr '+/' '-_' | tr -d =)
pay=$(printf '{"sub":"x","role":"admin","exp":%d}' $(($(date +%s) + 600)) | base64 -w0 | tr '+/' '-_' | tr -d =)
req GET /api/admin/cars -H "Authorization: Bearer $hdr.$pay.c2lnbmF0dXJl"
check "a token whose jku/x5u name our listener is 401" eq "$STATUS" 401
req POST /api/webhooks/paypal "${J[@]}" -H 'User-Agent: PayPal/AUHD-214.0-58843234' \
	-H 'PayPal-Auth-Algo: SHA256withRSA' -H "PayPal-Cert-Url: $L/cert" \
	-H "PayPal-Transmission-Id: t-$RANDOM" -H 'PayPal-Transmission-Sig: x' \
	-H "PayPal-Transmission-Time: $(date -u +%FT%TZ)" \
	-d "{\"id\":\"WH-ssrf-$RANDOM\",\"event_version\":\"1.0\",\"create_time\":\"$(date -u +%FT%TZ)\",\"resource_type\":\"capture\",\"event_type\":\"PAYMENT.CAPTURE.COMPLETED\",\"summary\":\"x\",\"resource\":{\"id\":\"CAP-1\"},\"links\":[]}"
check "a well-formed PayPal delivery whose certificate URL is our listener is 401" eq "$STATUS" 401
# Anything queued (image jobs, webhooks) has had its chance once the
# worker has done a job asked for after it (a small report) and no queue
# has a job waiting or held.
req POST /api/admin/reports "${A[@]}" "${J[@]}" -d "{\"kind\":\"bookings_revenue\",\"from\":\"$(day 1)\",\"to\":\"$(day 2)\"}"
marker=$(js .id)
queues_idle() {
	local q n
	[ "$(psql -h "$VAR/pg/sock" -U exodrive -d exodrive -XAtc "select count(*) from outbox where relayed_at is null")" = 0 ] || return 1
	for q in email webhook image report; do
		n=$(redis-cli -s "$VAR/run/redis.sock" eval "return redis.call('ZCARD', KEYS[1]) + redis.call('ZCARD', KEYS[2])" 2 "jq:{$q}:ready" "jq:{$q}:active")
		[ "$n" = 0 ] || return 1
	done
}
caught_up() { req GET "/api/admin/reports/$marker" "${A[@]}"; [ "$(js .status)" = done ] && queues_idle; }
check "the worker has done a job asked for after these requests, and no job waits" until_ok 150 caught_up
check "the listener was never contacted" eq "$(wc -l < "$OUT/hits")" 0
kill "$lpid" 2>/dev/null; wait "$lpid" 2>/dev/null

# --- CRLF: nothing a client sends becomes a header line -------------------
no_injected() { ! grep -qi '^X-Injected' "$OUT/headers"; }
bad=0
for p in "/api/cars/%0d%0aX-Injected:%201" "/api/cars?category=%0d%0aX-Injected:%201" \
	"/trpc/car.list%0d%0aX-Injected:%201" "/api/bookings/by-token/%0d%0aX-Injected:%201" \
	"/api/none%0aX-Injected:%201"; do
	req GET "$p"
	{ no_injected && [ "$STATUS" -ge 200 ] && [ "$STATUS" -lt 500 ]; } || { echo "#   $p: $STATUS" >&2; bad=$((bad + 1)); }
done
# (lighttpd refuses control characters in the URL itself; behind Apache a
# filter value with CR LF is just text that matches nothing.)
check "encoded CR LF in paths and queries is never a header, nor a 5xx" eq "$bad" 0
req GET /api/health -H 'X-Trace-Id: abc%0d%0aX-Injected: 1' -H 'Origin: https://x.example%0d%0aX-Injected: 1'
check "an unusable trace id is replaced, not echoed" test "$(hdr X-Trace-Id | grep -c '%')" = 0 -a -n "$(hdr X-Trace-Id)"
check "and no header was injected" no_injected

# --- Template injection: customer data in an email stays text -------------
if [ "$SERVER" = lighttpd ]; then
	tcar=$(curl -s -XPOST "$BASE/api/admin/cars" "${A[@]}" "${J[@]}" -d "$(car_body https://img.example/t.webp)" | jq -r .carId)
	tag=tpl$RANDOM$RANDOM
	name='{{#a}}X{{/a}} {{{b}}} {{> p}} <script>'"$tag"
	req POST /api/bookings "${J[@]}" -d "$(jq -nc --arg c "$tcar" --arg s "$(day 640)" --arg e "$(day 642)" \
		--arg n "$name" --arg m "$tag@example.com" '{carId:$c, startDate:$s, endDate:$e, customerDetails:{fullName:$n, email:$m}}')"
	check "a booking whose name is Mustache and HTML is accepted" eq "$STATUS" 201
	mail_to() { grep -l "^X-Rcpt-Args: <$tag@example.com>" "$VAR"/mail/* 2>/dev/null | head -1; }
	has_mail() { [ -n "$(mail_to)" ]; }
	check "its confirmation email is sent" until_ok 150 has_mail
	m=$(mail_to)
	check "the text part shows the name as typed (no section, partial or unescaped tag ran)" \
		grep -qF '{{#a}}X{{/a}} {{{b}}} {{> p}} <script>'"$tag" "$m"
	check "the HTML part escapes it" grep -qF '{{#a}}X{{/a}} {{{b}}} {{&gt; p}} &lt;script&gt;'"$tag" "$m"
fi

# --- Enumeration ----------------------------------------------------------
ip=$(client_ip)
answer() { curl -s -XPOST "$BASE/api/auth/login" "${J[@]}" -H "X-Forwarded-For: $ip" \
	-d "{\"email\":\"$1\",\"password\":\"not-the-password-1\"}" -w ' %{http_code} %{time_total}\n' -o "$OUT/la"; }
for i in 1 2 3; do answer "nobody-$RANDOM@example.com"; done > "$OUT/unknown"
for i in 1 2 3; do answer john.doe@example.com; done > "$OUT/known"
known_answer=$(jq -c '{c: .error.code, m: .error.message}' "$OUT/la"); answer "nobody-$RANDOM@example.com" > /dev/null
check "login: an unknown account and a wrong password get the same answer" eq \
	"$(jq -c '{c: .error.code, m: .error.message}' "$OUT/la") $(awk '{print $1}' "$OUT/unknown" | sort -u)" \
	"$known_answer $(awk '{print $1}' "$OUT/known" | sort -u)"
tu=$(awk '{print $2}' "$OUT/unknown" | sort -g | sed -n 2p); tk=$(awk '{print $2}' "$OUT/known" | sort -g | sed -n 2p)
check "and take about as long (median ${tu}s vs ${tk}s: a dummy hash is checked)" \
	awk -v a="$tu" -v b="$tk" 'BEGIN { exit !(a > b / 3 && a < b * 3) }'
for i in $(seq 12); do answer "guess$i@example.com"; done > "$OUT/guesses"
check "guessing accounts from one address meets 429 within 12 tries (RATE_LIMIT_LOGIN)" grep -q ' 429 ' "$OUT/guesses"
ip=$(client_ip)
# Guesses at once from one address, 150 a round until one is refused (at
# most 4 rounds: a loaded machine serves them slowly enough to refill): the
# public tier (100 a minute here) admits 100 and one more per 0.6 s.
t0=$(date +%s.%N); : > "$OUT/tokens"
for round in 1 2 3 4; do
	for i in $(seq 150); do openssl rand -hex 48; done |
		xargs -P 30 -I@ curl -s -o /dev/null -w '%{http_code}\n' -H "X-Forwarded-For: $ip" \
		"$BASE/api/bookings/by-token/@" >> "$OUT/tokens"
	grep -q 429 "$OUT/tokens" && break
done
took=$(echo "$(date +%s.%N) - $t0" | bc)
n404=$(grep -c 404 "$OUT/tokens"); n429=$(grep -c 429 "$OUT/tokens")
check "guessed booking tokens are 404 ($n404 of $((n404 + n429)))" test "$n404" -ge 50
check "and the guessing is throttled (429) within $((n404 + n429)) tries ($n429)" grep -q 429 "$OUT/tokens"
check "no more guesses got in than 100 and the refills of ${took} s ($n404)" \
	awk -v n="$n404" -v t="$took" 'BEGIN { exit !(n <= 100 + int(t / 0.6) + 1) }'
check "no guess found a booking" eq "$(grep -c 200 "$OUT/tokens")" 0

# --- Forwarded addresses: the hop our proxy appended is the client --------
# lighttpd and Apache on loopback are the trusted proxies, and the address
# after the client's own hops stands for the one a proxy appends.  Long
# runs of loopback hops neither hide it nor make the caller loopback.
hops() { printf "$1, %.0s" $(seq "$2"); }	# hops ADDRESS N: N hops and a comma
far=$(hops 127.0.0.1 20); far=${far%, }
req GET /metrics -H "X-Forwarded-For: $far"
check "20 x 127.0.0.1 in X-Forwarded-For does not open /metrics ($STATUS)" test "$STATUS" -ge 400 -a "$STATUS" -lt 500
req GET /metrics -H "X-Forwarded-For: $(hops 127.0.0.1 20)203.0.113.$((RANDOM % 200 + 20))"
check "nor does it hide the address appended after it ($STATUS)" test "$STATUS" -ge 400 -a "$STATUS" -lt 500
req GET /metrics -H "X-Forwarded-For: $(hops 127.0.0.1 3)127.0.0.1"
check "(a short chain of loopback hops is a loopback caller: /metrics is $STATUS)" eq "$STATUS" 200
appended=203.0.113.$((RANDOM % 200 + 20))
for i in $(seq 12); do
	curl -s -o /dev/null -w '%{http_code}\n' -XPOST "$BASE/api/auth/login" "${J[@]}" \
		-H "X-Forwarded-For: 10.$((RANDOM % 250)).$i.1, $(hops 127.0.0.1 18)$appended" \
		-d "{\"email\":\"xff-$RANDOM$RANDOM@example.com\",\"password\":\"not-the-password-1\"}"
done > "$OUT/xff-appended"
check "login guesses with a new leftmost hop each time still meet 429 within 12 (one appended address)" \
	grep -q 429 "$OUT/xff-appended"
for i in $(seq 12); do
	curl -s -o /dev/null -w '%{http_code}\n' -XPOST "$BASE/api/auth/login" "${J[@]}" \
		-H "X-Forwarded-For: 10.$((RANDOM % 250)).$i.1, $(hops 127.0.0.1 19 | sed 's/, $//')" \
		-d "{\"email\":\"xff-$RANDOM$RANDOM@example.com\",\"password\":\"not-the-password-1\"}"
done > "$OUT/xff-long"
check "and so do guesses behind 19 loopback hops, with nothing appended" grep -q 429 "$OUT/xff-long"

# --- Idempotency-Key: a guest's key replays only to that guest ------------
icar=$(curl -s -XPOST "$BASE/api/admin/cars" "${A[@]}" "${J[@]}" -d "$(car_body https://img.example/i.webp)" | jq -r .carId)
ikey="idem-owasp-$SERVER-$RANDOM$RANDOM"
ibody=$(jq -nc --arg c "$icar" --arg s "$(day 700)" --arg e "$(day 702)" \
	'{carId:$c, startDate:$s, endDate:$e, customerDetails:{fullName:"Idem Guest", email:"idem-guest@example.com"}}')
ipa=$(other_ip); ipb=$(other_ip)
req POST /api/bookings "${J[@]}" -H "X-Forwarded-For: $ipa" -H "Idempotency-Key: $ikey" -d "$ibody"
check "a guest booking with an Idempotency-Key is 201" eq "$STATUS" 201
iurl=$(js .bookingUrl); itoken=${iurl##*/}
req POST /api/bookings "${J[@]}" -H "X-Forwarded-For: $ipb" -H "Idempotency-Key: $ikey" -d "$ibody"
check "the same key and body from another client is not replayed ($STATUS)" \
	test "$STATUS" != 201 -a -z "$(hdr Idempotent-Replayed)"
check "and its answer holds no secure link of the first" bash -c "[ ${#itoken} -ge 32 ] && ! grep -qF -- '$itoken' '$OUT/body'"
req POST /api/bookings "${J[@]}" -H "X-Forwarded-For: $ipa" -H "Idempotency-Key: $ikey" -d "$ibody"
check "the first client's retry still replays its answer" eq "$STATUS $(hdr Idempotent-Replayed) $(js .bookingUrl)" "201 true $iurl"
