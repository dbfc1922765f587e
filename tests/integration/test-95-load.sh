# test-95-load: the load scenarios of tests/load/scenarios.sh, briefly
# (1000 readers, 100 contending writers, 50 customer journeys), with rate
# limits on: each scenario charged to its tier from client addresses of
# its own (X-Forwarded-For), the journeys' customer with an override.  No
# error under load (a 429 is one), bookings accepted, no car double
# booked; and the scenarios really ran: scenarios.sh fails when wrk did
# not run or completed no request, on a Lua error, or when an answer was
# not charged to a tier.  The figures are for the record only (this build
# has sanitizers); ./dev bench measures.
# timeout: 600
. "$(dirname "$0")/lib.sh"
only_on lighttpd	# the scenarios run their own ceiling behind lighttpd

DEV_PORT=${BASE##*:} BENCH_SECONDS=3 BENCH_ROUNDS=1 \
	BENCH_SCENARIOS_OUT="$VAR/load-scenarios.txt" \
	bash "$(dirname "$0")/../load/scenarios.sh" > "$OUT/scen" 2>&1
rc=$?
sed 's/^/# /' "$OUT/scen" | tail -16
line=$(grep '^check:' "$OUT/scen")
check "1000 readers, 100 writers, 50 journeys ran, charged to their tiers: no error, no double booking (${line:-no check line})" eq "$rc" 0
check "the scenarios reported their checks" test -n "$line"
check "every answer of ours carried X-RateLimit-Limit" grep -q '^X-RateLimit-Limit on every answer: readers [0-9]' "$OUT/scen"
