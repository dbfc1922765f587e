# test-98-secrets: runs near the end, after every other test wrote its
# logs.  No secret of the settings, no password, no bearer token, no
# booking's secure-link token and no refresh token appears in any log line
# (nor the token in /pool-status); `exodrive config` masks the secrets.
. "$(dirname "$0")/lib.sh"
only_on lighttpd

# Secrets of our own, used while /pool-status is watched: a booking's secure
# link (opened many times, each time from an address of its own, so the
# tier does not stop it) and a session's refresh tokens (refreshed, then
# revoked).  None of them may be written anywhere.
J=(-H 'Content-Type: application/json')
redacted() { find "$VAR/log" -type f -exec cat {} + | grep -cF '/api/bookings/by-token/[redacted]'; }
redacted0=$(redacted)
me() { echo "X-Forwarded-For: 10.98.$((RANDOM % 250)).$((RANDOM % 250 + 1))"; }
login() { curl -s -XPOST "$BASE/api/auth/login" "${J[@]}" -H "$(me)" \
	-d "{\"email\":\"$1\",\"password\":\"exodrive-dev-password\"}" > "$OUT/session"; }
login admin@exodrive.com
adm=$(jq -r .accessToken "$OUT/session")
car=$(curl -s -XPOST "$BASE/api/admin/cars" -H "Authorization: Bearer $adm" "${J[@]}" \
	-d "$(jq -nc --arg n "Secrets Car $RANDOM$RANDOM" '{name:$n, category:"Exotic",
	pricing:{base_price:300, deposit_amount:500, minimum_days:1},
	images:[{url:"https://img.example/s.webp", is_primary:true, sort_order:0}]}')" | jq -r .carId)
start=$(date -u -d '+720 days' +%F); end=$(date -u -d '+722 days' +%F)
req POST /api/bookings "${J[@]}" -H "$(me)" -d "$(jq -nc --arg c "$car" --arg s "$start" --arg e "$end" \
	'{carId:$c, startDate:$s, endDate:$e, customerDetails:{fullName:"Secret Keeper", email:"secrets-98@example.com"}}')"
check "a guest booking for the secure link is 201" eq "$STATUS" 201
token=$(js .bookingUrl); token=${token##*/}
check "its secure link has a token" test "${#token}" -ge 32
req GET "/api/bookings/by-token/$token" -H "$(me)"
check "the secure link opens the booking" eq "$STATUS" 200
# The opener keeps going until the watch below has ended (at most 30 s).
for i in $(seq 5000); do
	curl -s -o /dev/null -H "$(me)" "$BASE/api/bookings/by-token/$token"
	curl -s -o /dev/null -H "$(me)" "$BASE/api/bookings/by-token/$token?token=$token"
done &
opener=$!
: > "$OUT/pool"
seen() { curl -s -H "Authorization: Bearer $adm" "$BASE/pool-status" >> "$OUT/pool"; grep -q 'by-token' "$OUT/pool"; }
until_ok 300 seen
for i in $(seq 50); do curl -s -H "Authorization: Bearer $adm" "$BASE/pool-status" >> "$OUT/pool"; done
kill "$opener" 2>/dev/null; wait "$opener" 2>/dev/null
check "/pool-status was watched while the secure link was open ($(grep -o 'by-token[^"]*' "$OUT/pool" | sort -u | head -3 | tr '\n' ' '))" \
	grep -q 'by-token' "$OUT/pool"
check "and never showed its token" bash -c "! grep -qF -- '$token' '$OUT/pool'"
login john.doe@example.com
r1=$(jq -r .refreshToken "$OUT/session")
req POST /api/auth/refresh "${J[@]}" -H "$(me)" -d "{\"refreshToken\":\"$r1\"}"
r2=$(js .refreshToken)
check "a session is refreshed (a new refresh token)" test "$STATUS" = 200 -a "${#r2}" = 64 -a "$r2" != "$r1"
req POST /api/auth/refresh "${J[@]}" -H "$(me)" -d "{\"refreshToken\":\"$r1\"}"
check "and the used one is refused" eq "$STATUS" 401
sleep 2	# responders write queued access lines after a second without requests
for t in "$token" "$r1" "$r2"; do
	grep -rslF -- "$t" "$VAR/log/" "$VAR/pg/postgres.log" | sed "s|^|# ${t:0:8}... appears in |"
done
check "the booking's token appears in no log (nor PostgreSQL's)" bash -c "! grep -rsqF -- '$token' '$VAR/log/' '$VAR/pg/postgres.log'"
check "nor do the refresh tokens" bash -c "! grep -rsqF -e '$r1' -e '$r2' '$VAR/log/' '$VAR/pg/postgres.log'"
check "the secure link was logged, redacted ($(($(redacted) - redacted0)) lines)" test "$(redacted)" -gt "$redacted0"

names="JWT_SECRET CRON_SECRET INTERNAL_API_KEY PAYPAL_CLIENT_SECRET RESEND_WEBHOOK_SECRET DOCUSEAL_WEBHOOK_SECRET WEBHOOK_SECRET SMTP_PASSWORD"
found=0; checked=0
for n in $names; do
	v=$(sed -n "s/^$n=//p" "$VAR/exodrive.env" | tail -1)
	[ -n "$v" ] || continue
	checked=$((checked + 1))
	if grep -rqF -- "$v" "$VAR/log/"; then
		found=$((found + 1))
		echo "# $n appears in $(grep -rlF -- "$v" "$VAR/log/" | head -1)"
	fi
done
check "the $checked secrets of the settings appear in no log ($(find "$VAR/log" -type f -exec cat {} + | wc -l) lines)" eq "$found" 0
check "nor does the test accounts' password" bash -c "! grep -rqF exodrive-dev-password '$VAR/log/'"
check "nor any bearer token (a JWT)" bash -c "! grep -rqE 'eyJ[A-Za-z0-9_-]{10,}\\.eyJ' '$VAR/log/'"
jwt=$(sed -n 's/^JWT_SECRET=//p' "$VAR/exodrive.env" | tail -1)
"$BIN" --config "$VAR/exodrive.env" config > "$OUT/config"
check "exodrive config prints the settings" grep -q '^JWT_SECRET' "$OUT/config"
check "with the secrets masked" bash -c "! grep -qF -- '$jwt' '$OUT/config'"
