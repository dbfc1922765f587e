# test-84-dashboard: the admin dashboard page, loaded in headless Chromium
# (Debian's chromium): it shows the same queues, cache hit ratio and
# rate-limit violations as /api/admin/dashboard; sign-in and admin-only.
. "$(dirname "$0")/lib.sh"
only_on lighttpd

login() { curl -s -XPOST "$BASE/api/auth/login" -H 'Content-Type: application/json' \
	-d "{\"email\":\"$1\",\"password\":\"exodrive-dev-password\"}" | jq -r .accessToken; }
adm=$(login admin@exodrive.com); john=$(login john.doe@example.com)
# dom URL: what Chromium shows of the page once its script ran.
dom() {
	timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
		--user-data-dir="$OUT/chrome" --virtual-time-budget=5000 --dump-dom "$1" \
		2>>"$OUT/chrome.log"
}
shown() { grep -o "data-k=\"$1\"[^>]*>[^<]*<" "$OUT/dom" | sed 's/.*>\(.*\)</\1/'; }

check "Chromium is installed" command -v chromium

# Known figures: a cache hit and a miss; a rate-limit violation.
q="/api/cars?limit=2&page=$((RANDOM % 40 + 60))"
curl -s -o /dev/null "$BASE$q"; curl -s -o /dev/null "$BASE$q"
ip=$(other_ip)
for i in 1 2 3 4 5 6; do
	curl -s -o /dev/null -XPOST "$BASE/api/email/contact" -H "X-Forwarded-For: $ip" \
		-H 'Content-Type: application/json' -d '{"name":"Dash","email":"dash@example.com","message":"m"}'
done
sleep 2		# responders flush their counts within a second

req GET /admin/dashboard
check "the page is HTML" eq "$STATUS $(hdr Content-Type)" "200 text/html; charset=utf-8"
check "with a strict Content-Security-Policy (nonce'd script only)" bash -c "echo \"$(hdr Content-Security-Policy)\" | grep -q \"^default-src 'none'; script-src 'nonce-[0-9a-f]\\{32\\}'\""
check "and no figures in it (they need an admin's token)" bash -c "! grep -q 'data-k=' '$OUT/body'"
req GET /api/admin/dashboard
check "the figures need a token (401)" eq "$STATUS" 401

req GET /api/admin/dashboard -H "Authorization: Bearer $adm"
cp "$OUT/body" "$OUT/api.json"
dom "$BASE/admin/dashboard#token=$adm" > "$OUT/dom"
check "Chromium renders the dashboard" grep -q 'Up to date; refreshed every 5 seconds.' "$OUT/dom"
for qn in email webhook image report; do
	want=$(jq -r --arg q "$qn" '.queues[] | select(.name == $q) | "\(.ready) \(.delayed) \(.failed) \(.lastHour.completed)"' "$OUT/api.json")
	got="$(shown "$qn.ready") $(shown "$qn.delayed") $(shown "$qn.failed") $(shown "$qn.hour.completed")"
	check "queue $qn: ready, delayed, dead letters, done in the last hour ($got)" eq "$got" "$want"
done
ratio=$(jq -r '.cache.hitRatio * 1000 | round / 10 | tostring' "$OUT/api.json")
failed_class() { grep -q "data-k=\"$1.failed\" class=\"bad\">" "$OUT/dom"; }
for qn in email webhook image report; do
	if [ "$(shown "$qn.failed")" != 0 ]; then
		check "queue $qn's dead letters are shown in red" failed_class "$qn"
	fi
done
# The page's own load is counted within a second, so its figure is the
# ratio before it or the one after it, to one decimal as the page rounds.
sleep 1.5
ratio2=$(curl -s "$BASE/api/admin/dashboard" -H "Authorization: Bearer $adm" | jq -r '.cache.hitRatio * 100')
shown_ratio=$(grep -o 'id="hit-ratio">[^<]*<' "$OUT/dom" | sed 's/.*>\(.*\)%</\1/')
near() { awk -v s="$1" -v a="$2" -v b="$3" 'BEGIN { d = s - a; e = s - b; exit !(s != "" &&
	((d <= 0.0501 && d >= -0.0501) || (e <= 0.0501 && e >= -0.0501))) }'; }
check "the cache hit ratio ($shown_ratio%, the API's $ratio% before the page and $(printf %.1f "$ratio2")% after)" \
	near "$shown_ratio" "$(jq -r '.cache.hitRatio * 100' "$OUT/api.json")" "$ratio2"
check "the fleet family counts hits" test "$(shown fleet.hit)" -ge 1
check "rate-limit violations (60 min)" grep -q "id=\"violations\">$(jq -r .rateLimits.summary.totalViolations "$OUT/api.json")<" "$OUT/dom"
check "including the contact form's" test "$(shown endpoint./api/email/contact)" -ge 1

dom "$BASE/admin/dashboard" > "$OUT/dom"
check "without a token it asks to sign in" grep -q 'Sign in with an admin account.' "$OUT/dom"
check "its form is shown, the figures are not" bash -c "grep -q '<form id=\"login\">' '$OUT/dom' && grep -q '<section id=\"dash\" hidden' '$OUT/dom'"
dom "$BASE/admin/dashboard#token=$john" > "$OUT/dom"
check "a customer's token is told: admins only" grep -q 'Admins only' "$OUT/dom"
check "and sees no figures" bash -c "! grep -q 'data-k=' '$OUT/dom'"
