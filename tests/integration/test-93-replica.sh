# test-93-replica: a PostgreSQL streaming replica (pg_basebackup) serves
# the catalogue reads (DATABASE_READ_URL) while writes stay on the
# primary -- a car written while the replica's replay is paused is missing
# from every read, so each came from the replica; when the replica stops,
# the primary reads.  libpq's multi-host
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

# A responder pool of our own reading from the replica, uncached (its own
# public tier, so that its reads never meet the shared one).
port=$(( ${BASE##*:} + 53 ))
DATABASE_READ_URL="postgresql:///exodrive?host=$S&user=exodrive_app" REDIS_CACHE_ENABLED=false \
	RATE_LIMIT_PUBLIC=100000/60 private_pool "$port"
health() { [ "$(curl -s -o /dev/null -w '%{http_code}' "$I/api/health")" = 200 ]; }
until_ok 50 health
on_replica() { psql -h "$S" -U postgres -d exodrive -XAtc "select count(*) from pg_stat_activity where application_name = 'exodrive' and usename = 'exodrive_app'"; }
replica_sql() { psql -h "$S" -U postgres -d exodrive -XAtc "$1" 2>/dev/null; }

# Which database answered: with the replica's replay paused, a car written
# on the primary is on the primary only.
replica_sql 'select pg_wal_replay_pause()' >/dev/null
# "pause requested" becomes "paused" only when the next WAL record arrives;
# either way no record is applied until replay resumes.
paused() { case $(replica_sql 'select pg_get_wal_replay_pause_state()') in paused|'pause requested') ;; *) false ;; esac; }
check "the replica's replay is paused" until_ok 50 paused
adm=$(curl -s -XPOST "$BASE/api/auth/login" -H 'Content-Type: application/json' \
	-d '{"email":"admin@exodrive.com","password":"exodrive-dev-password"}' | jq -r .accessToken)
name="Replica Car $RANDOM$RANDOM"
car=$(curl -s -XPOST "$BASE/api/admin/cars" -H "Authorization: Bearer $adm" -H 'Content-Type: application/json' \
	-d "$(jq -nc --arg n "$name" '{name:$n, category:"Exotic",
	pricing:{base_price:300, deposit_amount:500, minimum_days:1},
	images:[{url:"https://img.example/rp.webp", is_primary:true, sort_order:0}]}')" | jq -r .carId)
q="/api/cars?limit=3&search=$(jq -rn --arg n "$name" '$n | @uri')"
# found URL: "STATUS:TOTAL" of a search for the new car.
found() { curl -s -o "$OUT/l" -w '%{http_code}' "$1" > "$OUT/c"; echo "$(cat "$OUT/c"):$(jq -r .pagination.total "$OUT/l" 2>/dev/null)"; }
check "the primary lists the new car (200, 1 found)" eq "$(found "$BASE$q")" "200:1"
codes=""
for i in 1 2 3 4 5 6; do codes="$codes $(found "$I$q")"; done
check "6 of 6 catalogue reads answer 200 without it: all from the replica ($codes)" \
	eq "$codes" " 200:0 200:0 200:0 200:0 200:0 200:0"
check "the pool's sessions are on the replica ($(on_replica))" test "$(on_replica)" -ge 1
replica_sql 'select pg_wal_replay_resume()' >/dev/null
caught_up() { [ "$(found "$I$q")" = "200:1" ] || { sleep 0.2; return 1; }; }
check "replay resumed, the replica lists it too" until_ok 50 caught_up
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
for i in 1 2 3 4; do codes="$codes $(found "$I$q")"; done
check "with the replica stopped, 4 of 4 reads answer 200 from the primary ($codes)" \
	eq "$codes" " 200:1 200:1 200:1 200:1"
private_pool_stop
sleep 0.5
