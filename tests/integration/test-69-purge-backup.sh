# test-69-purge-backup: `exodrive cache purge [--family F]` drops cached
# answers through the namespace versions (SCAN and INCR, as the Redis ACL
# user that may not FLUSHDB; nothing is deleted): a HIT, then a MISS with
# what PostgreSQL holds now.  Backup and restore as docs/RUNBOOK.md says
# (pg_dump, pg_restore into a scratch database): a pool of our own on the
# restored database serves the same bookings as the live one.  A queue
# lost in Redis is replayed from the outbox by the runbook's statement.
# timeout: 300
. "$(dirname "$0")/lib.sh"

check "this script's own address $CLIENT_IP gets an override (x1000)" own_allowance 1000 600
pgq() { psql -h "$VAR/pg/sock" -U postgres -d exodrive -XAtqc "$1"; }
P() { "$BIN" --config "$VAR/exodrive.env" cache purge "$@"; }
xc() { req GET "$1"; hdr X-Cache; }

# --- usage --------------------------------------------------------------
P --help > "$OUT/help"; rc=$?
check "cache purge --help prints its usage (exit 0)" eq "$rc:$(head -1 "$OUT/help")" \
	"0:usage: exodrive [--config FILE] cache purge [--family F] [--help]"
P --bogus 2>/dev/null; rc=$?
check "an unknown option exits 2" eq "$rc" 2
P --family nope 2>/dev/null; rc=$?
check "an unknown family exits 2" eq "$rc" 2
P extra 2>/dev/null; rc=$?
check "a stray argument exits 2" eq "$rc" 2

# --- purge ----------------------------------------------------------------
# A car of the seed whose short description this script changes behind
# the API's back (as a restore or a hand-made fix would): the cache does
# not know, until it is purged.  Put back at the end.
car=$(curl -s "${XFF[@]}" "$BASE/api/cars/slug/bentley-bentayga" | jq -r .car.id)
was=$(pgq "select short_description from cars where id = '$car'")
put_back() { pgq "update cars set short_description = \$\$$was\$\$ where id = '$car'" > /dev/null; P --family car > /dev/null; }
trap 'put_back; lib_keep_sanitizer_reports; rm -rf "$OUT"' EXIT
P --family car > /dev/null	# what an earlier run may have left cached
q="/api/cars?limit=4&page=$((RANDOM % 500 + 100))&sortBy=price"
av="/api/cars/availability?carId=$car&startDate=$(date -u -d "+$((400 + RANDOM % 200)) days" +%F)&endDate=$(date -u -d '+620 days' +%F)"
xc "/api/cars/$car" > /dev/null; xc "$q" > /dev/null; xc "$av" > /dev/null
check "car details: cached (HIT)" eq "$(xc "/api/cars/$car")" HIT
check "the fleet list: cached (HIT)" eq "$(xc "$q")" HIT
check "the car's availability: cached (HIT)" eq "$(xc "$av")" HIT
new="purged-$SERVER-$$-$RANDOM"
pgq "update cars set short_description = '$new' where id = '$car'" > /dev/null
req GET "/api/cars/$car"
check "a change made in PostgreSQL alone: the cache still answers the old one" \
	eq "$(hdr X-Cache) $(js .car.short_description)" "HIT $was"

# The purge runs as the documented ACL user (no FLUSHDB, FLUSHALL, KEYS).
rc() { redis-cli -s "$VAR/run/redis.sock" "$@"; }
pw="purge-$RANDOM$RANDOM"; user=exodrive-purge-$SERVER
rules=$(sed -n 's/^user exodrive-app \(.*\)$/\1/p' "$(dirname "$0")/../../httpd/redis-acl.conf" | sed "s/>PASSWORD/>$pw/")
# shellcheck disable=SC2086
rc ACL SETUSER "$user" reset $rules > /dev/null
url="unix://$VAR/run/redis.sock?user=$user&password=$pw"
check "the ACL user may not FLUSHDB" bash -c "redis-cli -s '$VAR/run/redis.sock' --user '$user' --pass '$pw' --no-auth-warning FLUSHDB 2>&1 | grep -q NOPERM"
keys=$(rc DBSIZE)
REDIS_URL=$url P --family car > "$OUT/purge"; rc=$?
check "cache purge --family car as the ACL user exits 0" eq "$rc" 0
bumped() { jq -e '(.car > 0) and (keys == ["car"])' "$OUT/purge" > /dev/null; }
check "and says how many car versions it bumped: $(cat "$OUT/purge")" bumped
req GET "/api/cars/$car"
check "the car's details are a MISS, read fresh from PostgreSQL" eq "$(hdr X-Cache) $(js .car.short_description)" "MISS $new"
check "then cached again (HIT)" eq "$(xc "/api/cars/$car")" HIT
check "the other families are kept: the fleet list is still a HIT" eq "$(xc "$q")" HIT
check "and the availability" eq "$(xc "$av")" HIT
REDIS_URL=$url P > "$OUT/purge"; rc=$?
check "cache purge (every family) exits 0: $(cat "$OUT/purge")" eq "$rc:$(jq -c 'keys' "$OUT/purge")" '0:["avail","car","fleet","reviews"]'
check "the fleet list is a MISS" eq "$(xc "$q")" MISS
check "the availability too" eq "$(xc "$av")" MISS
check "and the car's details" eq "$(xc "/api/cars/$car")" MISS
check "nothing was deleted (keys: $keys before, $(rc DBSIZE) after)" test "$(rc DBSIZE)" -ge $((keys - 50))
rc ACL DELUSER "$user" > /dev/null
REDIS_URL="unix://$VAR/run/redis.sock?user=$user&password=$pw" P > /dev/null 2>&1; rc=$?
check "Redis refusing the purge exits 1" eq "$rc" 1

# --- backup and restore (docs/RUNBOOK.md) -----------------------------------
only_on lighttpd
day() { date -u -d "+$1 days" +%F; }
email="restore-$$-$RANDOM@example.com"
body=$(curl -s -XPOST "${XFF[@]}" "$BASE/api/auth/register" -H 'Content-Type: application/json' \
	-d "{\"email\":\"$email\",\"password\":\"restore-passw0rd-69\",\"firstName\":\"Restore\"}")
tok=$(jq -r .accessToken <<<"$body")
made=0
for try in 1 2 3 4 5 6; do
	s=$((300 + RANDOM % 300))
	req POST /api/bookings -H 'Content-Type: application/json' -H "Authorization: Bearer $tok" \
		-d "{\"carId\":\"$car\",\"startDate\":\"$(day $s)\",\"endDate\":\"$(day $((s + 2)))\"}"
	[ "$STATUS" = 201 ] && made=$((made + 1))
	[ "$made" = 2 ] && break
done
check "two bookings of our own customer (201)" eq "$made" 2
# Their confirmation emails are recorded on the bookings (the worker, a
# moment later): dump once both are, so the live rows do not move after.
recorded() { [ "$(pgq "select count(*) from email_events e join bookings b on b.id = e.booking_id
	join customers c on c.id = b.customer_id where c.email = '$email'
	and e.email_type = 'booking_confirmation' and e.status = 'sent'")" = 2 ]; }
check "both confirmations are sent and recorded before the dump" until_s 60 recorded

DB=exodrive_restore_$$
DUMP=$OUT/exodrive.dump
OWNER="postgresql:///exodrive?host=$VAR/pg/sock&user=exodrive"
trap 'private_pool_stop; pgq "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1
	put_back; lib_keep_sanitizer_reports; rm -rf "$OUT"' EXIT
# The commands of docs/RUNBOOK.md, "Backup" and "Restore".
pg_dump --format=custom --file="$DUMP" "$OWNER"; rc=$?
check "pg_dump --format=custom as the schema owner (exit 0, $(stat -c %s "$DUMP") bytes)" eq "$rc" 0
check "the runbook gives that pg_dump command" grep -q 'pg_dump --format=custom --file=' "$(dirname "$0")/../../docs/RUNBOOK.md"
pgq "CREATE DATABASE $DB OWNER exodrive"
RESTORED="postgresql:///$DB?host=$VAR/pg/sock&user=exodrive"
pg_restore --exit-on-error --no-owner --role=exodrive --dbname="$RESTORED" "$DUMP"; rc=$?
check "pg_restore into a scratch database (exit 0)" eq "$rc" 0
check "the runbook gives that pg_restore command" grep -q 'pg_restore --exit-on-error --no-owner --role=exodrive --dbname=' "$(dirname "$0")/../../docs/RUNBOOK.md"
APP="postgresql:///$DB?host=$VAR/pg/sock&user=exodrive_app"
DATABASE_URL=$APP MIGRATE_DATABASE_URL=$RESTORED "$BIN" --config "$VAR/exodrive.env" migrate --status > "$OUT/status" 2>&1
nmig=$(ls "$(dirname "$0")"/../../sql/migrations/*.sql | wc -l)
check "the restored schema has every migration applied ($nmig)" eq "$(grep -cE '^[0-9]{4}_.* [0-9]{4}-[0-9]{2}-[0-9]{2} ' "$OUT/status")" "$nmig"
# A pool of our own on the restored database, uncached (the shared cache
# holds the live database's answers), as the API's own role.
DATABASE_URL=$APP DATABASE_READ_URL= REDIS_CACHE_ENABLED=false private_pool $(( ${BASE##*:} + 69 ))
until_ok 50 curl -sf -o /dev/null "$I/api/health"
mine() { curl -s "${XFF[@]}" -H "Authorization: Bearer $tok" "$1/api/bookings" | jq -S .; }
mine "$BASE" > "$OUT/live"; mine "$I" > "$OUT/restored"
check "our customer's bookings on the restored database ($(jq '.bookings | length' "$OUT/restored" 2>/dev/null)) are the live ones" \
	cmp -s "$OUT/live" "$OUT/restored"
check "the answer holds both bookings" test "$(jq '.bookings | length' "$OUT/restored")" -ge 2
total() { curl -s "${XFF[@]}" -H "Authorization: Bearer $OWN_ADMIN" "$1/api/admin/bookings?limit=1" | jq -r .pagination.total; }
check "the admin's booking count is the same on both ($(total "$I"))" eq "$(total "$I")" "$(total "$BASE")"
one() { curl -s "${XFF[@]}" -H "Authorization: Bearer $OWN_ADMIN" "$1/api/admin/bookings?search=$email" | jq -S '.bookings'; }
check "and the admin's search of our customer answers the same" eq "$(one "$I")" "$(one "$BASE")"
check "the restored database is another one (its bookings are not the live database's rows)" \
	test "$(psql "$APP" -XAtc 'select current_database()')" = "$DB"

# --- Redis loses a queue: the outbox replays (docs/RUNBOOK.md) ---------------
# A contact message's emails are relayed to the paused email queue, then
# lost as a flush would lose them (the jobs and their idempotency keys
# gone); nothing is sent.  The runbook's statement hands the outbox rows
# to the relay again, and the SMTP sink receives the acknowledgement once.
A=(-H "Authorization: Bearer $OWN_ADMIN")
sent_to() { grep -l "^X-Rcpt-Args: <$1>" "$VAR/mail"/* 2>/dev/null | wc -l; }
who="replay-$$-$RANDOM@example.com"
resume() { curl -s -o /dev/null -XPOST "${XFF[@]}" "${A[@]}" -d '' "$BASE/api/admin/queues/email/resume"; }
trap 'resume; private_pool_stop; pgq "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1
	put_back; lib_keep_sanitizer_reports; rm -rf "$OUT"' EXIT
curl -s -o /dev/null -XPOST "${XFF[@]}" "${A[@]}" -d '' "$BASE/api/admin/queues/email/pause"
t0=$(psql -h "$VAR/pg/sock" -U exodrive -d exodrive -XAtc 'select now()')
req POST /api/email/contact -H 'Content-Type: application/json' \
	-d "{\"name\":\"Replay Tester\",\"email\":\"$who\",\"message\":\"the outbox replays\"}"
check "a contact message (202)" eq "$STATUS" 202
relayed() { [ "$(pgq "select count(*) from outbox where payload::text like '%$who%' and relayed_at is not null")" = 2 ]; }
check "its two emails are relayed from the outbox to the paused queue" until_ok 100 relayed
ids=$(curl -s "${XFF[@]}" "${A[@]}" "$BASE/api/admin/queues/email/jobs?state=ready&limit=100" |
	jq -r '.jobs[] | select(.name | startswith("contact_")) | .id')
for j in $ids; do curl -s -o /dev/null -XDELETE "${XFF[@]}" "${A[@]}" "$BASE/api/admin/queues/email/jobs/$j"; done
for k in $(pgq "select dedupe_key from outbox where payload::text like '%$who%'"); do
	redis-cli -s "$VAR/run/redis.sock" DEL "jq:{email}:idem:$k" > /dev/null
done
resume
sleep 2
check "the queue lost them: nothing was sent" eq "$(sent_to "$who")" 0
sql=$(python3 - "$(dirname "$0")/../../docs/RUNBOOK.md" <<'PY'
import re, sys
doc = open(sys.argv[1]).read()
m = re.search(r'psql -U exodrive -d exodrive -c "(UPDATE outbox o SET relayed_at = NULL.*?)"\n', doc, re.S)
print(m.group(1) if m else "")
PY
)
check "the runbook's replay statement for emails is found" test -n "$sql"
n=$(psql -h "$VAR/pg/sock" -U exodrive -d exodrive -XAtc "${sql//2026-01-01 10:00+00/$t0}")
check "run as written, from the time before the message: $n" test -n "$n"
arrived() { [ "$(sent_to "$who")" -ge 1 ]; }
check "the worker relays them again and the acknowledgement reaches the SMTP sink" until_ok 100 arrived
sleep 1
check "once" eq "$(sent_to "$who")" 1
