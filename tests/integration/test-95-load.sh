# test-95-load: the load scenarios of tests/load/scenarios.sh, briefly
# (1000 readers, 100 contending writers, 50 customer journeys): no error
# under load, bookings accepted, no car double booked.  The figures are
# for the record only (this build has sanitizers); ./dev bench measures.
. "$(dirname "$0")/lib.sh"
only_on lighttpd	# the scenarios run their own ceiling behind lighttpd

DEV_PORT=${BASE##*:} BENCH_SECONDS=3 BENCH_ROUNDS=1 SCENARIO_CHECK=1 \
	BENCH_SCENARIOS_OUT="$VAR/load-scenarios.txt" \
	bash "$(dirname "$0")/../load/scenarios.sh" > "$OUT/scen" 2>&1
rc=$?
sed 's/^/# /' "$OUT/scen" | tail -12
line=$(grep '^check:' "$OUT/scen")
check "1000 readers, 100 writers, 50 journeys: no error and no double booking ($line)" eq "$rc" 0
