#!/usr/bin/env bash
# apache-tune.sh -- where the time goes under Apache: the cached fleet list
# (public tier, one address with an override) through Apache variants,
# each against lighttpd in the same run, alternating, ROUNDS rounds of
# SECS seconds, medians.  The findings are in httpd/README.md ("Where the
# time goes"); this script reproduces them.  Expects the dev stack up with
# its Apache sites rendered (DEV_SERVER=all ./dev up).
#
#   bash tests/load/apache-tune.sh [VARIANT...]   (default: all of them)
#   TUNE_CONNS="100 1000" TUNE_PATH=/api/cars
#
# A variant is the dev site (var/apache/httpd.conf or
# var/apache-proxy/httpd.conf) with some directives changed; each runs as
# an Apache of its own (apache-tune) on a free port.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
CONNS=${TUNE_CONNS:-100 1000}
TPATH=${TUNE_PATH:-/api/cars}
ulimit -n 65536 2>/dev/null || true
command -v wrk >/dev/null || { echo "apache-tune: wrk is not installed" >&2; exit 1; }

# variant NAME: "base directive=value..." (base fcgid or proxy).  The
# defaults of Debian's Apache 2.4 event MPM: ServerLimit 16,
# ThreadsPerChild 25 (MaxRequestWorkers 400), AsyncRequestWorkerFactor 2,
# ListenBacklog 511, MaxKeepAliveRequests 100.
OLD_MPM="ServerLimit=16 ThreadLimit=64 ThreadsPerChild=25 MaxRequestWorkers=400 StartServers=3 MinSpareThreads=75 MaxSpareThreads=250 AsyncRequestWorkerFactor=2 ListenBacklog=511 KeepAlive=On MaxKeepAliveRequests=100"
variant() {
	case $1 in
	fcgid-old)	echo "fcgid $OLD_MPM FcgidMaxProcesses=1000 FcgidMinProcessesPerClass=2 FcgidMaxRequestsPerProcess=10000 FcgidSpawnScoreUpLimit=10 FcgidIdleTimeout=300 FcgidProcessLifeTime=3600" ;;
	fcgid-old-mpm)	echo "fcgid $OLD_MPM" ;;	# the tuned pool, the default MPM
	fcgid-backlog)	echo "fcgid ListenBacklog=511" ;;
	fcgid-8)	echo "fcgid" ;;	# the tuned site as shipped
	fcgid-4)	echo "fcgid $(threads 4) $(procs 4)" ;;
	fcgid-16)	echo "fcgid $(threads 16) $(procs 16)" ;;
	fcgid-t16p8)	echo "fcgid $(threads 16)" ;;
	fcgid-1024t)	echo "fcgid $(threads 1024) KeepAlive=On" ;;	# threads for every connection
	fcgid-worker)	echo "fcgid mpm=worker" ;;
	fcgid-ka)	echo "fcgid KeepAlive=On" ;;
	fcgid-worker-ka10) echo "fcgid mpm=worker KeepAlive=On MaxKeepAliveRequests=10" ;;
	fcgid-recycle)	echo "fcgid FcgidMaxRequestsPerProcess=10000" ;;
	proxy-1024)	echo "proxy" ;;	# as shipped
	proxy-32)	echo "proxy $(threads 32)" ;;
	proxy-32-kaoff)	echo "proxy $(threads 32) KeepAlive=Off" ;;
	proxy-old)	echo "proxy $OLD_MPM" ;;
	*)		echo "" ;;
	esac
}
threads() { echo "ThreadsPerChild=$1 ThreadLimit=$1 MaxRequestWorkers=$1 MaxSpareThreads=$1"; }
procs() { echo "FcgidMaxProcesses=$1 FcgidMaxProcessesPerClass=$1 FcgidMinProcessesPerClass=$1"; }
ALL="fcgid-old fcgid-old-mpm fcgid-1024t fcgid-ka fcgid-worker-ka10 fcgid-8 fcgid-4 fcgid-16 fcgid-backlog fcgid-worker fcgid-recycle proxy-old proxy-32 proxy-32-kaoff proxy-1024"
VARIANTS=${*:-$ALL}

TUNE=$VAR/apache-tune
tune_ctl() { /usr/sbin/apache2 -d "$TUNE" -f "$TUNE/httpd.conf" "$@"; }
tune_stop() {
	[ -f "$VAR/run/apache-tune.pid" ] || return 0
	local pid; pid=$(cat "$VAR/run/apache-tune.pid")
	tune_ctl -k stop 2>/dev/null || kill "$pid" 2>/dev/null || true
	for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	rm -f "$VAR/run/apache-tune.pid"
}
trap 'tune_stop; load_cleanup' EXIT

# tune_start VARIANT PORT: renders and starts it; for mod_fcgid, warms
# the pool (load until every process is spawned, at most 20 s).
tune_start() {
	local spec base src d k v want
	spec=$(variant "$1"); [ -n "$spec" ] || { echo "apache-tune: no variant $1" >&2; exit 2; }
	read -r base spec <<< "$spec"
	case $base in fcgid) src=$VAR/apache/httpd.conf ;; proxy) src=$VAR/apache-proxy/httpd.conf ;; esac
	[ -f "$src" ] || { echo "apache-tune: $src missing (DEV_SERVER=all ./dev up)" >&2; exit 1; }
	rm -rf "$TUNE"; mkdir -p "$TUNE/fcgid"; chown www-data: "$TUNE/fcgid"
	sed -e "s|^ServerRoot .*|ServerRoot \"$TUNE\"|" -e "s|^Listen .*|Listen 127.0.0.1:$2|" \
	    -e "s|^PidFile .*|PidFile \"$VAR/run/apache-tune.pid\"|" \
	    -e "s|^ErrorLog .*|ErrorLog \"$VAR/log/apache-tune-error.log\"|" \
	    -e "s|^FcgidIPCDir .*|FcgidIPCDir \"$TUNE/fcgid\"|" \
	    -e "s|^FcgidProcessTableFile .*|FcgidProcessTableFile \"$TUNE/fcgid/shm\"|" "$src" > "$TUNE/httpd.conf"
	for d in $spec; do
		k=${d%%=*} v=${d#*=}
		if [ "$k" = mpm ]; then
			sed -i "s|mod_mpm_event|mod_mpm_$v|; s|mpm_event_module|mpm_${v}_module|; /^AsyncRequestWorkerFactor/d" "$TUNE/httpd.conf"
		elif grep -q "^$k " "$TUNE/httpd.conf"; then
			sed -i "s|^$k .*|$k $v|" "$TUNE/httpd.conf"
		else
			echo "$k $v" >> "$TUNE/httpd.conf"
		fi
	done
	tune_ctl -k start
	for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$2/api/health" && break; sleep 0.1; done
	[ "$base" = fcgid ] || return 0
	want=$(sed -n 's/^FcgidMaxProcessesPerClass \([0-9]*\)/\1/p' "$TUNE/httpd.conf")
	for _ in $(seq 20); do
		[ "$(tune_procs)" -ge "$want" ] && break
		wrk -t2 -c100 -d1s "http://127.0.0.1:$2/api/health" >/dev/null 2>&1 || true
	done
	echo "# $1: mod_fcgid spawned $(tune_procs) of $want processes" >&2
}
tune_procs() {
	local kids
	kids=$(pgrep -P "$(cat "$VAR/run/apache-tune.pid")" | paste -sd,)
	[ -n "$kids" ] && pgrep -P "$kids" -f ' fcgi$' | wc -l || echo 0
}

read -r ADMIN _ < <(own_user admin admin)
[ "${ADMIN:-null}" != null ] || { echo "apache-tune: could not register the run's admin" >&2; exit 1; }
IP=198.51.100.30
rl_override ip "$IP" "$(rl_factor public 50000)" 7200
XP=(-H "X-Forwarded-For: $IP")
curl -s -o /dev/null "${XP[@]}" "$API$TPATH"	# cached

# one NAME URL CONNS: a wrk run, "rps p50 p99 errors timeouts non2xx"
# appended to $tmp/NAME-CONNS.
one() {
	wrk -t2 -c"$3" -d"${SECS}s" --latency "${XP[@]}" "$2" > "$tmp/out" 2>&1 || true
	local f e t
	read -r -a f <<< "$(wrk_figures "$tmp/out")"
	e=$(awk '/Socket errors/ {gsub(",",""); print $4+$6+$8}' "$tmp/out")
	t=$(awk '/Socket errors/ {print $NF}' "$tmp/out")
	echo "${f[0]} ${f[1]} ${f[3]} ${e:-0} ${t:-0} ${f[4]}" >> "$tmp/$1-$3"
}
TPORT=$(free_port)
printf '%-16s %5s | %9s %8s %8s | %9s %8s %8s %6s %6s %6s | %5s %5s\n' variant conns \
	'lt req/s' 'lt p50' 'lt p99' 'req/s' p50_ms p99_ms errors tmouts non2xx rps/lt p99/lt
for v in $VARIANTS; do
	tune_start "$v" "$TPORT"
	for c in $CONNS; do
		for _ in $(seq "$ROUNDS"); do
			one "lt-$v" "$API$TPATH" "$c"
			one "$v" "http://127.0.0.1:$TPORT$TPATH" "$c"
		done
		printf '%-16s %5s | %9s %8s %8s | %9s %8s %8s %6s %6s %6s | %5s %5s\n' "$v" "$c" \
			"$(median 1 "$tmp/lt-$v-$c")" "$(median 2 "$tmp/lt-$v-$c")" "$(median 3 "$tmp/lt-$v-$c")" \
			"$(median 1 "$tmp/$v-$c")" "$(median 2 "$tmp/$v-$c")" "$(median 3 "$tmp/$v-$c")" \
			"$(median 4 "$tmp/$v-$c")" "$(median 5 "$tmp/$v-$c")" "$(median 6 "$tmp/$v-$c")" \
			"$(ratio "$(median 1 "$tmp/lt-$v-$c")" "$(median 1 "$tmp/$v-$c")")" \
			"$(ratio "$(median 3 "$tmp/lt-$v-$c")" "$(median 3 "$tmp/$v-$c")")"
	done
	tune_stop
done
