# test-63-backoffice: the back office (maintenance blocks, car fees,
# peak-pricing rules, tax configurations, locations and their fees), its
# refusals, and the price following each change at once (domain §4.3).
# Cars, locations and rules are this script's own; the global rules it
# touches (a peak rule in its own weeks, the global tax) are put back.
# timeout: 420
. "$(dirname "$0")/lib.sh"

psql_q() { psql -h "$VAR/pg/sock" -U exodrive -d exodrive -XAtc "$1"; }
day() { date -u -d "+$1 days" +%F; }
mon() { echo $(( $1 + (8 - $(date -u -d "+$1 days" +%u)) % 7 )); }	# first Monday from day N
tag="$SERVER $$ $RANDOM"
own_admin
A=(-H "Authorization: Bearer $OWN_ADMIN" -H 'Content-Type: application/json')
cust=$(curl -s -XPOST "$BASE/api/auth/register" -H 'Content-Type: application/json' \
	-d "{\"email\":\"bo-$SERVER-$$-$RANDOM@example.com\",\"password\":\"customer-passw0rd\"}" | jq -r .accessToken)
C=(-H "Authorization: Bearer $cust" -H 'Content-Type: application/json')
NOID=00000000-0000-4000-8000-000000000000
cleanup() {
	local id
	for id in ${CARS:-}; do
		curl -s -o /dev/null -XPATCH "$BASE/api/admin/cars/$id/visibility" "${A[@]}" -d '{"hidden":true}'
	done
	for id in ${RULES:-}; do
		curl -s -o /dev/null -XDELETE "$BASE/api/admin/peak-pricing-rules/$id" "${A[@]}"
	done
	for id in ${LOCS:-}; do
		curl -s -o /dev/null -XDELETE "$BASE/api/admin/locations/$id" "${A[@]}"
	done
	[ -n "${GTAX:-}" ] && psql_q "update tax_configurations set tax_rate = 0.10, is_active = true where id = '$GTAX'" >/dev/null
	lib_keep_sanitizer_reports; rm -rf "$OUT"
}
trap cleanup EXIT

# mkcar NAME BASE [DISCOUNT]: a public car of this script's own; sets CAR.
mkcar() {
	req POST /api/admin/cars "${A[@]}" -d "$(jq -nc --arg n "$1 $tag" --argjson b "$2" --argjson d "${3:-0}" \
		'{name:$n, category:"Back office", pricing:{base_price:$b, deposit_amount:100, minimum_days:1, discount_percentage:$d},
		  images:[{url:"https://img.example/bo.webp", is_primary:true, sort_order:0}]}')"
	CAR=$(js .carId); CARS="${CARS:-} $CAR"
}
# book CAR FROM TO [extra JSON members]: a guest booking from a client of
# its own (the booking tier is per client); fills STATUS and the body.
book() {
	req POST /api/bookings -H 'Content-Type: application/json' -H "X-Forwarded-For: $(other_ip)" \
		-d "{\"carId\":\"$1\",\"startDate\":\"$(day "$2")\",\"endDate\":\"$(day "$3")\",\"customerDetails\":{\"fullName\":\"Back Office\",\"email\":\"bo-$SERVER@example.com\"}${4:-}}"
}
# price CAR MONDAY [extra]: book Monday -> Friday and print the total.
price() { book "$1" "$2" $(($2 + 4)) "${3:-}"; [ "$STATUS" = 201 ] && js .totalPrice || echo "status $STATUS: $(js .error.message)"; }
field() { js ".error.details.fieldErrors[\"$1\"][0] // empty"; }	# the message naming field $1

# Every route: 401 without a token, 403 for a customer.
for route in "GET /api/admin/cars/$NOID/maintenance" "POST /api/admin/cars/$NOID/maintenance" \
	"PUT /api/admin/cars/$NOID/maintenance/$NOID" "DELETE /api/admin/cars/$NOID/maintenance/$NOID" \
	"GET /api/admin/cars/$NOID/fees" "POST /api/admin/cars/$NOID/fees" \
	"PUT /api/admin/cars/$NOID/fees/$NOID" "DELETE /api/admin/cars/$NOID/fees/$NOID" \
	"GET /api/admin/peak-pricing-rules" "POST /api/admin/peak-pricing-rules" \
	"PUT /api/admin/peak-pricing-rules/$NOID" "DELETE /api/admin/peak-pricing-rules/$NOID" \
	"GET /api/admin/tax-configurations" "POST /api/admin/tax-configurations" \
	"PUT /api/admin/tax-configurations/$NOID" "DELETE /api/admin/tax-configurations/$NOID" \
	"GET /api/admin/locations" "POST /api/admin/locations" \
	"PUT /api/admin/locations/$NOID" "DELETE /api/admin/locations/$NOID" \
	"GET /api/admin/locations/$NOID/fees" "POST /api/admin/locations/$NOID/fees" \
	"PUT /api/admin/locations/$NOID/fees/$NOID" "DELETE /api/admin/locations/$NOID/fees/$NOID"; do
	set -- $route
	if [ "$1" = GET ] || [ "$1" = DELETE ]; then req "$1" "$2"; else req "$1" "$2" -H 'Content-Type: application/json' -d '{}'; fi
	check "anonymous $1 ${2/$NOID/{id}} is 401" eq "$STATUS" 401
	if [ "$1" = GET ] || [ "$1" = DELETE ]; then req "$1" "$2" -H "Authorization: Bearer $cust"; else req "$1" "$2" "${C[@]}" -d '{}'; fi
	check "customer $1 ${2/$NOID/{id}} is 403" eq "$STATUS" 403
done

# --- A car's additional fees: the worked example of §4.3 -------------------
# $50/day Mon -> Fri, mandatory $15 + $25, optional GPS $10 (ignored),
# 10% off, 10% tax = 237.60.
mkcar "Fee Test Car" 50 10; P=$CAR
check "the fee test car is created" eq "$STATUS" 201
req POST "/api/admin/cars/$P/fees" "${A[@]}" -d '{"name":"Insurance","amount":15,"description":"Collision cover"}'
check "a mandatory fee is created (201)" eq "$STATUS" 201
check "it is mandatory unless said otherwise" eq "$(js '[.fee.isOptional, .fee.amount, .fee.carId] | join(",")')" "false,15,$P"
req POST "/api/admin/cars/$P/fees" "${A[@]}" -d '{"name":"Cleaning","amount":25}'
cleaning=$(js .fee.id)
req POST "/api/admin/cars/$P/fees" "${A[@]}" -d '{"name":"GPS","amount":10,"isOptional":true}'
check "an optional fee is created" eq "$(js .fee.isOptional)" true
req POST "/api/admin/cars/$P/fees" "${A[@]}" -d '{"name":"gps","amount":12}'
check "a second fee of the same name is 409" eq "$STATUS" 409
req POST "/api/admin/cars/$P/fees" "${A[@]}" -d '{"name":"Tolls","amount":-5}'
check "a negative amount is 400 naming amount" test -n "$(field amount)"
req POST "/api/admin/cars/$P/fees" "${A[@]}" -d '{"name":"Tolls","amount":5,"perDay":true}'
check "an unknown member is 400 naming it" eq "$(field perDay)" "Unknown field"
req POST "/api/admin/cars/$P/fees" "${A[@]}" -d '{"amount":5}'
check "a fee without a name is 400 naming name" eq "$(field name)" Required
req POST "/api/admin/cars/$NOID/fees" "${A[@]}" -d '{"name":"Tolls","amount":5}'
check "a fee of an unknown car is 404" eq "$STATUS" 404
req GET "/api/admin/cars/$P/fees" "${A[@]}"
check "the car's fees are listed, mandatory first" eq "$(js '[.fees[].name] | join(",")')" "Cleaning,Insurance,GPS"
req GET "/api/admin/cars/$NOID/fees" "${A[@]}"
check "the fees of an unknown car are 404" eq "$STATUS" 404
w=$(mon 420); [ "$SERVER" = apache ] && w=$((w + 70))
check "the worked example books at 237.60" eq "$(price "$P" $w)" 237.6
check "its breakdown: 200 + 40 fees, 21.60 tax" eq "$(js '[.priceBreakdown.subtotal, .priceBreakdown.mandatoryFees, .priceBreakdown.taxes] | join(",")')" "200,40,21.6"
req PUT "/api/admin/cars/$P/fees/$cleaning" "${A[@]}" -d '{"name":"Cleaning","amount":35}'
check "a fee is replaced (200)" eq "$(js '[.fee.id, .fee.amount] | join(",")')" "$cleaning,35"
check "the next price follows: (200 + 50) x 0.9 + 10% = 247.50" eq "$(price "$P" $((w + 7)))" 247.5
req PUT "/api/admin/cars/$P/fees/$NOID" "${A[@]}" -d '{"name":"Cleaning","amount":35}'
check "replacing an unknown fee is 404" eq "$STATUS" 404
req PUT "/api/admin/cars/$P/fees/not-a-uuid" "${A[@]}" -d '{"name":"Cleaning","amount":35}'
check "a malformed fee id is 400 naming feeId" test -n "$(field feeId)"
req DELETE "/api/admin/cars/$P/fees/$cleaning" "${A[@]}"
check "a fee is deleted (200, the row as it was)" eq "$STATUS/$(js .fee.name)" 200/Cleaning
check "the next price follows: (200 + 15) x 0.9 + 10% = 212.85" eq "$(price "$P" $((w + 14)))" 212.85
req DELETE "/api/admin/cars/$P/fees/$cleaning" "${A[@]}"
check "deleting it again is 404" eq "$STATUS" 404

# --- Maintenance blocks -------------------------------------------------------
# A live booking holds days w..w+4 of car P (the first booking above).
req POST "/api/admin/cars/$P/maintenance" "${A[@]}" -d "{\"startDate\":\"$(day $((w + 2)))\",\"endDate\":\"$(day $((w + 5)))\"}"
check "a block over a live booking's days is 409" eq "$STATUS" 409
check "naming the days the booking holds" eq "$(js '.error.details.unavailableDates | join(",")')" "$(day $((w + 2))),$(day $((w + 3))),$(day $((w + 4)))"
check "and saying so" eq "$(js '.error.message | startswith("A live booking holds")')" true
b=$((w + 28))
avail() { req GET "/api/cars/availability?carId=$P&startDate=$(day $b)&endDate=$(day $((b + 4)))"; js '[.availability[].available | if . then "y" else "n" end] | join("")'; }
check "the days are free before a block" eq "$(avail)" yyyyy
req POST "/api/admin/cars/$P/maintenance" "${A[@]}" -d "{\"startDate\":\"$(day $b)\",\"endDate\":\"$(day $((b + 2)))\",\"reason\":\"Brake service\"}"
check "a block is created (201)" eq "$STATUS" 201
blk=$(js .block.id)
check "it covers 3 days with its reason" eq "$(js '[.block.days, .block.reason, .block.carId] | join(",")')" "3,Brake service,$P"
check "the blocked days are unavailable at once (availability cache dropped)" eq "$(avail)" nnnyy
check "their status is maintenance" eq "$(js '.availability[0].status')" maintenance
book "$P" $b $((b + 4))
check "a booking over a blocked day is refused (409)" eq "$STATUS" 409
check "naming the blocked days" eq "$(js '.error.details.unavailableDates | join(",")')" "$(day $b),$(day $((b + 1))),$(day $((b + 2)))"
req POST "/api/admin/cars/$P/maintenance" "${A[@]}" -d "{\"startDate\":\"$(day $((b + 2)))\",\"endDate\":\"$(day $((b + 3)))\"}"
check "an overlapping block is 409" eq "$STATUS/$(js '.error.details.unavailableDates | join(",")')" "409/$(day $((b + 2)))"
req POST "/api/admin/cars/$P/maintenance" "${A[@]}" -d "{\"startDate\":\"$(day $((b + 3)))\",\"endDate\":\"$(day $((b + 2)))\"}"
check "an end before the start is 400 naming endDate" eq "$(field endDate)" "Must not be before startDate"
req POST "/api/admin/cars/$P/maintenance" "${A[@]}" -d "{\"startDate\":\"$(day -10)\",\"endDate\":\"$(day -5)\"}"
check "a block wholly in the past is 400 naming endDate" eq "$(field endDate)" "A block must not lie wholly in the past"
req POST "/api/admin/cars/$P/maintenance" "${A[@]}" -d "{\"startDate\":\"$(day 10)\",\"endDate\":\"$(day 800)\"}"
check "a block beyond two years is 400 naming endDate" eq "$(field endDate)" "Must be at most two years ahead"
req POST "/api/admin/cars/$P/maintenance" "${A[@]}" -d "{\"startDate\":\"tomorrow\",\"endDate\":\"$(day 5)\"}"
check "a malformed date is 400 naming startDate" eq "$(field startDate)" "Must be a date (YYYY-MM-DD)"
req POST "/api/admin/cars/$NOID/maintenance" "${A[@]}" -d "{\"startDate\":\"$(day $b)\",\"endDate\":\"$(day $b)\"}"
check "a block on an unknown car is 404" eq "$STATUS" 404
req GET "/api/admin/cars/$P/maintenance" "${A[@]}"
check "the car's blocks are listed" eq "$(js '[.blocks[].id] | join(",")')" "$blk"
req GET "/api/admin/cars/$NOID/maintenance" "${A[@]}"
check "the blocks of an unknown car are 404" eq "$STATUS" 404
req PUT "/api/admin/cars/$P/maintenance/$blk" "${A[@]}" -d "{\"startDate\":\"$(day $((b + 3)))\",\"endDate\":\"$(day $((b + 4)))\"}"
check "a block is moved (200); the reason left out is cleared" eq "$STATUS/$(js '.block.reason')" "200/null"
check "the days follow the block at once" eq "$(avail)" yyynn
req PUT "/api/admin/cars/$P/maintenance/$blk" "${A[@]}" -d "{\"startDate\":\"$(day $((w + 4)))\",\"endDate\":\"$(day $((w + 5)))\"}"
check "moving it over a live booking's day is 409" eq "$STATUS/$(js '.error.details.unavailableDates | join(",")')" "409/$(day $((w + 4)))"
req PUT "/api/admin/cars/$P/maintenance/$NOID" "${A[@]}" -d "{\"startDate\":\"$(day $b)\",\"endDate\":\"$(day $b)\"}"
check "replacing an unknown block is 404" eq "$STATUS" 404
req PUT "/api/admin/cars/$P/maintenance/$NOID" "${A[@]}" -d "{\"startDate\":\"$(day $((w + 1)))\",\"endDate\":\"$(day $((w + 1)))\"}"
check "an unknown block is 404 before its days are weighed" eq "$STATUS" 404
req DELETE "/api/admin/cars/$P/maintenance/$blk" "${A[@]}"
check "a block is deleted (200)" eq "$STATUS/$(js .block.id)" "200/$blk"
check "its days are free again at once" eq "$(avail)" yyyyy
check "no maintenance row of it is left" eq "$(psql_q "select count(*) from car_availability where car_id = '$P' and status = 'maintenance'")" 0
req DELETE "/api/admin/cars/$P/maintenance/$blk" "${A[@]}"
check "deleting it again is 404" eq "$STATUS" 404
book "$P" $b $((b + 4))
check "the car can be booked on those days again" eq "$STATUS" 201

# --- Peak-pricing rules ------------------------------------------------------
# Car Q: $100/day, no fees, no discount.  Mon -> Fri = 400 + 10% = 440.
mkcar "Peak Test Car" 100; Q=$CAR
p=$(mon 600); [ "$SERVER" = apache ] && p=$((p + 56))
check "without a rule, Mon -> Fri is 440" eq "$(price "$Q" $p)" 440
req POST /api/admin/peak-pricing-rules "${A[@]}" -d "{\"ruleName\":\"Test season $tag\",\"startDate\":\"$(day $((p + 7)))\",\"endDate\":\"$(day $((p + 48)))\",\"multiplier\":1.5}"
check "a peak rule is created (201)" eq "$STATUS" 201
rule=$(js .rule.id); RULES="$rule"
check "every day of the week when none are given" eq "$(js '[.rule.multiplier, .rule.daysOfWeek, .rule.isActive] | map(tostring) | join(",")')" "1.5,null,true"
check "in its window the whole subtotal is x1.5: 600 + 10% = 660" eq "$(price "$Q" $((p + 7)))" 660
check "the breakdown says so" eq "$(js '[.priceBreakdown.peakPricingApplied, .priceBreakdown.peakMultiplier] | map(tostring) | join(",")')" "true,1.5"
req PUT "/api/admin/peak-pricing-rules/$rule" "${A[@]}" -d "{\"ruleName\":\"Test season $tag\",\"startDate\":\"$(day $((p + 7)))\",\"endDate\":\"$(day $((p + 48)))\",\"daysOfWeek\":[3],\"multiplier\":1.25}"
check "a rule is replaced with Wednesdays only" eq "$(js '.rule.daysOfWeek | join(",")')" 3
check "a rental with a Wednesday follows: 500 + 10% = 550" eq "$(price "$Q" $((p + 14)))" 550
req PUT "/api/admin/peak-pricing-rules/$rule" "${A[@]}" -d "{\"ruleName\":\"Test season $tag\",\"startDate\":\"$(day $((p + 7)))\",\"endDate\":\"$(day $((p + 48)))\",\"daysOfWeek\":[0],\"multiplier\":1.25}"
check "Sundays only: a Mon -> Fri rental (Mon..Thu) pays 440" eq "$(price "$Q" $((p + 21)))" 440
req PUT "/api/admin/peak-pricing-rules/$rule" "${A[@]}" -d "{\"ruleName\":\"Test season $tag\",\"startDate\":\"$(day $((p + 7)))\",\"endDate\":\"$(day $((p + 48)))\",\"multiplier\":2,\"isActive\":false}"
check "an inactive rule does not apply: 440" eq "$(price "$Q" $((p + 28)))" 440
req PUT "/api/admin/peak-pricing-rules/$rule" "${A[@]}" -d "{\"ruleName\":\"Test season $tag\",\"startDate\":\"$(day $((p + 7)))\",\"endDate\":\"$(day $((p + 48)))\",\"multiplier\":2}"
check "active again at x2: 800 + 10% = 880" eq "$(price "$Q" $((p + 35)))" 880
req GET /api/admin/peak-pricing-rules "${A[@]}"
check "the rules are listed, the seeded weekend rate too" eq "$(js "[.rules[] | select(.id == \"$rule\" or .ruleName == \"Weekend Rate\")] | length")" 2
for bad in '"multiplier":6|multiplier' '"multiplier":0.5|multiplier' '"multiplier":1.2,"daysOfWeek":[7]|daysOfWeek' \
	'"multiplier":1.2,"daysOfWeek":[1,1]|daysOfWeek' '"multiplier":1.2,"daysOfWeek":"mon"|daysOfWeek' \
	"\"multiplier\":1.2,\"startDate\":\"$(day 20)\",\"endDate\":\"$(day 10)\"|endDate"; do
	req POST /api/admin/peak-pricing-rules "${A[@]}" -d "{\"ruleName\":\"Bad $tag\",${bad%|*}}"
	check "a rule with ${bad%|*} is 400 naming ${bad#*|}" test -n "$(field "${bad#*|}")"
done
req POST /api/admin/peak-pricing-rules "${A[@]}" -d '{"multiplier":1.2}'
check "a rule without a name is 400 naming ruleName" eq "$(field ruleName)" Required
req PUT "/api/admin/peak-pricing-rules/$NOID" "${A[@]}" -d '{"ruleName":"x","multiplier":1.2}'
check "replacing an unknown rule is 404" eq "$STATUS" 404
req DELETE "/api/admin/peak-pricing-rules/$rule" "${A[@]}"
check "a rule is deleted (200)" eq "$STATUS/$(js .rule.id)" "200/$rule"
RULES=
check "the price follows at once: 440" eq "$(price "$Q" $((p + 42)))" 440
req DELETE "/api/admin/peak-pricing-rules/$rule" "${A[@]}"
check "deleting it again is 404" eq "$STATUS" 404

# --- Locations, their fees, tax configurations ---------------------------
q=$(mon 480); [ "$SERVER" = apache ] && q=$((q + 84))
req POST /api/admin/locations "${A[@]}" -d "{\"name\":\"Test Airport $tag\",\"address\":\"1 Runway Road\"}"
check "a location is created (201)" eq "$STATUS/$(js .location.isActive)" 201/true
L1=$(js .location.id); LOCS="$L1"
req POST /api/admin/locations "${A[@]}" -d "{\"name\":\"test airport $tag\"}"
check "a second location of the same name is 409" eq "$STATUS" 409
req POST /api/admin/locations "${A[@]}" -d '{"name":""}'
check "an empty name is 400 naming name" eq "$(field name)" "Is too short"
req POST /api/admin/locations "${A[@]}" -d '{"name":"Two\nlines"}'
check "a name of two lines is 400 naming name" test -n "$(field name)"
req POST /api/admin/locations "${A[@]}" -d "{\"name\":\"Test Downtown $tag\"}"
L2=$(js .location.id); LOCS="$L1 $L2"
req GET /api/admin/locations "${A[@]}"
check "the locations are listed" eq "$(js "[.locations[] | select(.id == \"$L1\" or .id == \"$L2\")] | length")" 2
check "the seeded airport is a location" eq "$(js '[.locations[] | select(.id == "11111111-1111-1111-1111-111111111111")] | length')" 1
req PUT "/api/admin/locations/$L2" "${A[@]}" -d "{\"name\":\"Test City $tag\"}"
check "a location is replaced (200)" eq "$STATUS/$(js .location.name)" "200/Test City $tag"
req PUT "/api/admin/locations/$L2" "${A[@]}" -d "{\"name\":\"Test Airport $tag\"}"
check "renaming it to another's name is 409" eq "$STATUS" 409
req PUT "/api/admin/locations/$NOID" "${A[@]}" -d '{"name":"Nowhere"}'
check "replacing an unknown location is 404" eq "$STATUS" 404

req POST "/api/admin/locations/$L1/fees" "${A[@]}" -d '{"feeType":"airport","feeAmount":25}'
check "a flat location fee is created (201)" eq "$STATUS/$(js '[.fee.feeAmount, .fee.feePercent] | map(tostring) | join(",")')" "201/25,null"
req POST "/api/admin/locations/$L1/fees" "${A[@]}" -d '{"feeType":"airport","feeAmount":30}'
check "a second fee of one type is 409" eq "$STATUS" 409
req POST "/api/admin/locations/$L1/fees" "${A[@]}" -d '{"feeType":"parking","feeAmount":30}'
check "an unknown fee type is 400 naming feeType" eq "$(field feeType)" "Is not one of the allowed values"
req POST "/api/admin/locations/$L1/fees" "${A[@]}" -d '{"feeType":"remote","feePercent":100}'
check "a percentage of 100 is 400 naming feePercent" test -n "$(field feePercent)"
req POST "/api/admin/locations/$NOID/fees" "${A[@]}" -d '{"feeType":"remote","feeAmount":1}'
check "a fee of an unknown location is 404" eq "$STATUS" 404
req GET "/api/admin/locations/$NOID/fees" "${A[@]}"
check "the fees of an unknown location are 404" eq "$STATUS" 404

# Seeded global tax 10%: 400 + $25 airport = 425 + 10% = 467.50.
check "a pick-up location's flat fee is charged: 467.50" eq "$(price "$Q" $q ",\"pickupLocationId\":\"$L1\"")" 467.5
req POST /api/admin/tax-configurations "${A[@]}" -d "{\"locationId\":\"$L1\",\"taxName\":\"Airport tax\",\"taxRatePercent\":8.25}"
check "a location's tax is created (201)" eq "$STATUS/$(js '[.tax.locationId, .tax.taxRatePercent, .tax.isActive] | map(tostring) | join(",")')" "201/$L1,8.25,true"
T1=$(js .tax.id)
check "the pick-up location's rate replaces the global one: 425 + 8.25% = 460.06" eq "$(price "$Q" $((q + 7)) ",\"pickupLocationId\":\"$L1\"")" 460.06
req POST /api/admin/tax-configurations "${A[@]}" -d "{\"locationId\":\"$L1\",\"taxName\":\"Second\",\"taxRatePercent\":5}"
check "a second active tax for one location is 409" eq "$STATUS" 409
req POST /api/admin/tax-configurations "${A[@]}" -d "{\"locationId\":\"$L1\",\"taxName\":\"Second\",\"taxRatePercent\":5,\"isActive\":false}"
check "an inactive second one is accepted (201)" eq "$STATUS" 201
T2=$(js .tax.id)
req POST /api/admin/tax-configurations "${A[@]}" -d '{"taxName":"Another global","taxRatePercent":7}'
check "a second active global tax is 409" eq "$STATUS" 409
req POST /api/admin/tax-configurations "${A[@]}" -d "{\"locationId\":\"$NOID\",\"taxName\":\"x\",\"taxRatePercent\":7}"
check "a tax of an unknown location is 404" eq "$STATUS" 404
req POST /api/admin/tax-configurations "${A[@]}" -d '{"taxName":"x","taxRatePercent":100}'
check "a rate of 100% is 400 naming taxRatePercent" test -n "$(field taxRatePercent)"
req POST /api/admin/tax-configurations "${A[@]}" -d '{"taxName":"x","taxRatePercent":"7"}'
check "a rate as a string is 400 naming taxRatePercent" eq "$(field taxRatePercent)" "Must be a number"
req PUT "/api/admin/tax-configurations/$T2" "${A[@]}" -d "{\"locationId\":\"$L1\",\"taxName\":\"Second\",\"taxRatePercent\":5}"
check "activating it beside the active one is 409" eq "$STATUS" 409
req PUT "/api/admin/tax-configurations/$NOID" "${A[@]}" -d '{"taxName":"x","taxRatePercent":5,"isActive":false}'
check "replacing an unknown tax is 404" eq "$STATUS" 404

req POST "/api/admin/locations/$L1/fees" "${A[@]}" -d '{"feeType":"pickup","feePercent":5}'
check "a percentage location fee is created" eq "$STATUS/$(js .fee.feePercent)" 201/5
lf=$(js .fee.id)
check "flat and percentage fees add: 400 + 25 + 5% (20) = 445 + 8.25% = 481.71" eq "$(price "$Q" $((q + 14)) ",\"pickupLocationId\":\"$L1\"")" 481.71
check "the breakdown shows the location fees 45" eq "$(js '.priceBreakdown.locationFees')" 45
req POST "/api/admin/locations/$L2/fees" "${A[@]}" -d '{"feeType":"dropoff","feeAmount":30}'
check "one way: 400 + 45 + 30 + 50 = 525 + 8.25% (pick-up rate) = 568.31" eq "$(price "$Q" $((q + 21)) ",\"pickupLocationId\":\"$L1\",\"dropoffLocationId\":\"$L2\"")" 568.31
req GET "/api/admin/locations/$L1/fees" "${A[@]}"
check "the location's fees are listed" eq "$(js '[.fees[].feeType] | join(",")')" "airport,pickup"
req PUT "/api/admin/locations/$L1/fees/$lf" "${A[@]}" -d '{"feeType":"pickup","feePercent":5,"isActive":false}'
check "a location fee is replaced (inactive)" eq "$STATUS/$(js .fee.isActive)" 200/false
check "the price follows: 425 + 8.25% = 460.06" eq "$(price "$Q" $((q + 28)) ",\"pickupLocationId\":\"$L1\"")" 460.06
req PUT "/api/admin/locations/$L1/fees/$lf" "${A[@]}" -d '{"feeType":"airport","feeAmount":1}'
check "giving it another fee's type is 409" eq "$STATUS" 409
req PUT "/api/admin/locations/$L1/fees/$NOID" "${A[@]}" -d '{"feeType":"remote","feeAmount":1}'
check "replacing an unknown location fee is 404" eq "$STATUS" 404
req DELETE "/api/admin/locations/$L1/fees/$lf" "${A[@]}"
check "a location fee is deleted (200)" eq "$STATUS/$(js .fee.id)" "200/$lf"
req DELETE "/api/admin/locations/$L1/fees/$lf" "${A[@]}"
check "deleting it again is 404" eq "$STATUS" 404

req PUT "/api/admin/tax-configurations/$T1" "${A[@]}" -d "{\"locationId\":\"$L1\",\"taxName\":\"Airport tax\",\"taxRatePercent\":9}"
check "a tax is replaced (200)" eq "$STATUS/$(js .tax.taxRatePercent)" 200/9
check "the price follows: 425 + 9% = 463.25" eq "$(price "$Q" $((q + 35)) ",\"pickupLocationId\":\"$L1\"")" 463.25
req DELETE "/api/admin/tax-configurations/$T1" "${A[@]}"
check "a tax is deleted (200)" eq "$STATUS/$(js .tax.id)" "200/$T1"
req DELETE "/api/admin/tax-configurations/$T1" "${A[@]}"
check "deleting it again is 404" eq "$STATUS" 404

# The global tax, through the API (and put back).
req GET /api/admin/tax-configurations "${A[@]}"
GTAX=$(js '[.taxes[] | select(.locationId == null and .isActive)][0].id')
check "the seeded global tax is listed at 10%" eq "$(js "[.taxes[] | select(.id == \"$GTAX\")][0].taxRatePercent")" 10
req PUT "/api/admin/tax-configurations/$GTAX" "${A[@]}" -d '{"taxName":"Sales tax","taxRatePercent":12}'
check "the global rate is changed to 12%" eq "$STATUS" 200
check "the price follows at once: 400 + 12% = 448" eq "$(price "$Q" $((q + 42)))" 448
req PUT "/api/admin/tax-configurations/$GTAX" "${A[@]}" -d '{"taxName":"Sales tax","taxRatePercent":10}'
check "the global rate is put back to 10%" eq "$STATUS" 200
GTAX=

req PUT "/api/admin/locations/$L1" "${A[@]}" -d "{\"name\":\"Test Airport $tag\",\"isActive\":false}"
check "a location is deactivated" eq "$(js .location.isActive)" false
check "an inactive location charges no fee: 440" eq "$(price "$Q" $((q + 49)) ",\"pickupLocationId\":\"$L1\"")" 440
req DELETE "/api/admin/locations/$L1" "${A[@]}"
check "a location is deleted (200)" eq "$STATUS/$(js .location.id)" "200/$L1"
check "its fees and taxes go with it" eq "$(psql_q "select (select count(*) from location_fees where location_id = '$L1') + (select count(*) from tax_configurations where location_id = '$L1')")" 0
req DELETE "/api/admin/locations/$L1" "${A[@]}"
check "deleting it again is 404" eq "$STATUS" 404
req DELETE "/api/admin/locations/$L2" "${A[@]}"
LOCS=
