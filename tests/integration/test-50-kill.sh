# test-50-kill: kill -9 of a responder under load; the master respawns it.
. "$(dirname "$0")/lib.sh"
only_on lighttpd

n=$(responders | wc -l)
victim=$(responders | head -1)
( sleep 1.5; kill -9 "$victim" ) &
wrk_run 5 50 /api/health
wait
check "requests were served ($WRK_RPS req/s)" test -n "$WRK_RPS"
check "at most the killed request failed (non-2xx $WRK_NON2XX, errors $WRK_ERRORS)" \
	test $((WRK_NON2XX + WRK_ERRORS)) -le 1
check "the killed responder is gone" bash -c "! kill -0 $victim 2>/dev/null"
check "the master respawned it" until_ok 30 pool_is "$n"
