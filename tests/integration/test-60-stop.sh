# test-60-stop: SIGTERM lets the in-flight request finish, then the master exits.
. "$(dirname "$0")/lib.sh"
only_on lighttpd

env=$VAR/exodrive.env
cp "$env" "$OUT/env.saved"
echo "REDIS_COMMAND_TIMEOUT=2000" >> "$env"
gen_before=$(responders | tr '\n' ' ')
"$DEV" fcgi-reload
until_ok 50 bash -c "[ \"\$(pgrep -P $(master_pid) | sort | tr '\n' ' ')\" != '$gen_before' ]"
sleep 1
redis_pid=$(cat "$VAR/run/redis.pid")
kill -STOP "$redis_pid"
start=$(date +%s.%N)
curl -s -o "$OUT/slow" -w '%{http_code}' --max-time 30 "$BASE/api/health/ready" > "$OUT/slow.status" &
curl_pid=$!
sleep 0.5
master=$(master_pid)
kill -TERM "$master"
wait "$curl_pid"
took=$(echo "$(date +%s.%N) - $start" | bc)
kill -CONT "$redis_pid"
check "in-flight request finished with 200 during stop" eq "$(cat "$OUT/slow.status")" 200
check "it waited for the slow Redis (${took}s)" test "$(echo "$took > 1.5" | bc)" -eq 1
check "it reports Redis degraded" eq "$(jq -r .status "$OUT/slow")" degraded
check "master exits after its responders" until_ok 100 bash -c "! kill -0 $master 2>/dev/null"
check "no responder outlives the master" test -z "$(pgrep -f "exodrive --config $VAR/exodrive.env fcgi" || true)"
check "the socket is removed" test ! -e "$VAR/run/fcgi.sock"
cp "$OUT/env.saved" "$env"
"$DEV" fcgi-start
check "the stack serves again after restart" until_ok 50 curl -sf -o /dev/null "$BASE/api/health"
