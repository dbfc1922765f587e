# test-93-replica: a PostgreSQL streaming replica (pg_basebackup) serves
# the catalogue reads (DATABASE_READ_URL) while writes stay on the
# primary; when the replica stops, the primary reads.  libpq's multi-host
# failover with target_session_attrs=read-write finds the primary behind
# a dead host and behind the read-only replica.
. "$(dirname "$0")/lib.sh"
only_on lighttpd

PGBIN=/usr/lib/postgresql/15/bin
as_pg() { runuser -u postgres -- "$@"; }
R=$OUT/replica; S=$OUT/rsock
mkdir -p "$R" "$S"; chown postgres: "$R" "$S"; chmod 700 "$R"; chmod 755 "$OUT" "$S"
as_pg "$PGBIN/pg_basebackup" -h "$VAR/pg/sock" -U postgres -D "$R" -R -X stream >"$OUT/basebackup.log" 2>&1
check "pg_basebackup copies the primary (a standby)" test -f "$R/standby.signal"
as_pg "$PGBIN/pg_ctl" -D "$R" -l "$S/replica.log" -w -t 30 \
	-o "-k $S -c listen_addresses='' -c hot_standby=on" start >/dev/null 2>&1
[ -f "$R/postmaster.pid" ] || tail -5 "$S/replica.log" | sed 's/^/#   /'
standby() { [ "$(psql -h "$S" -U postgres -d exodrive -XAtc 'select pg_is_in_recovery()' 2>/dev/null)" = t ]; }
check "the replica runs in recovery (read-only)" until_ok 100 standby

# A responder pool of our own reading from the replica, uncached.
port=$(( ${BASE##*:} + 53 ))
DATABASE_READ_URL="postgresql:///exodrive?host=$S&user=exodrive_app" REDIS_CACHE_ENABLED=false private_pool "$port"
health() { [ "$(curl -s -o /dev/null -w '%{http_code}' "$I/api/health")" = 200 ]; }
until_ok 50 health
on_replica() { psql -h "$S" -U postgres -d exodrive -XAtc "select count(*) from pg_stat_activity where application_name = 'exodrive' and usename = 'exodrive_app'"; }
codes=""
for i in 1 2 3 4 5 6; do codes="$codes $(curl -s -o /dev/null -w '%{http_code}' "$I/api/cars?limit=3&page=$i")"; done
check "catalogue reads answer 200 ($codes)" eq "$codes" " 200 200 200 200 200 200"
check "from the replica (its sessions: $(on_replica))" test "$(on_replica)" -ge 1
# A car of our own: no other test books it.
adm=$(curl -s -XPOST "$BASE/api/auth/login" -H 'Content-Type: application/json' \
	-d '{"email":"admin@exodrive.com","password":"exodrive-dev-password"}' | jq -r .accessToken)
car=$(curl -s -XPOST "$BASE/api/admin/cars" -H "Authorization: Bearer $adm" -H 'Content-Type: application/json' \
	-d "$(jq -nc --arg n "Replica Car $RANDOM$RANDOM" '{name:$n, category:"Exotic",
	pricing:{base_price:300, deposit_amount:500, minimum_days:1},
	images:[{url:"https://img.example/rp.webp", is_primary:true, sort_order:0}]}')" | jq -r .carId)
d0=40
day() { date -u -d "+$1 days" +%F; }
st=$(curl -s -o "$OUT/b" -w '%{http_code}' -XPOST "$I/api/bookings" -H 'Content-Type: application/json' \
	-d "{\"carId\":\"$car\",\"startDate\":\"$(day $d0)\",\"endDate\":\"$(day $((d0 + 4)))\",\"customerDetails\":{\"fullName\":\"Replica Reader\",\"email\":\"replica-$RANDOM@example.com\"}}")
check "a booking (a write) goes to the primary: 201" eq "$st" 201
[ "$st" = 201 ] || sed 's/^/#   /' "$OUT/b"
seen() { [ "$(psql -h "$S" -U postgres -d exodrive -XAtc "select count(*) from bookings where id = '$(jq -r .bookingId "$OUT/b")'")" = 1 ]; }
check "and streams to the replica" until_ok 50 seen

# Writes find the primary whatever the host list says.
url="postgresql:///exodrive?host=/nonexistent,$S,$VAR/pg/sock&user=exodrive_app&target_session_attrs=read-write"
out=$(DATABASE_URL=$url "$BIN" --config "$VAR/exodrive.env" expire-holds 2>/dev/null | tail -1)
check "multi-host DATABASE_URL skips a dead host and the read-only replica to write ($out)" bash -c "echo '$out' | grep -q 'holds expired'"

as_pg "$PGBIN/pg_ctl" -D "$R" -m fast -w stop >/dev/null 2>&1
codes=""
for i in 1 2 3 4; do codes="$codes $(curl -s -o /dev/null -w '%{http_code}' "$I/api/cars?limit=2&page=$i")"; done
check "with the replica stopped the primary reads ($codes)" eq "$codes" " 200 200 200 200"
private_pool_stop
sleep 0.5
