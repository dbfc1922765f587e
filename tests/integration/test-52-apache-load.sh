# test-52-apache-load: the load scenarios of tests/load/scenarios.sh
# (1000 readers, 100 contending writers, 50 customer journeys), briefly,
# through each Apache site: Apache + mod_fcgid (BASE) and Apache +
# mod_proxy_fcgi in front of our master (started here).  The same checks
# as test-95 on lighttpd: no error under load (a 429, a socket error and a
# timeout of 10 s are errors), bookings accepted, no car double booked,
# every answer charged to its tier.  The figures are for the record only
# (this build has sanitizers); ./dev bench measures.
# timeout: 600
. "$(dirname "$0")/lib.sh"
only_on apache	# each Apache site once; the scenarios' ceiling is behind lighttpd

DEV_APACHE_SITE=proxy-fcgi "$DEV" apache-start >/dev/null 2>&1
check "the mod_proxy_fcgi site starts" test -f "$VAR/run/apache-proxy.pid"
PROXY=http://127.0.0.1:$(sed -n 's/^Listen 127.0.0.1://p' "$VAR/apache-proxy/httpd.conf")
LT=$(sed -n 's/^server.port = //p' "$VAR/lighttpd.conf")
for s in "fcgid:$BASE:Apache + mod_fcgid" "proxy:$PROXY:Apache + mod_proxy_fcgi to our master"; do
	n=${s%%:*} r=${s#*:}; u=${r%:*}; name=${r##*:}
	# scenarios.sh speaks to the stack's lighttpd for its admin calls
	# (DEV_PORT) and sends the load through SCEN_URL.
	DEV_PORT=$LT SCEN_URL=$u SCEN_NAME=$name BENCH_SECONDS=3 BENCH_ROUNDS=1 \
		BENCH_SCENARIOS_OUT="$VAR/load-scenarios-apache-$n.txt" \
		bash "$(dirname "$0")/../load/scenarios.sh" > "$OUT/scen-$n" 2>&1
	rc=$?
	sed 's/^/# /' "$OUT/scen-$n" | tail -12
	line=$(grep '^check:' "$OUT/scen-$n")
	check "$name: 1000 readers, 100 writers, 50 journeys: no error, no double booking (${line:-no check line})" eq "$rc" 0
	check "$name: every answer carried X-RateLimit-Limit" grep -q '^X-RateLimit-Limit on every answer: readers [0-9]' "$OUT/scen-$n"
done
DEV_APACHE_SITE=proxy-fcgi "$DEV" apache-stop
