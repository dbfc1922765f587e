# test-80-hooks: outbound webhooks from the worker: one job per URL, HMAC
# signature and delivery id, a retry after a 500 with the same delivery id,
# and no delivery to a private, loopback or link-local address that is not
# allow-listed: RFC 1918, 169.254.169.254, IPv6 loopback, ULA and mapped
# forms, names that resolve to loopback, decimal and octal IPv4 forms, each
# refused before connecting and never seen by a listener on every local
# address.
. "$(dirname "$0")/lib.sh"
only_on lighttpd

port=${BASE##*:}; RPORT=$((port + 50)); LOGF=$OUT/hooks.log
SECRET=test-hook-secret-$RANDOM; TAG=t$RANDOM$RANDOM
python3 "$(dirname "$0")/../stubs/receiver.py" "$RPORT" "$LOGF" &
rpid=$!
up() { curl -s -o /dev/null -XPOST "http://127.0.0.1:$RPORT/ping" -d ''; }
until_ok 50 up
: > "$LOGF"
"$DEV" worker-stop
WEBHOOK_URLS="http://127.0.0.1:$RPORT/hooks,http://127.0.0.1:$RPORT/flaky,http://169.254.169.254/$TAG/meta-data,http://[::1]:$RPORT/$TAG/v6" \
WEBHOOK_ALLOW=127.0.0.1 WEBHOOK_BACKOFF=300 WEBHOOK_SECRET=$SECRET "$DEV" worker-start

day() { date -u -d "+$1 days" +%F; }
adm=$(curl -s -XPOST "$BASE/api/auth/login" -H 'Content-Type: application/json' \
	-d '{"email":"admin@exodrive.com","password":"exodrive-dev-password"}' | jq -r .accessToken)
car=$(curl -s -XPOST "$BASE/api/admin/cars" -H "Authorization: Bearer $adm" -H 'Content-Type: application/json' \
	-d "$(jq -nc --arg n "Hook Test Car $RANDOM$RANDOM" '{name:$n, category:"Exotic",
	pricing:{base_price:200, deposit_amount:500, minimum_days:1},
	images:[{url:"https://img.example/h.webp", is_primary:true, sort_order:0}]}')" | jq -r .carId)
req POST /api/bookings -H 'Content-Type: application/json' -d "{\"carId\":\"$car\",\"startDate\":\"$(day 40)\",\"endDate\":\"$(day 42)\",\"customerDetails\":{\"fullName\":\"Hook Guest\",\"email\":\"hooks@example.com\"}}"
bid=$(js .bookingId)
check "a booking is created" eq "$STATUS" 201

got() { jq -c "select(.path == \"$1\" and (.body | fromjson | .data.bookingId) == \"$bid\")" "$LOGF" 2>/dev/null; }
arrived() { [ -n "$(got /hooks)" ]; }
check "booking.created reaches the receiver" until_ok 100 arrived
line=$(got /hooks | head -1)
body=$(echo "$line" | jq -r .body)
check "named in X-ExoDrive-Event" eq "$(echo "$line" | jq -r '.headers["X-ExoDrive-Event"]')" booking.created
check "the body says what and which" eq "$(echo "$body" | jq -r '.type + " " + .data.bookingId')" "booking.created $bid"
sig=$(echo "$line" | jq -r '.headers["X-ExoDrive-Signature"]')
t=${sig#t=}; t=${t%%,*}; v1=${sig#*v1=}
want=$(printf '%s.%s' "$t" "$body" | openssl dgst -sha256 -hmac "$SECRET" | awk '{print $NF}')
check "X-ExoDrive-Signature is HMAC-SHA256 of t.body" eq "$v1" "$want"
check "the delivery id is the body's id" eq "$(echo "$line" | jq -r '.headers["X-ExoDrive-Delivery"]')" "$(echo "$body" | jq -r .id)"
twice() { [ "$(got /flaky | wc -l)" -ge 2 ]; }
check "a 500 is retried" until_ok 100 twice
check "with the same delivery id" eq "$(got /flaky | jq -r '.headers["X-ExoDrive-Delivery"]' | sort -u | wc -l)" 1
# refused REASON: the URL paths (after /$TAG/) of this run's dead-lettered
# jobs that failed with REASON, one a line.
refused() {
	req GET '/api/admin/queues/webhook/jobs?state=failed&limit=100' -H "Authorization: Bearer $adm"
	jq -r --arg r "$1" '.jobs[].failedReason // empty | select(test($r))' < "$OUT/body" |
		grep -o "/$TAG/[^: ]*" | sed "s|^/$TAG/||" | sort -u
}
# all_refused REASON NAME...: every NAME is among them (else a pause, so
# that polling stays well inside the admin rate limit).
all_refused() {
	local r=$1 have n; shift
	refused "$r" > "$OUT/refused"; have=$(cat "$OUT/refused")
	for n in "$@"; do
		grep -qx -- "$n" <<< "$have" && continue
		sleep 0.4; return 1
	done
}
check "link-local and loopback targets are refused, then dead-lettered" \
	until_ok 75 all_refused "not a public address" meta-data v6
check "and never contacted" eq "$(jq -r .path "$LOGF" | grep -c "^/$TAG/v6$")" 0

# Nothing allow-listed: every private form names a port with a listener on
# every local IPv4 and IPv6 address, which must see no connection.
LLOG=$OUT/listener.log
# The kernel picks a port free on both families (no fixed port to collide).
: > "$LLOG"; python3 -u - >> "$LLOG" 2>&1 <<'PY' &
import socket, sys, threading
def sock(family, port):
    s = socket.socket(family, socket.SOCK_STREAM)
    if family == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    s.bind(("::" if family == socket.AF_INET6 else "0.0.0.0", port))
    s.listen(64)
    return s
for _ in range(50):
    s4 = sock(socket.AF_INET, 0)
    port = s4.getsockname()[1]
    try:
        s6 = sock(socket.AF_INET6, port)
        break
    except OSError:
        s4.close()
lock = threading.Lock()
def say(line):	# one whole line at a time from either thread
    with lock:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()
say(f"port {port}")
def serve(s):
    say(f"listening {s.getsockname()[0]}")
    while True:
        c, peer = s.accept()
        say(f"connection {c.getsockname()[0]}")
        c.close()
threading.Thread(target=serve, args=(s6,), daemon=True).start()
serve(s4)
PY
lpid=$!
listening() { [ "$(grep -c '^listening' "$LLOG")" -eq 2 ]; }
check "a listener on every local address" until_ok 100 listening
[ "$(grep -c '^listening' "$LLOG")" -eq 2 ] || sed 's/^/#   /' "$LLOG"
LPORT=$(sed -n 's/^port //p' "$LLOG")
curl -s -m 2 -o /dev/null "http://127.0.0.1:$LPORT/" ; curl -s -m 2 -o /dev/null -g "http://[::1]:$LPORT/"
check "it sees a connection made to it (IPv4 and IPv6)" eq "$(grep -c '^connection' "$LLOG")" 2
: > "$LLOG"
P=$LPORT; T=$TAG
private="http://10.0.0.1:$P/$T/rfc1918-10,http://172.16.0.1:$P/$T/rfc1918-172,\
http://192.168.1.1:$P/$T/rfc1918-192,http://169.254.169.254:$P/$T/metadata,\
http://[fd00::1]:$P/$T/ula,http://[::1]:$P/$T/v6-loopback,http://[::ffff:127.0.0.1]:$P/$T/v4-mapped,\
http://[::127.0.0.1]:$P/$T/v4-compatible,http://[2002:7f00:1::1]:$P/$T/6to4,\
http://localhost:$P/$T/localhost,http://2130706433:$P/$T/decimal,http://0177.0.0.1:$P/$T/octal,\
http://127.0.0.2:$P/$T/loopback-2,http://0.0.0.0:$P/$T/zero"
names=$(echo "$private" | tr ',' '\n' | sed "s|.*/$T/||"); nprivate=$(echo "$names" | wc -l)
"$DEV" worker-stop
WEBHOOK_URLS="$private,http://localhost.:$P/$T/localhost-dot" WEBHOOK_ALLOW= WEBHOOK_BACKOFF=100 \
	WEBHOOK_SECRET=$SECRET "$DEV" worker-start
req POST /api/bookings -H 'Content-Type: application/json' -d "{\"carId\":\"$car\",\"startDate\":\"$(day 50)\",\"endDate\":\"$(day 52)\",\"customerDetails\":{\"fullName\":\"Hook Guest\",\"email\":\"hooks@example.com\"}}"
check "a second booking is created" eq "$STATUS" 201
# shellcheck disable=SC2086
check "RFC 1918, metadata, IPv6 loopback, ULA, mapped, compatible, 6to4, localhost, decimal, octal, 127.0.0.2, 0.0.0.0: refused as not public, dead-lettered" \
	until_ok 75 all_refused "not a public address" $names
check "localhost. is refused (not public, or not resolved offline)" \
	until_ok 25 all_refused "not a public address|cannot resolve localhost[.]" localhost-dot
check "the listener saw no connection" eq "$(grep -c '^connection' "$LLOG")" 0
# Each was tried 6 times; the wait before the last try (retryDelay, set by
# app/queue.c) is WEBHOOK_BACKOFF x 2^4 plus up to 20 % jitter.
req GET '/api/admin/queues/webhook/jobs?state=failed&limit=100' -H "Authorization: Bearer $adm"
ids=$(jq -r --arg t "/$TAG/" '.jobs[] | select((.failedReason // "") | contains($t)) | .id' < "$OUT/body")
: > "$OUT/delays"
for id in $ids; do
	req GET "/api/admin/queues/webhook/jobs/$id" -H "Authorization: Bearer $adm"
	js '"\(.job.atm) \(.job.backoff) \(.job.retryDelay)"' >> "$OUT/delays"
done
nd=$(awk '$2 == 100' "$OUT/delays" | wc -l)
range=$(awk '$2 == 100 { if (!n++ || $3 < lo) lo = $3; if ($3 > hi) hi = $3 } END { print lo "-" hi }' "$OUT/delays")
check "all $nd tried 6 times, the 5th retry after 1600-1920 ms ($range)" \
	awk -v n="$((nprivate + 1))" '$2 == 100 { c++; if ($1 != 6 || $3 < 1600 || $3 > 1920) bad++ }
		END { exit !(c == n && !bad) }' "$OUT/delays"
check "with jitter: the delays differ ($(awk '$2 == 100 {print $3}' "$OUT/delays" | sort -u | wc -l) distinct)" \
	test "$(awk '$2 == 100 {print $3}' "$OUT/delays" | sort -u | wc -l)" -ge $((nprivate / 2))
kill "$lpid" 2>/dev/null; wait "$lpid" 2>/dev/null

"$DEV" worker-stop
"$DEV" worker-start
kill "$rpid" 2>/dev/null; wait "$rpid" 2>/dev/null || true
