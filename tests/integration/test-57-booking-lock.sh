# test-57-booking-lock: a booking of a busy car waits its turn (the per-car
# lock queues in arrival order, bounded), so 409 means only that the dates
# are taken: 50 concurrent bookings of one car on 50 disjoint ranges are
# 50 x 201; 50 on 10 ranges (5 each) are exactly 10 x 201 and 40 x 409;
# with Redis up and with Redis down (PostgreSQL's lock waits then).
# timeout: 400
. "$(dirname "$0")/lib.sh"

psql_q() { psql -h "$VAR/pg/sock" -U exodrive -d exodrive -XAtc "$1"; }
day() { date -u -d "+$1 days" +%F; }
own_admin
A=(-H "Authorization: Bearer $OWN_ADMIN" -H 'Content-Type: application/json')
newcar() {
	req POST /api/admin/cars "${A[@]}" -d "$(jq -nc --arg n "Lock Car $SERVER $RANDOM$RANDOM" '{name:$n,
		category:"Exotic", pricing:{base_price:300, deposit_amount:500, minimum_days:1},
		images:[{url:"https://img.example/lock.webp", is_primary:true, sort_order:0}]}')"
	js .carId
}
[ "$SERVER" = apache ] && o=2 || o=1

# blast LABEL CAR OCTET RANGE...: one booking per range ("FIRST LAST" day
# offsets), all at once, each racer a client of its own.
blast() {
	local label=$1 car=$2 oct=$3 i=0 r pids=() out=$OUT/$1; shift 3
	for r in "$@"; do
		set -- $r
		curl -s -o /dev/null -w "$i %{http_code} %{time_total}\n" --max-time 60 \
			-X POST "$BASE/api/bookings" -H 'Content-Type: application/json' \
			-H "X-Forwarded-For: 10.57.$((10 * o + oct)).$((i + 1))" -d "{\"carId\":\"$car\",\
\"startDate\":\"$(day "$1")\",\"endDate\":\"$(day "$2")\",\"customerDetails\":\
{\"fullName\":\"Lock $i\",\"email\":\"lock$i-$SERVER@example.com\"}}" > "$out.$i" &
		pids+=($!)
		i=$((i + 1))
	done
	wait "${pids[@]}"
	cat "$out".* > "$out"
}
count() { awk -v c="$2" '$2 == c' "$OUT/$1" | wc -l; }
slowest() { sort -k3 -n "$OUT/$1" | tail -1 | awk '{print $3}'; }

run() {	# run LABEL OCTET FIRST
	local car ranges=() i
	car=$(newcar)
	for i in $(seq 0 49); do ranges+=("$(($3 + 3 * i)) $(($3 + 3 * i + 1))"); done
	blast "$1-disjoint" "$car" "$2" "${ranges[@]}"
	check "$1: 50 concurrent bookings of one car on disjoint dates are 50 x 201 ($(count "$1-disjoint" 409) x 409, slowest $(slowest "$1-disjoint") s)" \
		eq "$(count "$1-disjoint" 201)" 50
	check "$1: all 50 are in the database" eq \
		"$(psql_q "select count(*) from bookings where car_id='$car' and overall_status <> 'cancelled'")" 50
	car=$(newcar)
	ranges=()
	for i in $(seq 0 49); do ranges+=("$(($3 + 4 * (i % 10))) $(($3 + 4 * (i % 10) + 2))"); done
	blast "$1-overlap" "$car" "$(($2 + 1))" "${ranges[@]}"
	check "$1: 50 on 10 free ranges (5 each) give exactly one 201 per range ($(count "$1-overlap" 201))" \
		eq "$(count "$1-overlap" 201)" 10
	check "$1: and 40 x 409, the dates being taken" eq "$(count "$1-overlap" 409)" 40
	check "$1: one booking per range in the database, none overlapping" eq \
		"$(psql_q "select count(*), count(distinct start_date) from bookings where car_id='$car' and overall_status <> 'cancelled'")" "10|10"
}

run "Redis up" 1 400
check "no lock or queue is left behind" eq \
	"$(redis-cli -s "$VAR/run/redis.sock" --scan --pattern 'lock:v1:booking:*' | wc -l)" 0

# A holder that never releases (a process killed while holding it): the
# next booking waits its 2 s, then PostgreSQL decides.
car=$(newcar)
redis-cli -s "$VAR/run/redis.sock" set "lock:v1:booking:car:$car" someone-else px 10000 >/dev/null
t0=$(date +%s%N)
req POST /api/bookings -H 'Content-Type: application/json' -d "{\"carId\":\"$car\",\
\"startDate\":\"$(day 400)\",\"endDate\":\"$(day 401)\",\"customerDetails\":{\"fullName\":\"Late\",\"email\":\"late@example.com\"}}"
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
check "a car held by a lost lock is booked after the 2 s wait (201 in $ms ms)" \
	test "$STATUS" = 201 -a "$ms" -ge 1900
check "and leaves the queue" eq "$(redis-cli -s "$VAR/run/redis.sock" llen "lock:v1:booking:car:$car:queue")" 0
redis-cli -s "$VAR/run/redis.sock" del "lock:v1:booking:car:$car" >/dev/null

"$DEV" redis-stop
run "Redis down" 3 400
redis_start
