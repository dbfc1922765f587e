# test-76-cache: cache-aside HIT after MISS, precise invalidation, bypass,
# Redis down (no 5xx, the in-process store, HITs resume), Redis hung (the
# circuit breaker keeps latency flat), SWR, stale-if-error, warming.
# timeout: 600
. "$(dirname "$0")/lib.sh"

xc() { req GET "$@"; hdr X-Cache; }
# An earlier test stopped Redis: let every responder's circuit close
# (REDIS_BREAKER_OPEN is 1 s) so these answers come from Redis, not from a
# responder's own stand-in store.
sleep 1.5
login() { curl -s -XPOST "$BASE/api/auth/login" -H 'Content-Type: application/json' \
	-d "{\"email\":\"$1\",\"password\":\"exodrive-dev-password\"}" | jq -r .accessToken; }
day() { date -u -d "+$1 days" +%F; }
own_admin; adm=$OWN_ADMIN
john=$(login john.doe@example.com)
# Every request of this script is sent as its own client, $CLIENT_IP
# (lib.sh; loopback is not exempt from rate limits), its wrk run too: an
# override lifts that address's limits above what wrk sends (lifted again
# at the end).
check "this script's own address $CLIENT_IP gets an override (x10000)" own_allowance 10000 900
car=$(curl -s "$BASE/api/cars/slug/bentley-bentayga" | jq -r .car.id)
q="limit=5&page=$((RANDOM % 5 + 1))&sortBy=name"

xc "/api/cars?$q" >/dev/null
check "fleet list: HIT after MISS" eq "$(xc "/api/cars?$q")" HIT
check "the HIT answers 200 with the same shape" eq "$(js .pagination.limit)" 5
check "X-Cache-TTL on a HIT" test -n "$(hdr X-Cache-TTL)"
check "a HIT costs no database time (X-DB-Time)" eq "$(hdr X-DB-Time)" 0.000ms
req GET "/api/cars?limit=7&page=$((RANDOM % 50 + 10))"
db_time_spent() { [[ $1 =~ ^[0-9]+\.[0-9]{3}ms$ ]] && [ "$1" != 0.000ms ]; }
check "a MISS reports its database time ($(hdr X-DB-Time))" db_time_spent "$(hdr X-DB-Time)"
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
# Days past every other test's bookings, one range per server; a day the
# car is already booked (a run that did not get to remove its booking)
# moves the window on.  The booking is removed at the end.
for try in 1 2 3 4 5; do
	first=$(( $([ "$SERVER" = apache ] && echo 716 || echo 701) + RANDOM % 11 ))
	bs=$(day "$first"); be=$(day $((first + 2)))
	req POST /api/bookings -H 'Content-Type: application/json' -d "{\"carId\":\"$car\",\"startDate\":\"$bs\",\"endDate\":\"$be\",\"customerDetails\":{\"fullName\":\"Cache Tester\",\"email\":\"cache-$SERVER@example.com\"}}"
	[ "$STATUS" = 409 ] || break
done
check "booking for the cache test (201)" eq "$STATUS" 201
cache_booking=$(js .bookingId)
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
local_hit() { [ "$(xc "/api/cars/$car")" = HIT ] && [ "$(hdr X-Cache-Store)" = local ]; }
check "the in-process store answers HITs meanwhile" until_ok 40 local_hit
check "with the answer's shape" eq "$(js .car.id)" "$car"
# A write during the outage: its invalidation is replayed once Redis is
# back, so the answer cached before the outage is not served after it.
req PATCH "/api/admin/cars/$car/visibility" -H "Authorization: Bearer $adm" -H 'Content-Type: application/json' -d '{"hidden":true}'
check "writes still work without Redis" eq "$STATUS" 200
redis_start
gone() { req GET "/api/cars/$car"; [ "$STATUS" = 404 ]; }
check "Redis back: the lost invalidation is replayed (hidden car 404)" until_ok 100 gone
req PATCH "/api/admin/cars/$car/visibility" -H "Authorization: Bearer $adm" -H 'Content-Type: application/json' -d '{"hidden":false}'
hit_again() { curl -s -o /dev/null "$BASE/api/cars/$car"; [ "$(xc "/api/cars/$car")" = HIT ] && [ "$(hdr X-Cache-Store)" != local ]; }
check "HITs from Redis resume within seconds of its return" until_ok 100 hit_again

# Redis hung (SIGSTOP): every call would wait REDIS_COMMAND_TIMEOUT; the
# circuit opens after REDIS_BREAKER_FAILURES and requests stop waiting.
rpid=$(cat "$VAR/run/redis.pid")
kill -STOP "$rpid"
for i in $(seq 1 16); do curl -s -o /dev/null "$BASE/api/cars/$car"; done
for i in $(seq 1 40); do
	curl -s -o /dev/null -w '%{http_code} %{time_total}\n' "$BASE/api/cars/$car"
done > "$OUT/hung"
kill -CONT "$rpid"
check "Redis hung: every request still answers 200" eq "$(grep -c '^200 ' "$OUT/hung")" 40
p50=$(awk '{print $2}' "$OUT/hung" | sort -n | sed -n 20p)
check "and the median request does not wait for Redis ($p50 s < 0.1 s)" awk -v v="$p50" 'BEGIN { exit !(v < 0.1) }'
check "the log says the circuit opened" grep -q 'circuit open' "$VAR/log/exodrive.log"
until_ok 100 hit_again

# Redis stopped and started again in the middle of a load run on a cached
# endpoint: no error reaches a client, and HITs come back.
# An answer slower than 5 s counts as lost (a timeout), on either server:
# Apache's mod_fcgid site has as many request threads as processes, so a
# request beyond them waits its turn in the listen queue, never in
# mod_fcgid's one-second sleep (httpd/README.md).
wrk -t2 -c20 -d6s --timeout 5s "${XFF[@]}" "$BASE/api/cars/$car" > "$OUT/wrk-redis" 2>&1 &
w=$!
sleep 1.5; "$DEV" redis-stop; sleep 2; "$DEV" redis-start
wait "$w"; wrc=$?
n2=$(awk '/Non-2xx/ {print $NF}' "$OUT/wrk-redis"); n2=${n2:-0}
se=$(awk '/Socket errors/ {gsub(",",""); print $4+$6+$8+$10}' "$OUT/wrk-redis"); se=${se:-0}
nr=$(awk '/requests in/ {print $1}' "$OUT/wrk-redis")
check "the load run ran (wrk exit $wrc, ${nr:-no} requests)" test "$wrc" = 0 -a "${nr:-0}" -gt 0
check "Redis restarted mid-load: $nr requests, zero non-2xx" eq "$n2" 0
check "and zero socket errors or timeouts ($(grep -h 'Socket errors' "$OUT/wrk-redis"))" eq "$se" 0
[ "$se" = 0 ] || { cat "$OUT/wrk-redis"; tail -n 30 "$VAR/log/"*error*.log "$VAR/log/exodrive.log"; } | sed 's/^/#   /'

check "HITs from Redis resume after the load run" until_ok 100 hit_again
# Let every responder's circuit close (REDIS_BREAKER_OPEN is 1 s), so the
# next writes reach Redis rather than a process's own store.
sleep 1.5

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
fresh_again() { [ "$(xc "$rv")" = HIT ]; }
check "the refreshed answer is fresh again (within 2 s)" until_ok 20 fresh_again
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
req DELETE "/api/admin/rate-limit-overrides?kind=ip&id=$CLIENT_IP" -H "Authorization: Bearer $adm"
check "the override is lifted" eq "$STATUS" 200
check "this test's booking is removed, with the days it held" psql -h "$VAR/pg/sock" -U exodrive -d exodrive -XAtq \
	-c "delete from car_availability where booking_id = '$cache_booking'; delete from bookings where id = '$cache_booking'"
