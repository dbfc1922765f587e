# test-40-reload: SIGHUP under load replaces every responder, no request fails.
. "$(dirname "$0")/lib.sh"
only_on lighttpd

before=$(responders | tr '\n' ' ')
( sleep 1.5; "$DEV" fcgi-reload; sleep 2; "$DEV" fcgi-reload ) &
wrk_run 6 50 /api/health
wait
after=$(responders | tr '\n' ' ')
check "requests were served during reload ($WRK_RPS req/s)" test -n "$WRK_RPS"
check "no non-2xx responses during reload" eq "$WRK_NON2XX" 0
check "no socket errors during reload" eq "$WRK_ERRORS" 0
common=$(comm -12 <(tr ' ' '\n' <<<"$before" | sort) <(tr ' ' '\n' <<<"$after" | sort) | grep -c . || true)
check "every responder was replaced" eq "$common" 0
check "master keeps running after reload" kill -0 "$(master_pid)"
