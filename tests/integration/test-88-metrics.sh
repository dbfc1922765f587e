# test-88-metrics: /metrics and /pool-status add up every process of the
# pool (our master's responders, or mod_fcgid's), the workers included;
# a request in progress shows in the scoreboard; both are for admins and
# METRICS_ALLOW addresses only.
. "$(dirname "$0")/lib.sh"

login() { curl -s -XPOST "$BASE/api/auth/login" -H 'Content-Type: application/json' \
	-d "{\"email\":\"$1\",\"password\":\"exodrive-dev-password\"}" | jq -r .accessToken; }
adm=$(login admin@exodrive.com); john=$(login john.doe@example.com)
value() { FROM=loopback curl -s "$BASE/metrics" | grep -F "$1 " | awk '{print $NF}' | head -1; }
key='exodrive_http_requests_total{route="car.bySlug",method="GET",code="2xx"}'

before=$(value "$key"); before=${before:-0}
for i in $(seq 1 40); do curl -s -o /dev/null "$BASE/api/cars/slug/bentley-bentayga"; done
after=$(value "$key")
check "40 requests spread over the pool count 40 ($before -> $after)" eq "$((after - before))" 40
FROM=loopback req GET /metrics
check "Prometheus text format" eq "$STATUS $(hdr Content-Type)" "200 text/plain; version=0.0.4; charset=utf-8"
check "with a latency histogram per route" grep -q '^exodrive_http_request_duration_seconds_bucket{route="car.bySlug",le="+Inf"} ' "$OUT/body"
check "cache outcomes by family" grep -q '^exodrive_cache_total{family="car",outcome="HIT"} [1-9]' "$OUT/body"
check "PostgreSQL and Redis round trips" bash -c "grep -q '^exodrive_db_calls_total [1-9]' '$OUT/body' && grep -q '^exodrive_redis_calls_total [1-9]' '$OUT/body'"
check "rate-limit decisions by tier" grep -q '^exodrive_rate_limit_total{tier="public",decision="allowed"} ' "$OUT/body"
check "queue depths" grep -q '^exodrive_queue_jobs{queue="email",state="ready"} ' "$OUT/body"

FROM=loopback req GET /pool-status
check "the scoreboard answers" eq "$STATUS" 200
n=$(js '[.processes[] | select(.role == "responder")] | length')
if [ "$SERVER" = lighttpd ]; then
	kids=$(pgrep -P "$(master_pid)" | sort -n | tr '\n' ' ')
	listed=0
	for k in $kids; do js '.processes[] | select(.role == "responder") | .pid' | grep -qx "$k" && listed=$((listed + 1)); done
	check "it lists each of the master's responders ($kids)" eq "$listed" "$(echo $kids | wc -w)"
	check "and the workers" test "$(js '[.processes[] | select(.role == "worker")] | length')" -ge 1
else
	check "it lists mod_fcgid's processes ($n)" test "$n" -ge 1
	alive=0; for p in $(js '.processes[] | select(.role == "responder") | .pid'); do kill -0 "$p" 2>/dev/null && alive=$((alive + 1)); done
	check "each of them alive" eq "$alive" "$n"
fi
check "with their requests served" test "$(js '[.processes[].requests] | add')" -ge 40
FROM=loopback req GET '/pool-status?format=text'
check "and as php-fpm prints it (?format=text)" bash -c "grep -q '^pool: *exodrive' '$OUT/body' && grep -q '^processes: *[1-9]' '$OUT/body' && grep -q '^pid: *[0-9]' '$OUT/body'"

# A request held by a table lock shows as busy, with its path and age.  The
# lock is held until the busy request was seen (or 20 s passed), whatever
# the machine's speed; then its session is ended.
pq() { psql -h "$VAR/pg/sock" -U exodrive -d exodrive -XAtq "$@"; }
PGAPPNAME=test88-lock pq -c "begin; lock table cars in access exclusive mode; select pg_sleep(60); commit;" >/dev/null 2>&1 &
locker=$!
for i in $(seq 100); do
	[ "$(pq -c "select count(*) from pg_locks l join pg_class c on c.oid = l.relation
		where c.relname = 'cars' and l.mode = 'AccessExclusiveLock' and l.granted")" = 1 ] && break
	sleep 0.1
done
curl -s -o /dev/null --max-time 30 "$BASE/api/admin/cars?limit=1" -H "Authorization: Bearer $adm" &
slow=$!
seen=0 age=0
for i in $(seq 100); do
	FROM=loopback req GET /pool-status
	n=$(js '[.processes[] | select(.state == "busy" and .request.path == "/api/admin/cars")] | length')
	[ "$n" -ge 1 ] 2>/dev/null && seen=$n
	a=$(js '[.processes[] | select(.request.path == "/api/admin/cars") | .request.ageMs] | max // 0')
	[ "$a" -gt "$age" ] 2>/dev/null && age=$a
	[ "$seen" -ge 1 ] && [ "$age" -ge 1000 ] && break
	sleep 0.2
done
pq -c "select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'test88-lock'" >/dev/null
check "a process is busy with /api/admin/cars" eq "$seen" 1
check "for over a second" test "$age" -ge 1000
wait "$locker" "$slow"

ip=$(other_ip)
req GET /metrics -H "X-Forwarded-For: $ip"
check "from elsewhere without a token: 401" eq "$STATUS" 401
req GET /pool-status -H "X-Forwarded-For: $ip" -H "Authorization: Bearer $john"
check "with a customer's token: 403" eq "$STATUS" 403
req GET /metrics -H "X-Forwarded-For: $ip" -H "Authorization: Bearer $adm"
check "with an admin's token: 200" eq "$STATUS" 200

if [ "$SERVER" = lighttpd ]; then
	jobs_done() { value 'exodrive_jobs_total{queue="email",outcome="completed"}'; }
	j0=$(jobs_done)
	curl -s -o /dev/null -XPOST "$BASE/api/email/contact" -H 'Content-Type: application/json' \
		-d '{"name":"Metrics","email":"metrics@example.com","message":"count me"}'
	two_more() { [ "$(jobs_done)" -ge $((j0 + 2)) ]; }
	check "the workers count their jobs (2 contact emails)" until_ok 100 two_more
fi
