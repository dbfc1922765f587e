# test-76-cache: cache-aside HIT after MISS, precise invalidation, bypass,
# and Redis down (no 5xx, HITs resume).
. "$(dirname "$0")/lib.sh"

xc() { req GET "$@"; hdr X-Cache; }
login() { curl -s -XPOST "$BASE/api/auth/login" -H 'Content-Type: application/json' \
	-d "{\"email\":\"$1\",\"password\":\"exodrive-dev-password\"}" | jq -r .accessToken; }
day() { date -u -d "+$1 days" +%F; }
adm=$(login admin@exodrive.com); john=$(login john.doe@example.com)
car=$(curl -s "$BASE/api/cars/slug/bentley-bentayga" | jq -r .car.id)
q="limit=5&page=$((RANDOM % 5 + 1))&sortBy=name"

xc "/api/cars?$q" >/dev/null
check "fleet list: HIT after MISS" eq "$(xc "/api/cars?$q")" HIT
check "the HIT answers 200 with the same shape" eq "$(js .pagination.limit)" 5
check "X-Cache-TTL on a HIT" test -n "$(hdr X-Cache-TTL)"
check "a HIT costs no database time (X-DB-Time)" eq "$(hdr X-DB-Time)" 0.000ms
req GET "/api/cars?limit=7&page=$((RANDOM % 50 + 10))"
check "a MISS reports its database time" test "$(hdr X-DB-Time)" != 0.000ms
xc "/api/cars/$car" >/dev/null
check "car details: HIT after MISS" eq "$(xc "/api/cars/$car")" HIT
xc /api/cars/slug/bentley-bentayga >/dev/null
check "car by slug: HIT after MISS" eq "$(xc /api/cars/slug/bentley-bentayga)" HIT
s=$(day $((650 + RANDOM % 40))); e=$(day $((700 + RANDOM % 20)))
[ "$SERVER" = apache ] && { s=$(day 300); e=$(day 303); }
av="/api/cars/availability?carId=$car&startDate=$s&endDate=$e"
xc "$av" >/dev/null
check "availability: HIT after MISS" eq "$(xc "$av")" HIT
xc "/api/cars/$car/reviews" >/dev/null
check "reviews: HIT after MISS" eq "$(xc "/api/cars/$car/reviews")" HIT

# A booking drops that car's availability only.
# Days past every other test's bookings, one window per server.
bs=$(day 705); be=$(day 707)
[ "$SERVER" = apache ] && { bs=$(day 712); be=$(day 714); }
req POST /api/bookings -H 'Content-Type: application/json' -d "{\"carId\":\"$car\",\"startDate\":\"$bs\",\"endDate\":\"$be\",\"customerDetails\":{\"fullName\":\"Cache Tester\",\"email\":\"cache-$SERVER@example.com\"}}"
check "booking for the cache test (201)" eq "$STATUS" 201
check "a booking drops that car's availability" eq "$(xc "$av")" MISS
check "but not the fleet list" eq "$(xc "/api/cars?$q")" HIT
check "nor the car's details" eq "$(xc "/api/cars/$car")" HIT
av2="/api/cars/availability?carId=$car&startDate=$bs&endDate=$be"
xc "$av2" >/dev/null
check "the fresh availability shows the booking" eq "$(js .summary.unavailableDays)" 3

# A car change drops its details and every fleet list.
req PATCH "/api/admin/cars/$car/visibility" -H "Authorization: Bearer $adm" -H 'Content-Type: application/json' -d '{"hidden":false}'
check "a car change drops its details" eq "$(xc "/api/cars/$car")" MISS
check "and the fleet lists" eq "$(xc "/api/cars?$q")" MISS
check "and lookups by slug" eq "$(xc /api/cars/slug/bentley-bentayga)" MISS

# Bypass.
check "an admin's no-cache bypasses" eq "$(xc "/api/cars/$car" -H "Authorization: Bearer $adm" -H 'Cache-Control: no-cache')" BYPASS
check "a customer's no-cache does not" eq "$(xc "/api/cars/$car" -H "Authorization: Bearer $john" -H 'Cache-Control: no-cache')" HIT
check "unapproved reviews are never cached" eq "$(xc "/api/cars/$car/reviews?includeUnapproved=true" -H "Authorization: Bearer $adm")" BYPASS

# Redis down: cached endpoints answer (no 5xx), then HITs resume.
"$DEV" redis-stop
fails=0
for u in "/api/cars?$q" "/api/cars/$car" "$av" "/api/cars/$car/reviews"; do
	req GET "$u"; [ "$STATUS" = 200 ] || fails=$((fails + 1))
done
check "with Redis stopped every cached endpoint still answers 200" eq "$fails" 0
check "and says BYPASS" eq "$(xc "/api/cars/$car")" BYPASS
"$DEV" redis-start
hit_again() { curl -s -o /dev/null "$BASE/api/cars/$car"; [ "$(xc "/api/cars/$car")" = HIT ]; }
check "HITs resume within seconds of Redis returning" until_ok 100 hit_again

# Stale-while-revalidate and stale-if-error, on reviews (fresh for 2 s in
# the test stack, served stale up to CACHE_MAX_STALE after).
rv="/api/cars/$car/reviews?limit=$((RANDOM % 40 + 5))"
xc "$rv" >/dev/null
sleep 2.5
for i in $(seq 1 10); do
	curl -s -o /dev/null -D "$OUT/swr.$i" "$BASE$rv" &
done
wait
cat "$OUT"/swr.* | tr -d '\r' > "$OUT/swr"
check "after expiry at most one of 10 concurrent requests refreshes" test "$(grep -c '^X-Cache: MISS' "$OUT/swr")" -le 1
check "all 10 are answered 200" eq "$(grep -c '^HTTP/1.1 200' "$OUT/swr")" 10
check "the refreshed answer is fresh again" eq "$(xc "$rv")" HIT
sleep 2.5
"$DEV" pg-stop
req GET "$rv"
check "PostgreSQL down: a stale answer is served (200)" eq "$STATUS" 200
check "marked STALE" eq "$(hdr X-Cache)" STALE
req GET "/api/cars/$car/reviews?limit=49&page=$((RANDOM % 9000 + 2))"
check "PostgreSQL down: an answer never cached is 503" eq "$STATUS" 503
"$DEV" pg-start
ready() { curl -sf -o /dev/null "$BASE/api/health/ready"; }
until_ok 100 ready

# Warming: through the API and the command.
req PATCH "/api/admin/cars/$car/visibility" -H "Authorization: Bearer $adm" -H 'Content-Type: application/json' -d '{"hidden":false}'
req POST /api/admin/cache-warm -H "Authorization: Bearer $adm" -H 'Content-Type: application/json' -d '{"popularCarsLimit":3,"availabilityDays":5}'
check "warm-up answers its metrics" eq "$(js .metrics.status)" success
check "fleet list + 3 cars x (details + availability) = 7 keys" eq "$(js .metrics.keysWarmed)" 7
check "the first client request after warming is a HIT" eq "$(xc /api/cars)" HIT
req GET /api/admin/cache-warm -H "Authorization: Bearer $adm"
check "GET returns the last run" eq "$(js .metrics.keysWarmed)" 7
req POST /api/admin/cache-warm -H "Authorization: Bearer $john" -H 'Content-Type: application/json' -d '{}'
check "warming is admin-only" eq "$STATUS" 403
out=$("$BIN" --config "$VAR/exodrive.env" warm-cache --popular-only 2>/dev/null | tail -1)
check "exodrive warm-cache --popular-only warms 10 cars" eq "$(echo "$out" | jq -r .keysWarmed)" 10
