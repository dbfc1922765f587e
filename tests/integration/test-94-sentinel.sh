# test-94-sentinel: Redis through Sentinel on loopback -- a primary, a
# replica and three sentinels.  The API finds the master from the
# sentinels; the primary is killed during a load run of cached reads and
# booking writes: no read and no write fails (reads fail open), the
# sentinels promote the replica, and the API finds it again and caches
# there.
. "$(dirname "$0")/lib.sh"
only_on lighttpd

b=$(( ${BASE##*:} + 60 )); P1=$b; P2=$((b + 1))
mkdir -p "$OUT/r1" "$OUT/r2" "$OUT/www"
redis-server --port "$P1" --bind 127.0.0.1 --daemonize yes --dir "$OUT/r1" \
	--pidfile "$OUT/r1.pid" --logfile "$OUT/r1.log" --save '' --appendonly no
redis-server --port "$P2" --bind 127.0.0.1 --daemonize yes --dir "$OUT/r2" \
	--pidfile "$OUT/r2.pid" --logfile "$OUT/r2.log" --save '' --appendonly no \
	--replicaof 127.0.0.1 "$P1"
sentinels=""
for i in 1 2 3; do
	sp=$((b + 2 + i)); mkdir -p "$OUT/s$i"
	cat > "$OUT/s$i/sentinel.conf" <<CONF
port $sp
bind 127.0.0.1
daemonize yes
pidfile $OUT/s$i.pid
logfile $OUT/s$i.log
dir $OUT/s$i
sentinel monitor exodrive 127.0.0.1 $P1 2
sentinel down-after-milliseconds exodrive 1000
sentinel failover-timeout exodrive 6000
sentinel parallel-syncs exodrive 1
CONF
	redis-server "$OUT/s$i/sentinel.conf" --sentinel
	sentinels="$sentinels${sentinels:+,}127.0.0.1:$sp"
done
master_port() { redis-cli -p $((b + 3)) SENTINEL get-master-addr-by-name exodrive 2>/dev/null | tail -1; }
synced() { [ "$(redis-cli -p "$P2" INFO replication | tr -d '\r' | sed -n 's/^master_link_status://p')" = up ]; }
check "a primary, a replica in sync and three sentinels run" until_ok 100 synced
known() { [ "$(master_port)" = "$P1" ] && [ "$(redis-cli -p $((b + 3)) SENTINEL replicas exodrive | grep -c "$P2")" -ge 1 ]; }
check "the sentinels know the master and its replica" until_ok 100 known

# Our own responders, finding Redis through the sentinels, with tiers of
# their own (the load below is this pool's only traffic).
port=$((b + 7))
REDIS_SENTINELS=$sentinels REDIS_SENTINEL_MASTER=exodrive REDIS_URL=redis://sentinel-managed/0 \
	RATE_LIMIT_PUBLIC=1000000/60 RATE_LIMIT_BOOKING=100000/3600 private_pool "$port"
u="$I/api/cars?limit=2&page=$((RANDOM % 30 + 2))"
# X-Cache, with "-local" when the in-process stand-in answered (no Redis).
xc() { curl -s -o /dev/null -D - "$1" | tr -d '\r' | awk '/^X-Cache: / {c=$2} /^X-Cache-Store: local/ {l="-local"} END {print c l}'; }
hit() { xc "$u" >/dev/null; [ "$(xc "$u")" = HIT ]; }
check "the API caches in the master the sentinels name (HIT)" until_ok 50 hit
check "whose keys are on the primary" test "$(redis-cli -p "$P1" DBSIZE)" -gt 0

# Cars of our own for the writers, one per write: no other test books them.
# A booking lock taken on the primary just before it dies is on the
# promoted replica with its release lost, and keeps that car's bookings
# refused (409, retryable) for up to the lock's 30 s: the database decides
# what is booked, the lock only spares it contention.  Each write on a car
# of its own measures the failover, not that lock.
adm=$(curl -s -XPOST "$BASE/api/auth/login" -H 'Content-Type: application/json' \
	-d '{"email":"admin@exodrive.com","password":"exodrive-dev-password"}' | jq -r .accessToken)
new_car() {
	curl -s -XPOST "$BASE/api/admin/cars" -H "Authorization: Bearer $adm" -H 'Content-Type: application/json' \
		-d "$(jq -nc --arg n "Sentinel Car $RANDOM$RANDOM" '{name:$n, category:"Exotic",
		pricing:{base_price:300, deposit_amount:500, minimum_days:1},
		images:[{url:"https://img.example/st.webp", is_primary:true, sort_order:0}]}')" | jq -r .carId
}
cars=(); for k in $(seq 0 24); do cars+=("$(new_car)"); done
check "the writers' 25 cars are made" eq "$(printf '%s\n' "${cars[@]}" | grep -c '^[0-9a-f-]\{36\}$')" 25
day() { date -u -d "+$1 days" +%F; }
# writer: a booking every 0.2 s for 8 s, each on a car of its own; "STATUS
# START-TIME" a line in $OUT/writes.
writer() {
	local k=0 end=$((SECONDS + 8))
	while [ "$SECONDS" -lt "$end" ] && [ "$k" -lt 25 ]; do
		printf '%s ' "$(date +%s.%N)" >> "$OUT/writes.t"
		curl -s -o /dev/null -w '%{http_code}\n' --max-time 10 -XPOST "$I/api/bookings" \
			-H 'Content-Type: application/json' -d "{\"carId\":\"${cars[$k]}\",\"startDate\":\"$(day 60)\",\"endDate\":\"$(day 61)\",\"customerDetails\":{\"fullName\":\"Sentinel Writer\",\"email\":\"sentinel-$RANDOM@example.com\"}}" >> "$OUT/writes"
		k=$((k + 1)); sleep 0.2
	done
}
: > "$OUT/writes"; : > "$OUT/writes.t"
wrk -t2 -c10 -d8s --timeout 5s "$u" > "$OUT/wrk" 2>&1 &
w=$!
writer & wr=$!
sleep 1.5
kill -9 "$(cat "$OUT/r1.pid")"; killed=$(date +%s.%N)
wait "$w" "$wr"
n2=$(awk '/Non-2xx/ {print $NF}' "$OUT/wrk"); n2=${n2:-0}
se=$(awk '/Socket errors/ {gsub(",",""); print $4+$6+$8+$10}' "$OUT/wrk"); se=${se:-0}
check "the primary killed -9 mid-load: $(awk '/requests in/ {print $1}' "$OUT/wrk") cached reads, none failed" eq "$n2 $se" "0 0"
nw=$(wc -l < "$OUT/writes"); ok201=$(grep -c '^201$' "$OUT/writes")
after=$(tr ' ' '\n' < "$OUT/writes.t" | awk -v k="$killed" '$1 > k' | wc -l)
check "and $nw bookings written meanwhile, $after after the kill (at least 3), every one 201 ($(sort "$OUT/writes" | uniq -c | tr -s ' \n' ' '))" \
	test "$after" -ge 3 -a "$ok201" -eq "$nw"
booked() { psql -h "$VAR/pg/sock" -U exodrive -d exodrive -XAtc "select count(*) from bookings where car_id in ($(printf "'%s'," "${cars[@]}" | sed 's/,$//'))" 2>/dev/null; }
check "all of them in PostgreSQL ($(booked))" eq "$(booked)" "$ok201"
promoted() { [ "$(master_port)" = "$P2" ]; }
check "the sentinels promote the replica" until_ok 150 promoted
u2="$I/api/cars?limit=3&page=$((RANDOM % 30 + 2))"
hit2() { xc "$u2" >/dev/null; [ "$(xc "$u2")" = HIT ]; }
check "the API finds the new master and caches there again" until_ok 100 hit2
check "whose keys are on the new master" test "$(redis-cli -p "$P2" DBSIZE)" -gt 0
check "the log names the master it found" grep -q "master exodrive is at 127.0.0.1:$P2" "$OUT/exodrive.log"

private_pool_stop
for f in r2 s1 s2 s3; do kill "$(cat "$OUT/$f.pid")" 2>/dev/null; done
sleep 0.5
