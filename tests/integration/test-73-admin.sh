# test-73-admin: function-level authorization, the status machine, reviews.
. "$(dirname "$0")/lib.sh"

psql_q() { psql -h "$VAR/pg/sock" -U exodrive -d exodrive -XAtc "$1"; }
login() { curl -s -XPOST "$BASE/api/auth/login" -H 'Content-Type: application/json' \
	-d "{\"email\":\"$1\",\"password\":\"exodrive-dev-password\"}" | jq -r .accessToken; }
day() { date -u -d "+$1 days" +%F; }
adm=$(login admin@exodrive.com); john=$(login john.doe@example.com); jane=$(login jane.smith@example.com)
A=(-H "Authorization: Bearer $adm")

for route in "GET /api/admin/cars" "GET /api/admin/bookings" \
	"GET /api/admin/bookings/00000000-0000-4000-8000-000000000000"; do
	set -- $route
	req "$1" "$2"
	check "anonymous $route is 401" eq "$STATUS" 401
	req "$1" "$2" -H "Authorization: Bearer $john"
	check "customer $route is 403" eq "$STATUS" 403
done
req GET /api/admin/cars "${A[@]}"
check "admin sees hidden cars too" eq "$(js '[.cars[] | select(.hidden)] | length >= 1')" true
req GET '/api/admin/bookings?status=cancelled' "${A[@]}"
check "admin booking list filters by status" eq "$(js '[.bookings[].overallStatus] | unique | join(",")')" cancelled

# A car of this script's own: no other script books its days.
req POST /api/admin/cars "${A[@]}" -H 'Content-Type: application/json' -d "$(jq -nc --arg n "Admin Test Car $SERVER $$ $RANDOM" '{name:$n,
	category:"Exotic", description:"admin bookings", pricing:{base_price:500, deposit_amount:900, minimum_days:1},
	images:[{url:"https://img.example/a.webp", is_primary:true, sort_order:0}]}')"
check "an admin adds a car of this script's own (201)" eq "$STATUS" 201
owncar=$(js .carId)

# A booking of John's to walk through the machine.
off=$(( 300 + RANDOM % 150 ))		# each server its own range
[ "$SERVER" = apache ] && off=$(( 460 + RANDOM % 140 ))
bentley=$owncar
req POST /api/bookings -H 'Content-Type: application/json' -H "Authorization: Bearer $john" \
	-d "{\"carId\":\"$bentley\",\"startDate\":\"$(day $off)\",\"endDate\":\"$(day $((off + 2)))\"}"
bid=$(js .bookingId)
check "the booking to walk is created" eq "$STATUS" 201
move() { req PATCH "/api/admin/bookings/$bid/status" "${A[@]}" -H 'Content-Type: application/json' -d "{\"status\":\"$1\"}"; }
for bad in active completed upcoming disputed; do
	move "$bad"
	check "pending_payment -> $bad is refused (400)" eq "$STATUS" 400
done
check "the refusal lists the allowed moves" eq "$(js '.error.details.allowedTransitions | join(",")')" "pending_contract,cancelled"
move unknown_status
check "an unknown status is a validation error" eq "$(js .error.code)" VALIDATION_ERROR
for step in pending_contract upcoming active post_rental_finalization completed; do
	move "$step"
	check "move to $step is 200" eq "$(js .booking.overall_status)" "$step"
	[ "$step" = upcoming ] && check "upcoming books the held days" eq \
		"$(psql_q "select count(*) from car_availability where booking_id='$bid' and status='booked'")" 3
done
check "completion releases the days after today" eq "$(psql_q "select count(*) from car_availability where booking_id='$bid' and date > current_date")" 0
move active
check "completed -> active is refused" eq "$STATUS" 400
check "every move was logged" eq "$(psql_q "select count(*) from booking_events where booking_id='$bid' and event_type='booking_status_changed'")" 5

# Reviews of that completed booking.
review() { req POST "/api/cars/$1/reviews" -H 'Content-Type: application/json' -H "Authorization: Bearer $2" \
	-d "{\"bookingId\":\"$bid\",\"rating\":4,\"comment\":\"$3\"}"; }
review "$bentley" "$jane" "Lovely car, smooth handover."
check "Jane reviewing John's booking is 404" eq "$STATUS" 404
review "$bentley" "$john" "short"
check "a comment under 10 characters is 400" eq "$STATUS" 400
review "$bentley" "$john" "Lovely car, smooth handover."
check "John reviews his completed booking (201)" eq "$STATUS" 201
review "$bentley" "$john" "A second opinion on the same trip."
check "a second review of the booking is 409" eq "$STATUS" 409
req GET "/api/cars/$bentley/reviews"
check "the pending review is not public" eq "$(js '[.reviews[] | select(.isApproved | not)] | length')" 0
req GET "/api/cars/$bentley/reviews?includeUnapproved=true" -H "Authorization: Bearer $john"
check "customers cannot ask for unapproved reviews" eq "$(js '[.reviews[] | select(.isApproved | not)] | length')" 0
req GET "/api/cars/$bentley/reviews?includeUnapproved=true" "${A[@]}"
check "admins can" eq "$(js '[.reviews[] | select(.isApproved | not)] | length >= 1')" true

# Cancellation by an admin (DELETE), of a fresh booking.
req POST /api/bookings -H 'Content-Type: application/json' -H "Authorization: Bearer $jane" \
	-d "{\"carId\":\"$bentley\",\"startDate\":\"$(day $((off + 10)))\",\"endDate\":\"$(day $((off + 12)))\"}"
b2=$(js .bookingId)
req DELETE "/api/admin/bookings/$b2" "${A[@]}" -H 'Content-Type: application/json' -d '{"reason":"Fleet change"}'
check "admin cancel is 200" eq "$(js .booking.overall_status)" cancelled
check "its days are free again" eq "$(psql_q "select count(*) from car_availability where booking_id='$b2'")" 0
check "the cancellation is logged with the reason" eq "$(psql_q "select details->>'reason' from booking_events where booking_id='$b2' and event_type='booking_cancelled'")" "Fleet change"
req DELETE "/api/admin/bookings/$b2" "${A[@]}" -d ''
check "cancelling a cancelled booking is 400" eq "$STATUS" 400
req GET "/api/admin/bookings/$b2" "${A[@]}"
check "admin detail shows the timeline" eq "$(js '.timeline | length >= 2')" true

# Admin-created bookings and edits.
o2=$(( off + 40 ))
req POST /api/admin/bookings "${A[@]}" -H 'Content-Type: application/json' -d "{\"carId\":\"$owncar\",\"customerDetails\":{\"firstName\":\"Walk\",\"lastName\":\"In\",\"email\":\"walkin-$SERVER@example.com\"},\"startDate\":\"$(day $o2)\",\"endDate\":\"$(day $((o2 + 3)))\",\"initialStatus\":\"upcoming\"}"
check "admin creates a booking (201)" eq "$STATUS" 201
ab=$(js .bookingId)
check "an upcoming admin booking books its days" eq "$(psql_q "select count(*) from car_availability where booking_id='$ab' and status='booked'")" 4
check "the link lives 30 days" eq "$(psql_q "select (expires_at - now()) > interval '29 days' from booking_secure_tokens t join bookings b on b.secure_token_id = t.id where b.id='$ab'")" t
req POST /api/admin/bookings "${A[@]}" -H 'Content-Type: application/json' -d "{\"carId\":\"$owncar\",\"customerId\":\"00000000-0000-4000-8000-000000000000\",\"startDate\":\"$(day $((o2 + 10)))\",\"endDate\":\"$(day $((o2 + 12)))\"}"
check "an unknown customerId is 404" eq "$STATUS" 404
req POST /api/admin/bookings "${A[@]}" -H 'Content-Type: application/json' -d "{\"carId\":\"$owncar\",\"customerDetails\":{\"email\":\"x-$SERVER@example.com\"},\"startDate\":\"$(day $((o2 + 2)))\",\"endDate\":\"$(day $((o2 + 5)))\",\"skipAvailabilityCheck\":true}"
check "skipAvailabilityCheck never beats the no-overlap constraint (409)" eq "$STATUS" 409
req PATCH "/api/admin/bookings/$ab" "${A[@]}" -H 'Content-Type: application/json' -d "{\"endDate\":\"$(day $((o2 + 5)))\",\"adminNotes\":\"VIP\"}"
check "admin re-dates a booking" eq "$(js '.changes.end_date[1]')" "$(day $((o2 + 5)))"
check "the days follow the new dates" eq "$(psql_q "select count(*) from car_availability where booking_id='$ab'")" 6
req PATCH "/api/admin/bookings/$ab" "${A[@]}" -H 'Content-Type: application/json' -d '{"overallStatus":"completed"}'
check "PATCH checks the status machine too (400)" eq "$STATUS" 400
req PATCH "/api/admin/bookings/$ab" "${A[@]}" -H 'Content-Type: application/json' -d '{"customer_id":"00000000-0000-4000-8000-000000000000"}'
check "PATCH refuses undeclared fields" eq "$STATUS" 400
req POST /api/admin/bookings "${A[@]}" -H 'Content-Type: application/json' -d "{\"carId\":\"$owncar\",\"customerDetails\":{\"email\":\"y-$SERVER@example.com\"},\"startDate\":\"$(day $((o2 + 20)))\",\"endDate\":\"$(day $((o2 + 22)))\"}"
check "a second admin booking on the same car later (201)" eq "$STATUS" 201
req PATCH "/api/admin/bookings/$ab" "${A[@]}" -H 'Content-Type: application/json' -d "{\"endDate\":\"$(day $((o2 + 21)))\"}"
check "re-dating onto another booking is 409" eq "$STATUS" 409
check "the 409 names the taken days" eq "$(js '.error.details.unavailableDates | length')" 2
check "the edit is logged with old and new values" eq "$(psql_q "select count(*) from booking_events where booking_id='$ab' and event_type='admin_updated_booking' and details ? 'admin_notes'")" 1
