# test-74-fleet: admin car management, analytics, stale-hold expiry.
. "$(dirname "$0")/lib.sh"

psql_q() { psql -h "$VAR/pg/sock" -U exodrive -d exodrive -XAtc "$1"; }
login() { curl -s -XPOST "$BASE/api/auth/login" -H 'Content-Type: application/json' \
	-d "{\"email\":\"$1\",\"password\":\"exodrive-dev-password\"}" | jq -r .accessToken; }
adm=$(login admin@exodrive.com); john=$(login john.doe@example.com)
A=(-H "Authorization: Bearer $adm" -H 'Content-Type: application/json')
name="Aston Martin DBS $SERVER $RANDOM"
body=$(jq -nc --arg n "$name" '{name:$n, category:"Sports Car", description:"V12 grand tourer",
	pricing:{base_price:1250, deposit_amount:3000, minimum_days:1},
	images:[{url:"https://img.example/1.webp", is_primary:true, sort_order:0},
	        {url:"https://img.example/2.webp", is_primary:false, sort_order:1}],
	features:[{name:"Launch Control", is_highlighted:true}],
	specifications:[{name:"Make", value:"Aston Martin", sort_order:0}]}')

req POST /api/admin/cars -H "Authorization: Bearer $john" -H 'Content-Type: application/json' -d "$body"
check "a customer cannot create cars (403)" eq "$STATUS" 403
req POST /api/admin/cars "${A[@]}" -d "$body"
check "admin creates a car (201)" eq "$STATUS" 201
id=$(js .carId); slug=$(js .slug)
check "the slug is derived from the name" eq "$slug" "$(echo "$name" | tr 'A-Z ' 'a-z-')"
req GET "/api/cars/$id"
check "the new car is public with its price" eq "$(js .car.pricing.base_price)" 1250
req POST /api/admin/cars "${A[@]}" -d "$body"
check "the same name again is 409" eq "$STATUS" 409
req PUT "/api/admin/cars/$id" "${A[@]}" -d "$(echo "$body" | jq -c '.images[1].is_primary = true')"
check "two primary images are refused" eq "$(js '.error.details.fieldErrors["images[0]"][0]')" "Exactly one image must be primary"
req PUT "/api/admin/cars/$id" "${A[@]}" -d "$(echo "$body" | jq -c '.features[0].price = 1')"
check "unknown item members are refused" eq "$(js '.error.details.fieldErrors["features[0].price"][0]')" "Unknown field"
req PUT "/api/admin/cars/$id" "${A[@]}" -d "$(echo "$body" | jq -c '.images = []')"
check "a car needs at least one image" eq "$STATUS" 400
req PUT "/api/admin/cars/$id" "${A[@]}" -d "$(echo "$body" | jq -c '.pricing.base_price = 1400 | .features = []')"
check "replace is 200" eq "$STATUS" 200
req GET "/api/cars/$id"
check "the replacement shows (price)" eq "$(js .car.pricing.base_price)" 1400
check "the replacement shows (child rows replaced)" eq "$(js '.car.features | length')" 0
req PATCH "/api/admin/cars/$id/visibility" "${A[@]}" -d '{"hidden":true}'
check "hide is 200" eq "$(js .hidden)" true
req GET "/api/cars/$id"
check "a hidden car is 404 to the public" eq "$STATUS" 404
req PATCH "/api/admin/cars/$id/visibility" "${A[@]}" -d '{"hidden":false}'

# A car with a live booking cannot be deleted.
day() { date -u -d "+$1 days" +%F; }
req POST /api/bookings -H 'Content-Type: application/json' -d "{\"carId\":\"$id\",\"startDate\":\"$(day 100)\",\"endDate\":\"$(day 102)\",\"customerDetails\":{\"fullName\":\"Fleet Test\",\"email\":\"fleet-$SERVER@example.com\"}}"
bid=$(js .bookingId)
req DELETE "/api/admin/cars/$id" "${A[@]}" -d ''
check "deleting a car with a live booking is 409" eq "$STATUS" 409

# Stale holds: backdate the booking past BOOKING_HOLD_MINUTES and expire.
av="/api/cars/availability?carId=$id&startDate=$(day 100)&endDate=$(day 102)"
curl -s -o /dev/null "$BASE$av"
req GET "$av"
check "the held days are cached as unavailable" eq "$(hdr X-Cache) $(js .summary.unavailableDays)" "HIT 3"
psql_q "update bookings set created_at = now() - interval '2 hours' where id = '$bid'" >/dev/null
"$BIN" --config "$VAR/exodrive.env" expire-holds >/dev/null
req GET "$av"
check "expiry drops the car's cached availability" eq "$(hdr X-Cache) $(js .summary.unavailableDays)" "MISS 0"
check "an unpaid hold past its time is cancelled" eq "$(psql_q "select overall_status from bookings where id='$bid'")" cancelled
check "its days are released" eq "$(psql_q "select count(*) from car_availability where booking_id='$bid'")" 0
check "hold_expired is logged" eq "$(psql_q "select count(*) from booking_events where booking_id='$bid' and event_type='hold_expired'")" 1
req DELETE "/api/admin/cars/$id" "${A[@]}" -d ''
check "then the car can be deleted" eq "$STATUS" 200
req GET "/api/cars/$id"
check "and is gone" eq "$STATUS" 404

req GET /api/admin/analytics -H "Authorization: Bearer $adm"
check "analytics has four stats" eq "$(js '.stats | length')" 4
check "analytics lists at most 5 recent bookings" eq "$(js '.recentBookings | length <= 5')" true
req GET /api/admin/analytics -H "Authorization: Bearer $john"
check "analytics is admin-only" eq "$STATUS" 403

# Page views: counted in process (INCRBY) with unique visitors per day
# (HyperLogLog), flushed within a second; analytics adds id and slug up.
rc() { redis-cli -s "$VAR/run/redis.sock" "$@"; }
pv=$(curl -s "$BASE/api/cars/slug/ferrari-296-gtb" | jq -r .car.id)
v0=$(rc GET "cnt:v1:views:$pv"); v0=${v0:-0}
for i in 1 2 3 4 5; do curl -s -o /dev/null -A "viewer-$SERVER-$i" "$BASE/api/cars/$pv"; done
for i in 1 2 3; do curl -s -o /dev/null -A "viewer-$SERVER-1" "$BASE/api/cars/slug/ferrari-296-gtb"; done
curl -s -o /dev/null "$BASE/api/cars/00000000-0000-4000-8000-000000000000"
views_in() { [ "$(rc GET "cnt:v1:views:$pv")" = $((v0 + 5)) ]; }
check "5 views by id reach Redis within seconds" until_ok 50 views_in
slug_in() { [ "$(rc GET "cnt:v1:views:slug:ferrari-296-gtb")" -ge 3 ]; }
check "views by slug are counted under the slug" until_ok 50 slug_in
check "a 404 is not a view" eq "$(rc EXISTS cnt:v1:views:00000000-0000-4000-8000-000000000000)" 0
check "today's unique visitors are a HyperLogLog (>= 5)" test "$(rc PFCOUNT "cnt:v1:uv:$pv:$(date -u +%Y%m%d)")" -ge 5
req GET /api/admin/analytics -H "Authorization: Bearer $adm"
check "analytics lists the car among page views" test "$(js "[.pageViews[] | select(.id == \"$pv\")][0].views")" -ge $((v0 + 8))
check "with today's visitors (id and slug together)" test "$(js "[.pageViews[] | select(.id == \"$pv\")][0].visitorsToday")" -ge 5
check "most viewed first" eq "$(js '[.pageViews[].views] == ([.pageViews[].views] | sort | reverse)')" true

# The worked price example of domain.md §4.3 end to end: $50/day Mon -> Fri,
# mandatory $15 + $25, optional GPS $10 (ignored), 10% off, 10% tax = 237.60.
body=$(jq -nc --arg n "Pricing Test Car $SERVER $RANDOM" '{name:$n, category:"Exotic",
	pricing:{base_price:50, deposit_amount:200, minimum_days:2, discount_percentage:10},
	images:[{url:"https://img.example/p.webp", is_primary:true, sort_order:0}]}')
req POST /api/admin/cars "${A[@]}" -d "$body"
pc=$(js .carId)
psql_q "insert into car_additional_fees (car_id, name, amount, is_optional) values
	('$pc', 'Insurance', 15, false), ('$pc', 'Cleaning', 25, false), ('$pc', 'GPS', 10, true)" >/dev/null
mon=$(( 150 + (8 - $(date -u -d '+150 days' +%u)) % 7 ))
[ "$SERVER" = apache ] && mon=$((mon + 7))
req POST /api/bookings -H 'Content-Type: application/json' -d "{\"carId\":\"$pc\",\"startDate\":\"$(day $mon)\",\"endDate\":\"$(day $((mon + 4)))\",\"totalPrice\":237.60,\"customerDetails\":{\"fullName\":\"Price Check\",\"email\":\"price-$SERVER@example.com\"}}"
check "the worked example books at 237.60" eq "$(js .totalPrice)" 237.6
check "its breakdown: 200 + 40 fees, 21.60 tax" eq "$(js '[.priceBreakdown.subtotal, .priceBreakdown.mandatoryFees, .priceBreakdown.taxes] | join(",")')" "200,40,21.6"
# Leave the public fleet as seeded for the other server's run.
req PATCH "/api/admin/cars/$pc/visibility" "${A[@]}" -d '{"hidden":true}'
