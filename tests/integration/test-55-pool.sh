# test-55-pool: --max-requests recycles responders; a crash loop backs off.
. "$(dirname "$0")/lib.sh"
only_on lighttpd

"$DEV" fcgi-stop
DEV_WORKERS=2 DEV_MAX_REQUESTS=5 "$DEV" fcgi-start
tag=itest-recycle-$RANDOM
fails=0
for i in $(seq 1 40); do
	curl -sf -o /dev/null -H "X-Trace-Id: $tag-$i" "$BASE/api/health" || fails=$((fails + 1))
done
check "40 requests through recycling responders all succeed" eq "$fails" 0
flushed() { [ "$(grep -c "\"traceId\":\"$tag-" "$VAR/log/exodrive.log")" -eq 40 ]; }
until_ok 30 flushed
most=$(grep "\"traceId\":\"$tag-" "$VAR/log/exodrive.log" | grep -o '"pid":[0-9]*' | sort | uniq -c | sort -rn | awk 'NR == 1 {print $1}')
pids=$(grep "\"traceId\":\"$tag-" "$VAR/log/exodrive.log" | grep -o '"pid":[0-9]*' | sort -u | wc -l)
check "no responder served more than 5 requests (max $most)" test "${most:-99}" -le 5
check "at least 8 responders took turns ($pids)" test "$pids" -ge 8
check "the pool is back to 2" until_ok 30 pool_is 2

# Kill every responder as soon as it appears, for 3 seconds.
seen=$OUT/seen
: > "$seen"
end=$(( $(date +%s) + 3 ))
while [ "$(date +%s)" -lt "$end" ]; do
	for p in $(responders); do echo "$p" >> "$seen"; kill -9 "$p" 2>/dev/null; done
	sleep 0.05
done
spawned=$(sort -u "$seen" | wc -l)
check "respawning backs off in a crash loop ($spawned spawns in 3 s)" test "$spawned" -le 20
check "the master says so in its log" grep -q 'die in a loop' "$VAR/log/exodrive.log"
check "the master survives" kill -0 "$(master_pid)"
check "the pool recovers once the crashes stop" until_ok 150 pool_is 2
check "and serves again" until_ok 50 curl -sf -o /dev/null "$BASE/api/health"

"$DEV" fcgi-stop
"$DEV" fcgi-start
