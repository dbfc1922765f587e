# test-62-reviews: moderation.  A customer's review is not public until
# an admin approves it; the car's average_rating and review_count follow
# approvals (also under concurrent ones); the business's response is
# public; rejection and deletion take a review back out; every change shows
# at once over HTTP (cached lists and car details are invalidated, not left
# to expire).  On a car of this script's own.
. "$(dirname "$0")/lib.sh"

psql_q() { psql -h "$VAR/pg/sock" -U exodrive -d exodrive -XAtqc "$1"; }
day() { date -u -d "+$1 days" +%F; }
own_admin
A=(-H "Authorization: Bearer $OWN_ADMIN")
J=(-H 'Content-Type: application/json')
tag="$SERVER-$$-$RANDOM"

# A car of our own.
body=$(jq -nc --arg n "Review Test GT $tag" '{name:$n, category:"Sports Car", description:"A car to review",
	pricing:{base_price:400, deposit_amount:1000, minimum_days:1},
	images:[{url:"https://img.example/r.webp", is_primary:true, sort_order:0}], features:[], specifications:[]}')
req POST /api/admin/cars "${A[@]}" "${J[@]}" -d "$body"
check "the car to review is created" eq "$STATUS" 201
car=$(js .carId); slug=$(js .slug)

# Customers of our own, each with a completed booking of the car.  The
# booking is completed in PostgreSQL (the status machine is test-73's).
declare -a tok bk
customer() {	# customer I: registers, books days 200+3I.., completes
	local ip b s
	ip=$(other_ip)
	b=$(curl -s -XPOST "$BASE/api/auth/register" -H "X-Forwarded-For: $ip" "${J[@]}" \
		-d "{\"email\":\"rv$1-$tag@example.com\",\"password\":\"review-passw0rd\",\"firstName\":\"Rita$1\",\"lastName\":\"Viewer\"}")
	tok[$1]=$(jq -r .accessToken <<<"$b")
	s=$((20 + 3 * $1))
	req POST /api/bookings "${J[@]}" -H "Authorization: Bearer ${tok[$1]}" \
		-d "{\"carId\":\"$car\",\"startDate\":\"$(day $s)\",\"endDate\":\"$(day $((s + 1)))\"}"
	bk[$1]=$(js .bookingId)
	psql_q "update bookings set overall_status = 'completed' where id = '${bk[$1]}'" >/dev/null
}
for i in 1 2 3 4 5 6 7; do customer $i; done
check "seven completed bookings" eq "$(psql_q "select count(*) from bookings where car_id = '$car' and overall_status = 'completed'")" 7

declare -a rv
review() {	# review I RATING
	req POST "/api/cars/$car/reviews" "${J[@]}" -H "Authorization: Bearer ${tok[$1]}" \
		-d "{\"bookingId\":\"${bk[$1]}\",\"rating\":$2,\"comment\":\"Review number $1 of this car.\"}"
	rv[$1]=$(js .review.id)
}
review 1 5; check "a customer reviews a completed booking (201)" eq "$STATUS" 201
review 2 2; review 3 4
check "three reviews written" eq "$(psql_q "select count(*) from car_reviews where car_id = '$car'")" 3

pub() { req GET "/api/cars/$car/reviews"; }
detail() { req GET "/api/cars/$car"; }
figures() { detail; echo "$(js .car.review_count) $(js '.car.average_rating + 0')"; }
hit() {	# hit: GET $1 until it is served from the cache
	local i
	for i in 1 2 3 4 5; do req GET "$1"; [ "$(hdr X-Cache)" = HIT ] && return 0; done
	return 1
}
pub
check "a new review is not public" eq "$(js .pagination.total)" 0
check "and not counted" eq "$(figures)" "0 0"

# Who may moderate.
for route in "GET /api/admin/reviews" "GET /api/admin/reviews/${rv[1]}" \
	"POST /api/admin/reviews/${rv[1]}/approve" "POST /api/admin/reviews/${rv[1]}/reject" \
	"PUT /api/admin/reviews/${rv[1]}/response" "DELETE /api/admin/reviews/${rv[1]}/response" \
	"DELETE /api/admin/reviews/${rv[1]}"; do
	set -- $route
	req "$1" "$2" -d ''
	check "anonymous $route is 401" eq "$STATUS" 401
	req "$1" "$2" -H "Authorization: Bearer ${tok[1]}" -d ''
	check "customer $route is 403" eq "$STATUS" 403
done
check "nothing moved" eq "$(psql_q "select count(*) from car_reviews where car_id = '$car' and (is_approved or rejected_at is not null or deleted_at is not null)")" 0

# The moderation queue.
req GET "/api/admin/reviews?status=pending&carId=$car" "${A[@]}"
check "the queue lists the car's pending reviews" eq "$(js '[.reviews[].status] | join(",")')" "pending,pending,pending"
check "newest first" eq "$(js '.reviews[0].id')" "${rv[3]}"
check "with the car's name and the booking" eq "$(js '.reviews[2] | [.carName, .bookingId] | join(" ")')" "Review Test GT $tag ${bk[1]}"
req GET "/api/admin/reviews?status=pending&carId=$car&limit=2&page=2" "${A[@]}"
check "paged" eq "$(js '[.pagination.total, .pagination.totalPages, (.reviews | length)] | join(" ")')" "3 2 1"
req GET "/api/admin/reviews/${rv[1]}" "${A[@]}"
check "one review: pending, no response" eq "$(js '[.review.status, .review.response, .review.rating] | map(tostring) | join(" ")')" "pending null 5"

# Approval publishes, counts, and shows at once (the cached list and car
# detail are invalidated, not left to their TTL).
check "the public list is cached (HIT)" hit "/api/cars/$car/reviews"
check "the car detail is cached (HIT)" hit "/api/cars/$car"
check "the car by slug is cached (HIT)" hit "/api/cars/slug/$slug"
req POST "/api/admin/reviews/${rv[1]}/approve" "${A[@]}" -d ''
check "approve is 200, approved" eq "$STATUS $(js .review.status)" "200 approved"
check "by this admin, now" eq "$(js '.review.approvedBy')" "$OWN_ADMIN_ID"
approved_at=$(js .review.approvedAt)
pub
check "the approved review is public at once" eq "$(js '[.reviews[].id] | join(",")')" "${rv[1]}"
check "(the cached list was invalidated: MISS)" eq "$(hdr X-Cache)" MISS
check "isApproved, no response yet" eq "$(js '.reviews[0] | [.isApproved, .response] | map(tostring) | join(" ")')" "true null"
check "the car's figures follow at once (1 review, 5)" eq "$(figures)" "1 5"
check "(the cached car was invalidated: MISS)" eq "$(hdr X-Cache)" MISS
req GET "/api/cars/slug/$slug"
check "the car by slug shows it at once too" eq "$(hdr X-Cache) $(js .car.review_count)" "MISS 1"
req POST "/api/admin/reviews/${rv[2]}/approve" "${A[@]}" -d ''
check "a second approval: 2 reviews, average 3.5" eq "$(figures)" "2 3.5"
req POST "/api/admin/reviews/${rv[1]}/approve" "${A[@]}" -d ''
check "approving an approved review is 200 and changes nothing" eq "$STATUS $(js .review.approvedAt)" "200 $approved_at"
check "the approval is audited: the review, its status before and after" eq \
	"$(psql_q "select (before_state->>'status') || ' ' || (after_state->>'status') from admin_audit_log where action = 'admin.review.approve' and target = 'review:${rv[1]}' order by seq limit 1")" "pending approved"
check "the approval is a booking event" eq "$(psql_q "select count(*) from booking_events where booking_id = '${bk[1]}' and event_type = 'review_approved'")" 1

# The business's response.
req PUT "/api/admin/reviews/${rv[1]}/response" "${A[@]}" "${J[@]}" -d '{"response":"Thank you, we hope to see you again."}'
check "respond is 200 with the response" eq "$STATUS $(js .review.response.text)" "200 Thank you, we hope to see you again."
pub
check "the response is public at once" eq "$(js '.reviews[] | select(.id == "'"${rv[1]}"'") | .response.text')" "Thank you, we hope to see you again."
check "with when it was made" test -n "$(js '.reviews[] | select(.id == "'"${rv[1]}"'") | .response.respondedAt | select(. != null)')"
req PUT "/api/admin/reviews/${rv[1]}/response" "${A[@]}" "${J[@]}" -d '{"response":"Thank you again, Rita: see you soon."}'
check "a second PUT replaces the text" eq "$(js .review.response.text)" "Thank you again, Rita: see you soon."
check "one live response per review" eq "$(psql_q "select count(*) from car_review_responses where review_id = '${rv[1]}' and deleted_at is null")" 1
pub
check "the replaced text is public at once" eq "$(js '.reviews[] | select(.id == "'"${rv[1]}"'") | .response.text')" "Thank you again, Rita: see you soon."

# Validation names the field.
req PUT "/api/admin/reviews/${rv[1]}/response" "${A[@]}" "${J[@]}" -d '{"response":"short"}'
check "a response under 10 characters is 400 (response)" eq "$STATUS $(js '.error.details.fieldErrors | keys | join(",")')" "400 response"
req PUT "/api/admin/reviews/${rv[1]}/response" "${A[@]}" "${J[@]}" -d '{}'
check "a missing response is 400 Required" eq "$STATUS $(js '.error.details.fieldErrors.response[0]')" "400 Required"
req POST "/api/admin/reviews/${rv[2]}/reject" "${A[@]}" "${J[@]}" -d "{\"reason\":\"$(printf 'x%.0s' $(seq 1 501))\"}"
check "a reason over 500 characters is 400 (reason)" eq "$STATUS $(js '.error.details.fieldErrors | keys | join(",")')" "400 reason"
req POST "/api/admin/reviews/${rv[2]}/reject" "${A[@]}" "${J[@]}" -d '{"reason":"x","extra":1}'
check "an unknown member is 400 (extra)" eq "$STATUS $(js '.error.details.fieldErrors | keys | join(",")')" "400 extra"
req GET "/api/admin/reviews?status=hidden" "${A[@]}"
check "an unknown status filter is 400 (status)" eq "$STATUS $(js '.error.details.fieldErrors | keys | join(",")')" "400 status"
req POST "/api/admin/reviews/not-a-uuid/approve" "${A[@]}" -d ''
check "a malformed id is 400 (reviewId)" eq "$STATUS $(js '.error.details.fieldErrors | keys | join(",")')" "400 reviewId"
check "nothing moved on refusals" eq "$(figures)" "2 3.5"

# Unknown ones.
none=00000000-0000-4000-8000-000000000000
req GET "/api/admin/reviews/$none" "${A[@]}"
check "an unknown review is 404" eq "$STATUS $(js .error.code)" "404 NOT_FOUND"
for m in "POST approve" "POST reject" "DELETE response" ""; do
	set -- $m
	req "${1:-DELETE}" "/api/admin/reviews/$none${2:+/$2}" "${A[@]}" -d ''
	check "${1:-DELETE} an unknown review${2:+ ($2)} is 404" eq "$STATUS" 404
done
req PUT "/api/admin/reviews/$none/response" "${A[@]}" "${J[@]}" -d '{"response":"Thanks for the kind words."}'
check "responding to an unknown review is 404" eq "$STATUS" 404
req DELETE "/api/admin/reviews/${rv[3]}/response" "${A[@]}"
check "withdrawing a response that is not there is 404" eq "$STATUS $(js .error.message)" "404 The review has no response"
req GET "/api/admin/reviews?carId=$none" "${A[@]}"
check "the queue of an unknown car is 404" eq "$STATUS" 404

# Rejection unpublishes and uncounts; a rejected review may be approved
# again (a moderator's mistake), and rejected again without a reason.
req POST "/api/admin/reviews/${rv[2]}/reject" "${A[@]}" "${J[@]}" -d '{"reason":"Off-topic"}'
check "reject is 200, rejected with the reason" eq "$STATUS $(js '.review | [.status, .rejectionReason, .isApproved] | map(tostring) | join(" ")')" "200 rejected Off-topic false"
pub
check "the rejected review leaves the public list at once" eq "$(js '[.reviews[].id] | join(",")')" "${rv[1]}"
check "and the car's figures (1 review, 5)" eq "$(figures)" "1 5"
check "the rejection is a booking event with its reason" eq "$(psql_q "select details->>'reason' from booking_events where booking_id = '${bk[2]}' and event_type = 'review_rejected'")" "Off-topic"
req POST "/api/admin/reviews/${rv[2]}/approve" "${A[@]}" -d ''
check "a rejected review can be approved after all" eq "$STATUS $(js '.review | [.status, .rejectionReason] | map(tostring) | join(" ")')" "200 approved null"
check "counted again (2, 3.5)" eq "$(figures)" "2 3.5"
req POST "/api/admin/reviews/${rv[2]}/reject" "${A[@]}" -d ''
check "reject without a body or reason is 200" eq "$STATUS $(js '.review | [.status, .rejectionReason] | map(tostring) | join(" ")')" "200 rejected null"
req GET "/api/admin/reviews?status=rejected&carId=$car" "${A[@]}"
check "the queue filters rejected ones" eq "$(js '[.reviews[].id] | join(",")')" "${rv[2]}"

# A response to a pending review shows once it is approved; withdrawn, it
# is gone at once.
req PUT "/api/admin/reviews/${rv[3]}/response" "${A[@]}" "${J[@]}" -d '{"response":"Glad you enjoyed the drive."}'
check "responding to a pending review is allowed" eq "$STATUS $(js .review.status)" "200 pending"
req POST "/api/admin/reviews/${rv[3]}/approve" "${A[@]}" -d ''
pub
check "approved, it is public with its response" eq "$(js '.reviews[] | select(.id == "'"${rv[3]}"'") | .response.text')" "Glad you enjoyed the drive."
check "(2 reviews, 4.5)" eq "$(figures)" "2 4.5"
req DELETE "/api/admin/reviews/${rv[3]}/response" "${A[@]}"
check "withdraw the response: 200, none" eq "$STATUS $(js .review.response)" "200 null"
pub
check "the withdrawn response is gone at once" eq "$(js '.reviews[] | select(.id == "'"${rv[3]}"'") | .response')" null

# Deletion: out of the list and the figures; kept for the record; no
# further move (409).
req DELETE "/api/admin/reviews/${rv[1]}" "${A[@]}"
check "delete is 200, deleted" eq "$STATUS $(js .review.status) $(js .review.deletedBy)" "200 deleted $OWN_ADMIN_ID"
pub
check "the deleted review leaves the public list at once" eq "$(js '[.reviews[].id] | join(",")')" "${rv[3]}"
check "and the figures (1 review, 4)" eq "$(figures)" "1 4"
req GET "/api/admin/reviews/${rv[1]}" "${A[@]}"
check "moderators still read a deleted review" eq "$STATUS $(js .review.status)" "200 deleted"
for m in "POST approve" "POST reject" "DELETE response" "DELETE"; do
	set -- $m
	req "$1" "/api/admin/reviews/${rv[1]}${2:+/$2}" "${A[@]}" -d ''
	check "$m on a deleted review is 409" eq "$STATUS $(js .error.code)" "409 CONFLICT"
done
req PUT "/api/admin/reviews/${rv[1]}/response" "${A[@]}" "${J[@]}" -d '{"response":"Too late for this one."}'
check "PUT response on a deleted review is 409" eq "$STATUS" 409
req GET "/api/admin/reviews?carId=$car" "${A[@]}"
check "the queue leaves deleted ones out by default" eq "$(js '[.reviews[].id] | sort | join(",")')" "$(printf '%s\n' "${rv[2]}" "${rv[3]}" | sort | paste -sd,)"
req GET "/api/admin/reviews?status=deleted&carId=$car" "${A[@]}"
check "and lists them when asked" eq "$(js '[.reviews[].id] | join(",")')" "${rv[1]}"
req GET "/api/cars/$car/reviews?includeUnapproved=true" "${A[@]}"
check "an admin's unapproved view never shows deleted ones" eq "$(js '[.reviews[].id] | index("'"${rv[1]}"'")')" null
review 1 3
check "once deleted, the booking may be reviewed again (201)" eq "$STATUS" 201

# Concurrent approvals of reviews of the same car: the figures count all.
review 4 1; review 5 2; review 6 3; review 7 5
for i in 4 5 6 7; do
	curl -s -o /dev/null -XPOST "$BASE/api/admin/reviews/${rv[$i]}/approve" "${A[@]}" -d '' &
done
wait
check "four approvals at once: 5 reviews" eq "$(figures)" "5 3"
check "the stored figures match the reviews" eq "$(psql_q "select review_count || ' ' || average_rating from cars where id = '$car'")" \
	"$(psql_q "select count(*) || ' ' || round(avg(rating), 2) from car_reviews where car_id = '$car' and is_approved and deleted_at is null")"
# Two transactions that overlap: the second one's trigger waits for the
# car row, then counts the first one's review too.
psql_q "begin; update car_reviews set is_approved = false where id = '${rv[4]}'; select pg_sleep(1.5); commit;" >/dev/null &
sleep 0.5
psql_q "update car_reviews set is_approved = false where id = '${rv[5]}'" >/dev/null
wait
check "overlapping unapprovals both count (3 reviews, 4)" eq "$(psql_q "select review_count || ' ' || average_rating from cars where id = '$car'")" "3 4.00"
