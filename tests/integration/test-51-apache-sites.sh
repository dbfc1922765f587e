# test-51-apache-sites: the two Apache sites as installed (make install
# DESTDIR=..., httpd/apache-fcgid.conf and httpd/apache-proxy-fcgi.conf
# with only their paths and port changed) pass Apache's config test and
# serve the API: health, Authorization reaches the API, a body above
# MAX_BODY_BYTES is the API's 413 envelope, uploads are static files.
# Under mod_fcgid, as many processes as request threads are spawned and
# kept; requests beyond them wait their turn (no answer takes the second
# mod_fcgid sleeps when a thread finds every process busy).
# timeout: 300
. "$(dirname "$0")/lib.sh"
only_on apache	# runs its own Apaches; once is enough

BUILD=$(cd "$(dirname "$BIN")/.." && pwd)
R=$OUT/root
chmod 755 "$OUT"
make -C "$BUILD" install DESTDIR="$R" >"$OUT/install.log" 2>&1
check "make install DESTDIR succeeds" eq "$?" 0
P=$R/usr/local
K=$P/share/doc/exodrive/httpd
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
mkdir -p "$OUT/uploads/cars" "$OUT/log"
printf 'static bytes\n' > "$OUT/uploads/cars/t51.txt"
chmod -R a+rX "$OUT"
chmod 1777 "$OUT/log"

# site NAME FILE PORT: an httpd.conf around the installed site FILE (the
# modules Debian's a2enmod would enable, our paths), started.
site() {
	local d=$OUT/$1
	mkdir -p "$d/fcgid"; chown www-data: "$d/fcgid"
	{
		echo "ServerRoot \"$d\""
		echo "ServerName localhost"
		echo "Listen 127.0.0.1:$3"
		echo "PidFile \"$d/httpd.pid\""
		echo "ErrorLog \"$d/error.log\""
		echo "User www-data"
		echo "Group www-data"
		echo "Define APACHE_LOG_DIR $OUT/log"
		for m in mpm_event authz_core alias setenvif mime proxy proxy_fcgi fcgid; do
			echo "LoadModule ${m}_module /usr/lib/apache2/modules/mod_$m.so"
		done
		echo "TypesConfig /etc/mime.types"
		echo "FcgidIPCDir \"$d/fcgid\""
		echo "FcgidProcessTableFile \"$d/fcgid/shm\""
		sed -e "s|\*:80|127.0.0.1:$3|" \
		    -e "s|/usr/local/bin/exodrive|$P/bin/exodrive|" \
		    -e "s|/etc/exodrive/exodrive.env|$VAR/exodrive.env|" \
		    -e "s|unix:/run/exodrive/fcgi.sock|unix:$VAR/run/fcgi.sock|" \
		    -e "s|/var/lib/exodrive/uploads|$OUT/uploads|g" "$K/$2"
	} > "$d/httpd.conf"
	/usr/sbin/apache2 -d "$d" -f "$d/httpd.conf" -t > "$d/configtest" 2>&1 &&
		/usr/sbin/apache2 -d "$d" -f "$d/httpd.conf" -k start
}
site_stop() { /usr/sbin/apache2 -d "$OUT/$1" -f "$OUT/$1/httpd.conf" -k stop 2>/dev/null; }
trap 'site_stop fcgid; site_stop proxy; lib_keep_sanitizer_reports; rm -rf "$OUT"' EXIT

own_admin
limit=$(sed -n 's/^MAX_BODY_BYTES=//p' "$VAR/exodrive.env" | tail -1); limit=${limit:-1048576}
for s in fcgid:apache-fcgid.conf proxy:apache-proxy-fcgi.conf; do
	n=${s%%:*} f=${s#*:} port=$(free_port)
	check "$f: Apache's config test accepts it and it starts" site "$n" "$f" "$port"
	U=http://127.0.0.1:$port
	up() { [ "$(command curl -s -o /dev/null -w '%{http_code}' "$U/api/health")" = 200 ]; }
	check "$f: serves the API (health 200)" until_ok 100 up
	st=$(command curl -s -o /dev/null -w '%{http_code}' "${XFF[@]}" -H "Authorization: Bearer $OWN_ADMIN" "$U/api/admin/users?limit=1")
	st0=$(command curl -s -o /dev/null -w '%{http_code}' "${XFF[@]}" "$U/api/admin/users?limit=1")
	check "$f: Authorization reaches the API (an admin route: $st with the token, $st0 without)" eq "$st $st0" "200 401"
	head -c $((limit + 1024)) /dev/zero | tr '\0' 'a' > "$OUT/big"
	st=$(command curl -s -o "$OUT/b413" -w '%{http_code}' "${XFF[@]}" -XPOST -H 'Content-Type: application/json' \
		--data-binary @"$OUT/big" "$U/api/health")
	check "$f: a body above MAX_BODY_BYTES is the API's 413 envelope ($st)" eq "$st $(jq -r .error.code "$OUT/b413" 2>/dev/null)" "413 PAYLOAD_TOO_LARGE"
	check "$f: uploads are static files" eq "$(command curl -s "$U/uploads/cars/t51.txt")" "static bytes"
done

# mod_fcgid: the pool is as large as the request threads, spawned on
# demand, then kept.
threads=$(sed -n 's/^MaxRequestWorkers \([0-9]*\)/\1/p' "$K/apache-fcgid.conf")
procs=$(sed -n 's/^[[:space:]]*FcgidMaxProcessesPerClass \([0-9]*\)/\1/p' "$K/apache-fcgid.conf")
check "apache-fcgid.conf: as many FastCGI processes as request threads ($procs, $threads)" eq "$procs" "$threads"
FP=$(sed -n 's/^Listen 127.0.0.1://p' "$OUT/fcgid/httpd.conf")
fcgid_procs() {
	local kids
	[ -f "$OUT/fcgid/httpd.pid" ] || { echo 0; return; }
	kids=$(pgrep -P "$(cat "$OUT/fcgid/httpd.pid")" | paste -sd,)
	[ -n "$kids" ] && pgrep -P "$kids" -f ' fcgi$' | wc -l || echo 0
}
# Spawned on demand (a request that found none free): a loaded machine
# may leave one short.
full() { [ "$(fcgid_procs)" -ge $((procs - 1)) ]; }
warm() { full || wrk -t2 -c$((procs * 4)) -d1s "http://127.0.0.1:$FP/api/health" >/dev/null 2>&1; full; }
check "mod_fcgid spawns its $procs processes under load (at least $((procs - 1)))" until_ok 60 warm
# Twice the pool at once: the ones beyond it wait in the listen queue for
# a thread, not in mod_fcgid's one-second sleep.
wrk -t2 -c$((procs * 4)) -d3s --latency "http://127.0.0.1:$FP/api/health" > "$OUT/wrk51" 2>&1
p99=$(awk '$1 == "99%" {print $2}' "$OUT/wrk51")
se=$(awk '/Socket errors/ {gsub(",",""); print $4+$6+$8+$10}' "$OUT/wrk51")
nr=$(awk '/requests in/ {print $1}' "$OUT/wrk51")
check "$((procs * 4)) connections on $procs processes: $nr requests, no socket error or timeout (${se:-0})" \
	test "${nr:-0}" -gt 0 -a "${se:-0}" = 0
ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /[0-9]s$/ && v !~ /ms$/) n *= 1000; print n }'; }
# mod_fcgid's sleep is a whole second: an answer that slept took 1 s or
# more, so fewer than 1% slept when p99 is under a second.
check "and no answer waited mod_fcgid's second (p99 $p99 < 1 s)" awk -v v="$(ms "$p99")" 'BEGIN { exit !(v < 1000) }'
# Kept, but for a process whose request wrk dropped as it stopped
# (mod_fcgid ends a process whose client went away mid-request).
sleep 2
check "the pool is kept after the load ($(fcgid_procs) of $procs processes)" test "$(fcgid_procs)" -ge $((procs - 2))
