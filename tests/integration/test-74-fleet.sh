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

# Stale holds: move the booking's own deadline (hold_until) into the past
# and expire.
av="/api/cars/availability?carId=$id&startDate=$(day 100)&endDate=$(day 102)"
curl -s -o /dev/null "$BASE$av"
req GET "$av"
check "the held days are cached as unavailable" eq "$(hdr X-Cache) $(js .summary.unavailableDays)" "HIT 3"
psql_q "update bookings set hold_until = now() - interval '1 minute' where id = '$bid'" >/dev/null
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
# A car of our own, so its counters hold our views alone whatever else
# viewed cars before.
rc() { redis-cli -s "$VAR/run/redis.sock" "$@"; }
req POST /api/admin/cars "${A[@]}" -d "$(jq -nc --arg n "Page View Car $SERVER $RANDOM$RANDOM" '{name:$n,
	category:"Exotic", pricing:{base_price:300, deposit_amount:500, minimum_days:1},
	images:[{url:"https://img.example/v.webp", is_primary:true, sort_order:0}]}')"
pv=$(js .carId); pslug=$(js .slug)
for i in 1 2 3 4 5; do req GET "/api/cars/$pv" -A "viewer-$SERVER-$i"; done
for i in 1 2 3; do req GET "/api/cars/slug/$pslug" -A "viewer-$SERVER-1"; done
req GET /api/cars/00000000-0000-4000-8000-000000000000
views_in() { [ "$(rc GET "cnt:v1:views:$pv")" = 5 ]; }
check "5 views by id reach Redis within seconds" until_ok 50 views_in
slug_in() { [ "$(rc GET "cnt:v1:views:slug:$pslug")" = 3 ]; }
check "views by slug are counted under the slug" until_ok 50 slug_in
check "a 404 is not a view" eq "$(rc EXISTS cnt:v1:views:00000000-0000-4000-8000-000000000000)" 0
today=$(date -u +%Y%m%d)
check "today's unique visitors are a HyperLogLog (5 by id, 1 by slug)" eq \
	"$(rc PFCOUNT "cnt:v1:uv:$pv:$today") $(rc PFCOUNT "cnt:v1:uv:slug:$pslug:$today")" "5 1"
# Analytics lists the most viewed cars.  Lift ours by id alone to just
# below the most viewed one, so that only id and slug views added up put
# it first, whatever the other cars' counts are.
req GET /api/admin/analytics -H "Authorization: Bearer $adm"
top=$(js '[.pageViews[].views] | max // 0')
lift=$(( top > 6 ? top - 6 : 0 ))
rc INCRBY "cnt:v1:views:$pv" "$lift" >/dev/null
req GET /api/admin/analytics -H "Authorization: Bearer $adm"
check "analytics lists the car first, its id and slug views added up ($((lift + 8)) > $top)" \
	eq "$(js '.pageViews[0] | "\(.id) \(.slug) \(.views)"')" "$pv $pslug $((lift + 8))"
check "with today's visitors (id and slug together: 5)" eq "$(js '.pageViews[0].visitorsToday')" 5
check "most viewed first" eq "$(js '[.pageViews[].views] == ([.pageViews[].views] | sort | reverse)')" true
req DELETE "/api/admin/cars/$pv" "${A[@]}" -d ''
check "the viewed car is deleted again (200)" eq "$STATUS" 200
req GET /api/admin/analytics -H "Authorization: Bearer $adm"
check "and analytics lists it no more" eq "$(js "[.pageViews[] | select(.id == \"$pv\")] | length")" 0

# The worked price example of domain.md §4.3 end to end: $50/day Mon -> Fri,
# mandatory $15 + $25, optional GPS $10 (ignored), 10% off, 10% tax = 237.60.
body=$(jq -nc --arg n "Pricing Test Car $SERVER $RANDOM" '{name:$n, category:"Exotic",
	pricing:{base_price:50, deposit_amount:200, minimum_days:2, discount_percentage:10},
	images:[{url:"https://img.example/p.webp", is_primary:true, sort_order:0}]}')
req POST /api/admin/cars "${A[@]}" -d "$body"
pc=$(js .carId)
for fee in '"name":"Insurance","amount":15' '"name":"Cleaning","amount":25' '"name":"GPS","amount":10,"isOptional":true'; do
	req POST "/api/admin/cars/$pc/fees" "${A[@]}" -d "{$fee}"
	check "the fee {$fee} is added through the back office (201)" eq "$STATUS" 201
done
mon=$(( 150 + (8 - $(date -u -d '+150 days' +%u)) % 7 ))
[ "$SERVER" = apache ] && mon=$((mon + 7))
req POST /api/bookings -H 'Content-Type: application/json' -d "{\"carId\":\"$pc\",\"startDate\":\"$(day $mon)\",\"endDate\":\"$(day $((mon + 4)))\",\"totalPrice\":237.60,\"customerDetails\":{\"fullName\":\"Price Check\",\"email\":\"price-$SERVER@example.com\"}}"
check "the worked example books at 237.60" eq "$(js .totalPrice)" 237.6
check "its breakdown: 200 + 40 fees, 21.60 tax" eq "$(js '[.priceBreakdown.subtotal, .priceBreakdown.mandatoryFees, .priceBreakdown.taxes] | join(",")')" "200,40,21.6"
# Leave the public fleet as seeded for the other server's run.
req PATCH "/api/admin/cars/$pc/visibility" "${A[@]}" -d '{"hidden":true}'
