#!/usr/bin/env bash
# apache-bench.sh -- the web servers side by side: the cached fleet list
# (GET /api/cars, the public tier charged) through lighttpd + our master,
# Apache + mod_fcgid (httpd/apache-dev.conf.in, tuned as
# httpd/apache-fcgid.conf) and Apache + mod_proxy_fcgi to the same master
# (httpd/apache-proxy-dev.conf.in), at 100 and 1000 connections, ROUNDS
# rounds alternating the three, medians; and GET /api/health (no tier) the
# same way.  wrk's default 2 s timeout: an answer slower than that is a
# timeout.  Prints the goals of the Apache sites against lighttpd of the
# same run:
#   mod_fcgid:  p99 at most 3x lighttpd's at 100 connections; no socket
#               error and no timeout at 1000;
#   proxy_fcgi: req/s at least 0.8x lighttpd's; no socket error and no
#               timeout at 1000.
# A goal not met is reported, not a failure; a row that did not really run
# (wrk failed, no request, answers not charged to the public tier, a
# non-2xx answer) fails the script.  Run by ./dev bench, which starts both
# Apache sites (DEV_SERVER=all ./dev up does too); figures in
# BENCH_APACHE_OUT (tests/load/results-apache.txt).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
OUTFILE=${BENCH_APACHE_OUT:-$ROOT/tests/load/results-apache.txt}
FCGID=${BENCH_FCGID_URL:-http://127.0.0.1:${DEV_APACHE_PORT:-$((PORT + 1))}}
PROXY=${BENCH_PROXY_URL:-http://127.0.0.1:${DEV_APACHE_PROXY_PORT:-$((PORT + 2))}}
CONNS=${BENCH_APACHE_CONNS:-100 1000}
ulimit -n 65536 2>/dev/null || true
command -v wrk >/dev/null || { echo "apache-bench: wrk is not installed" >&2; exit 1; }
for u in "$FCGID" "$PROXY"; do
	curl -sf -o /dev/null "$u/api/health" ||
		{ echo "apache-bench: no Apache site answers on $u (DEV_SERVER=all ./dev up)" >&2; exit 1; }
done

read -r ADMIN _ < <(own_user admin admin)
[ "${ADMIN:-null}" != null ] || { echo "apache-bench: could not register the run's admin" >&2; exit 1; }
IP=198.51.100.23	# every row's client: an override x F (lifted at the end)
F=$(rl_factor public 50000)
rl_override ip "$IP" "$F" $((ROUNDS * 12 * (SECS + 5) + 600))
XP=(-H "X-Forwarded-For: $IP")
for u in "$API" "$FCGID" "$PROXY"; do curl -s -o /dev/null "${XP[@]}" "$u/api/cars"; done	# cached

# run NAME TIER URL CONNS: "rps p50 p99 sockerr timeouts" appended to
# $tmp/NAME-CONNS; TIER public: every request charged to the public tier.
run() {
	local rc=0 f e t a0 a1
	a0=$(rl_counts | awk '$1 == "public" { print $2 + $3 }')
	wrk -t2 -c"$4" -d"${SECS}s" --latency "${XP[@]}" "$3" > "$tmp/out" 2>&1 || rc=$?
	e=$(awk '/Socket errors/ {gsub(",",""); print $4+$6+$8}' "$tmp/out")
	t=$(awk '/Socket errors/ {print $NF}' "$tmp/out")
	if [ "$rc" = 0 ] && [ "${t:-0}" -gt 0 ] && ! grep -q '^ *[1-9][0-9]* requests in' "$tmp/out"; then
		# Every request past the timeout: a round of the figures (no
		# answer in time: 0 req/s, p50 and p99 at the 2 s timeout).
		echo "0 2000 2000 ${e:-0} $t" >> "$tmp/$1-$4"
		return 0
	fi
	wrk_ran "$1 at $4 connections" "$rc" "$tmp/out" || return 0
	read -r -a f <<< "$(wrk_figures "$tmp/out")"
	echo "${f[0]} ${f[1]} ${f[3]} ${e:-0} ${t:-0}" >> "$tmp/$1-$4"
	[ "${f[4]}" = 0 ] || fail "$1 at $4 connections: ${f[4]} non-2xx answers"
	a1=$(rl_counts | awk '$1 == "public" { print $2 + $3 }')
	if [ "$2" = public ]; then
		[ $((${a1:-0} - ${a0:-0})) -ge "${f[6]}" ] ||
			fail "$1 at $4 connections: ${f[6]} requests, $((${a1:-0} - ${a0:-0})) charged to the public tier"
	fi
}
for c in $CONNS; do
	for _ in $(seq "$ROUNDS"); do
		run lt public "$API/api/cars" "$c"
		run fcgid public "$FCGID/api/cars" "$c"
		run proxy public "$PROXY/api/cars" "$c"
		run lth none "$API/api/health" "$c"
		run fcgidh none "$FCGID/api/health" "$c"
		run proxyh none "$PROXY/api/health" "$c"
	done
done

# goal TEXT OK: "met" or "NOT met".
goal() { printf '%-74s %s\n' "$1" "$([ "$2" = 1 ] && echo met || echo 'NOT met')"; }
has() { [ -s "$tmp/$1" ]; }
{
	echo "# web servers side by side $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) cores; $WORKERS master responders," \
		"mod_fcgid $(sed -n 's/^FcgidMaxProcessesPerClass //p' "$VAR/apache/httpd.conf" 2>/dev/null) processes;" \
		"wrk -t2 ${SECS}s (timeout 2 s) x $ROUNDS rounds alternating, medians"
	echo "# rate limits on; tier = the tier each row charges (public: one address with an override x$F)"
	printf '%-44s %-7s %6s %10s %9s %9s %7s %7s\n' target tier conns req/s p50_ms p99_ms sockerr timeout
	for c in $CONNS; do
		for n in lt fcgid proxy lth fcgidh proxyh; do
			case $n in
			lt)	label="(g) lighttpd + master: GET /api/cars" tier=public ;;
			fcgid)	label="(g') Apache mod_fcgid: GET /api/cars" tier=public ;;
			proxy)	label="(g'') Apache proxy_fcgi + master: GET /api/cars" tier=public ;;
			lth)	label="(h) lighttpd + master: GET /api/health" tier=none ;;
			fcgidh)	label="(h') Apache mod_fcgid: GET /api/health" tier=none ;;
			proxyh)	label="(h'') Apache proxy_fcgi + master: /api/health" tier=none ;;
			esac
			if ! has "$n-$c"; then printf '%-44s %-7s %6s  did not run\n' "$label" "$tier" "$c"; continue; fi
			printf '%-44s %-7s %6s %10s %9s %9s %7s %7s\n' "$label" "$tier" "$c" \
				"$(median 1 "$tmp/$n-$c")" "$(median 2 "$tmp/$n-$c")" "$(median 3 "$tmp/$n-$c")" \
				"$(median 4 "$tmp/$n-$c")" "$(median 5 "$tmp/$n-$c")"
		done
	done
	lo=$(echo "$CONNS" | awk '{print $1}') hi=$(echo "$CONNS" | awk '{print $NF}')
	if has "lt-$lo" && has "fcgid-$lo" && has "proxy-$lo" && has "lt-$hi" && has "fcgid-$hi" && has "proxy-$hi"; then
		r=$(ratio "$(median 3 "$tmp/lt-$lo")" "$(median 3 "$tmp/fcgid-$lo")")
		goal "mod_fcgid p99 / lighttpd p99 at $lo connections: $r (goal <= 3)" "$(awk -v r="$r" 'BEGIN { print (r <= 3) }')"
		e=$(median 4 "$tmp/fcgid-$hi") t=$(median 5 "$tmp/fcgid-$hi")
		e1=$(sort -n -k4 "$tmp/fcgid-$hi" | tail -1 | cut -d' ' -f4) t1=$(sort -n -k5 "$tmp/fcgid-$hi" | tail -1 | cut -d' ' -f5)
		goal "mod_fcgid at $hi connections: socket errors $e, timeouts $t (worst round $e1, $t1; goal 0)" "$([ "$e1 $t1" = "0 0" ] && echo 1)"
		for c in $lo $hi; do
			r=$(ratio "$(median 1 "$tmp/lt-$c")" "$(median 1 "$tmp/proxy-$c")")
			goal "proxy_fcgi req/s / lighttpd req/s at $c connections: $r (goal >= 0.8)" "$(awk -v r="$r" 'BEGIN { print (r >= 0.8) }')"
		done
		e=$(median 4 "$tmp/proxy-$hi") t=$(median 5 "$tmp/proxy-$hi")
		e1=$(sort -n -k4 "$tmp/proxy-$hi" | tail -1 | cut -d' ' -f4) t1=$(sort -n -k5 "$tmp/proxy-$hi" | tail -1 | cut -d' ' -f5)
		goal "proxy_fcgi at $hi connections: socket errors $e, timeouts $t (worst round $e1, $t1; goal 0)" "$([ "$e1 $t1" = "0 0" ] && echo 1)"
		e=$(median 4 "$tmp/lt-$hi") t=$(median 5 "$tmp/lt-$hi")
		echo "lighttpd at $hi connections: socket errors $e, timeouts $t"
	fi
	load_failed || true
} | tee "$OUTFILE"
if load_failed >/dev/null; then echo "apache-bench: $(wc -l < "$tmp/failures") failures (above)" >&2; exit 1; fi
