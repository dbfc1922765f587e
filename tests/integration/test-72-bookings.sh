# test-72-bookings: server price, holds, idempotency, BOLA, concurrency.
. "$(dirname "$0")/lib.sh"

psql_q() { psql -h "$VAR/pg/sock" -U exodrive -d exodrive -XAtc "$1"; }
book() {	# book CAR START END [extra JSON members] [curl args...]
	local car=$1 s=$2 e=$3 extra=${4:-}; shift 4 2>/dev/null || shift $#
	req POST /api/bookings -H 'Content-Type: application/json' "$@" -d \
		"{\"carId\":\"$car\",\"startDate\":\"$s\",\"endDate\":\"$e\",\"customerDetails\":{\"fullName\":\"Guest Tester\",\"email\":\"guest-$SERVER@example.com\"}$extra}"
}
day() { date -u -d "+$1 days" +%F; }
# A Monday far enough ahead that no seed booking is near it.
off=$(( 200 + (8 - $(date -u -d '+200 days' +%u)) % 7 ))
[ "$SERVER" = apache ] && off=$((off + 28))
# On a stack used before, the first such Monday whose days below are free.
held() {	# held SLUG FROM TO: the days of car SLUG held from day FROM to day TO
	psql_q "select count(*) from car_availability v join cars c on c.id = v.car_id
		where c.slug = '$1' and v.date between '$(day "$2")' and '$(day "$3")'"
}
taken() {
	[ "$(held ferrari-296-gtb "$off" $((off + 14)))$(held ferrari-296-gtb $((off + 50)) $((off + 53)))$(held porsche-718-cayman-gt4 $((off + 70)) $((off + 72)))$(held lamborghini-urus $((off + 130)) $((off + 133)))" != 0000 ]
}
while taken && [ $((off + 140)) -le 723 ]; do off=$((off + 7)); done

car=$(curl -s "$BASE/api/cars/slug/ferrari-296-gtb" | jq -r .car.id)
# Mon -> Fri: 4 days x 1800 = 7200 + fees 225 = 7425; +10% tax = 8167.50
book "$car" "$(day $off)" "$(day $((off + 4)))" ""
check "guest booking is 201" eq "$STATUS" 201
check "the server computes the price (8167.5)" eq "$(js .totalPrice)" 8167.5
check "4 billable days" eq "$(js .days)" 4
check "status pending_payment" eq "$(js .status)" pending_payment
bid=$(js .bookingId); url=$(js .bookingUrl); token=${url##*/}
check "5 days are held (start..end inclusive)" eq "$(psql_q "select count(*) from car_availability where booking_id='$bid' and status='pending_confirmation'")" 5
check "the price calculation is audited" eq "$(psql_q "select outcome from price_audit where booking_id='$bid'")" price_calculated
check "a booking_created event is logged" eq "$(psql_q "select count(*) from booking_events where booking_id='$bid' and event_type='booking_created'")" 1
check "the confirmation email is in the outbox" eq "$(psql_q "select count(*) from outbox where dedupe_key='booking_confirmation:$bid'")" 1

book "$car" "$(day $((off + 4)))" "$(day $((off + 6)))" ""
check "overlapping the return day is 409" eq "$STATUS" 409
check "409 lists the unavailable dates" eq "$(js '.error.details.unavailableDates | length')" 1

book "$car" "$(day $((off + 7)))" "$(day $((off + 11)))" ',"totalPrice":100'
check "a client total off by more than a cent is 400" eq "$STATUS" 400
check "the 400 gives the server total" eq "$(js .error.details.serverTotal)" 8167.5
book "$car" "$(day $((off + 7)))" "$(day $((off + 11)))" ',"totalPrice":8167.49'
check "a client total within a cent is accepted" eq "$STATUS" 201
book "$car" "$(day $((off + 12)))" "$(day $((off + 14)))" ""
check "a rental over a weekend gets the x1.15 weekend rate (4801.50)" eq "$(js .totalPrice)" 4801.5

book "$car" "$(day $((off + 20)))" "$(day $((off + 20)))" ""
check "end not after start is 400" eq "$STATUS" 400
book "$car" "$(day $((off + 30)))" "$(day $((off + 31)))" ""
check "shorter than the car's minimum (2 days) is 400" eq "$STATUS" 400
book "$car" "$(day $((off + 40)))" "$(day $((off + 43)))" ',"status":"active"'
check "mass assignment of status is 400" eq "$STATUS" 400
book "$car" "$(day $((off + 40)))" "$(day $((off + 43)))" ',"overallStatus":"completed"'
check "mass assignment of overallStatus is 400" eq "$(js '.error.details.fieldErrors.overallStatus[0]')" "Unknown field"

key="idem-$SERVER-$RANDOM$RANDOM"
book "$car" "$(day $((off + 50)))" "$(day $((off + 53)))" "" -H "Idempotency-Key: $key"
first=$(js .bookingId)
book "$car" "$(day $((off + 50)))" "$(day $((off + 53)))" "" -H "Idempotency-Key: $key"
check "a retried request with the same Idempotency-Key replays 201" eq "$STATUS" 201
check "and names the same booking" eq "$(js .bookingId)" "$first"
check "exactly one booking exists for it" eq "$(psql_q "select count(*) from bookings where idempotency_key='$key'")" 1
book "$car" "$(day $((off + 60)))" "$(day $((off + 63)))" "" -H "Idempotency-Key: $key"
check "the same key with another body is 409" eq "$STATUS" 409

req GET "/api/bookings/by-token/$token"
check "booking by token is 200" eq "$STATUS" 200
check "it is the right booking" eq "$(js .booking.id)" "$bid"
req GET "/api/bookings/by-token/$(printf '%096d' 0)"
check "a guessed token is 404" eq "$STATUS" 404

# BOLA: customer A cannot see or cancel customer B's booking.
login() { curl -s -XPOST "$BASE/api/auth/login" -H 'Content-Type: application/json' \
	-d "{\"email\":\"$1\",\"password\":\"exodrive-dev-password\"}" | jq -r .accessToken; }
john=$(login john.doe@example.com); jane=$(login jane.smith@example.com)
porsche=$(curl -s "$BASE/api/cars/slug/porsche-718-cayman-gt4" | jq -r .car.id)
req POST /api/bookings -H 'Content-Type: application/json' -H "Authorization: Bearer $john" \
	-d "{\"carId\":\"$porsche\",\"startDate\":\"$(day $((off + 70)))\",\"endDate\":\"$(day $((off + 72)))\"}"
check "a signed-in customer books without customerDetails" eq "$STATUS" 201
jb=$(js .bookingId)
req GET /api/bookings -H "Authorization: Bearer $john"
check "John sees his booking" eq "$(js "[.bookings[].id] | index(\"$jb\") != null")" true
req GET /api/bookings -H "Authorization: Bearer $jane"
check "Jane does not" eq "$(js "[.bookings[].id] | index(\"$jb\")")" null
req POST "/api/bookings/$jb/cancel" -d '' -H "Authorization: Bearer $jane"
check "Jane cancelling John's booking is 404" eq "$STATUS" 404
check "and changes nothing" eq "$(psql_q "select overall_status from bookings where id='$jb'")" pending_payment
req POST "/api/bookings/$jb/cancel" -d ''
check "cancel without a token is 401" eq "$STATUS" 401
req POST "/api/bookings/$jb/cancel" -d '' -H "Authorization: Bearer $john"
check "John cancels his own booking" eq "$(js .booking.overall_status)" cancelled
check "its days are released" eq "$(psql_q "select count(*) from car_availability where booking_id='$jb'")" 0
check "a cancellation email is queued" eq "$(psql_q "select count(*) from outbox where dedupe_key='booking_cancellation:$jb'")" 1
req POST "/api/bookings/$jb/cancel" -d '' -H "Authorization: Bearer $john"
check "cancelling twice is 400" eq "$STATUS" 400

# The Redis booking lock: while another request holds a car, a booking
# waits its turn (at most 2 s; then PostgreSQL's lock decides): not a 409.
urus=$(curl -s "$BASE/api/cars/slug/lamborghini-urus" | jq -r .car.id)
redis-cli -s "$VAR/run/redis.sock" set "lock:v1:booking:car:$urus" someone-else px 10000 >/dev/null
t0=$(date +%s%N)
book "$urus" "$(day $((off + 130)))" "$(day $((off + 133)))" ""
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
check "a held car lock makes the booking wait, then it goes through (201 after $ms ms)" \
	test "$STATUS" = 201 -a "$ms" -ge 1900
check "and the held lock is left to its holder" eq "$(redis-cli -s "$VAR/run/redis.sock" get "lock:v1:booking:car:$urus")" someone-else
redis-cli -s "$VAR/run/redis.sock" del "lock:v1:booking:car:$urus" >/dev/null
book "$urus" "$(day $((off + 130)))" "$(day $((off + 133)))" ""
check "the same dates again are 409: they are taken" eq "$STATUS" 409
check "and the lock is released after it" eq "$(redis-cli -s "$VAR/run/redis.sock" exists "lock:v1:booking:car:$urus")" 0

# The races are run on a car of their own, free of any earlier booking.
A=(-H "Authorization: Bearer $(login admin@exodrive.com)" -H 'Content-Type: application/json')
req POST /api/admin/cars "${A[@]}" -d "$(jq -nc --arg n "Race Car $SERVER $RANDOM$RANDOM" '{name:$n,
	category:"Exotic", pricing:{base_price:300, deposit_amount:500, minimum_days:1},
	images:[{url:"https://img.example/race.webp", is_primary:true, sort_order:0}]}')"
check "a car of our own for the races (201)" eq "$STATUS" 201
rcar=$(js .carId)

# 200 simultaneous requests for overlapping dates of one car, each racer
# a client of its own (10.72.RACE.N) so that no rate tier answers first.
race() {	# race LABEL START OCTET
	local s out=$OUT/race-$1
	s=$(day "$2")
	seq 1 200 | xargs -P 200 -I{} curl -s -o /dev/null -w '%{http_code}\n' --max-time 60 \
		-X POST "$BASE/api/bookings" -H 'Content-Type: application/json' -H "X-Forwarded-For: 10.72.$3.{}" \
		-d "{\"carId\":\"$rcar\",\"startDate\":\"$s\",\"endDate\":\"$(day $(($2 + 1 + RANDOM % 3)))\",\"customerDetails\":{\"fullName\":\"Racer {}\",\"email\":\"racer{}@example.com\"}}" > "$out"
	check "race $1: exactly one 201 of 200" eq "$(grep -c '^201$' "$out")" 1
	check "race $1: every other answer is 409" eq "$(grep -c '^409$' "$out")" 199
	check "race $1: exactly one booking in the database" eq \
		"$(psql_q "select count(*) from bookings where car_id='$rcar' and start_date='$s' and overall_status <> 'cancelled'")" 1
}

# 50 simultaneous requests for the same car, racer i asking for the
# three days from FIRST+i: each overlaps the two before and after it.
# Whoever wins, the bookings accepted never overlap, and every loser is
# told 409.
stagger() {	# stagger LABEL FIRST OCTET
	local out=$OUT/stagger-$1 i pids=() bodies=() won gap last
	for i in $(seq 0 49); do
		bodies[i]="{\"carId\":\"$rcar\",\"startDate\":\"$(day $(($2 + i)))\",\"endDate\":\"$(day $(($2 + i + 2)))\",\"customerDetails\":{\"fullName\":\"Stagger $i\",\"email\":\"stagger$i@example.com\"}}"
	done
	for i in $(seq 0 49); do
		curl -s -o /dev/null -w "$i %{http_code}\n" --max-time 60 -X POST "$BASE/api/bookings" \
			-H 'Content-Type: application/json' -H "X-Forwarded-For: 10.72.$3.$((i + 1))" \
			-d "${bodies[i]}" > "$out.$i" &
		pids+=($!)
	done
	wait "${pids[@]}"
	cat "$out".* > "$out"
	won=$(awk '$2 == 201 {print $1}' "$out" | sort -n | tr '\n' ' ')
	check "stagger $1: at least one of 50 is accepted (racers $won)" test -n "$won"
	check "stagger $1: every other answer is 409 ($(awk '$2 != 201 && $2 != 409' "$out" | wc -l) not)" \
		eq "$(awk '$2 == 201 || $2 == 409' "$out" | wc -l)" 50
	gap=ok; last=-9
	for i in $won; do [ $((i - last)) -ge 3 ] || gap="racers $last and $i overlap"; last=$i; done
	check "stagger $1: no two accepted ranges overlap (by the answers: $gap)" eq "$gap" ok
	check "stagger $1: the database holds as many bookings as were accepted" eq \
		"$(psql_q "select count(*) from bookings where car_id='$rcar' and start_date between '$(day "$2")' and '$(day $(($2 + 49)))' and overall_status <> 'cancelled'")" \
		"$(echo $won | wc -w)"
	check "stagger $1: none of them overlap (by the database)" eq "$(psql_q "select count(*) from bookings a join bookings b
		on a.car_id = b.car_id and a.id < b.id and a.start_date <= b.end_date and b.start_date <= a.end_date
		where a.car_id = '$rcar' and a.overall_status <> 'cancelled' and b.overall_status <> 'cancelled'")" 0
	check "stagger $1: each holds its three days" eq "$(psql_q "select count(*) from car_availability v join bookings b
		on b.id = v.booking_id where b.car_id = '$rcar' and b.overall_status <> 'cancelled'
		and b.start_date between '$(day "$2")' and '$(day $(($2 + 49)))'")" $(( 3 * $(echo $won | wc -w) ))
}

race normal 100 1
stagger normal 150 3
"$DEV" redis-stop
race redis-down 110 2
stagger redis-down 210 4
redis_start
# Leave the public fleet as seeded for the other server's run.
req PATCH "/api/admin/cars/$rcar/visibility" "${A[@]}" -d '{"hidden":true}'
