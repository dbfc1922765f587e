# test-91-redis-acl: the documented Redis ACL (httpd/redis-acl.conf) is
# enough for the API (cache, scripts, monitor) and refuses FLUSHALL,
# FLUSHDB, CONFIG and KEYS; REDIS_URL carries the ACL user.
. "$(dirname "$0")/lib.sh"
only_on lighttpd

rc() { redis-cli -s "$VAR/run/redis.sock" "$@"; }
pw="acl-test-$RANDOM$RANDOM"
rules=$(sed -n 's/^user exodrive-app \(.*\)$/\1/p' "$(dirname "$0")/../../httpd/redis-acl.conf" | sed "s/>PASSWORD/>$pw/")
check "the documented ACL has a user line" test -n "$rules"
# shellcheck disable=SC2086
rc ACL SETUSER exodrive-app reset $rules >/dev/null
url="unix://$VAR/run/redis.sock?user=exodrive-app&password=$pw"
app() { rc --user exodrive-app --pass "$pw" --no-auth-warning "$@" 2>&1; }

refused() { app "$@" | grep -q NOPERM; }
check "as the ACL user FLUSHALL is refused" refused FLUSHALL
check "FLUSHDB too" refused FLUSHDB
check "CONFIG too" refused CONFIG GET maxmemory
check "KEYS too" refused KEYS '*'
check "and the keys are all still there" test "$(rc DBSIZE)" -gt 0
check "while ordinary commands work" eq "$(app PING)" PONG
# The first-level cache's tracking connection (l1.c), as the ACL user:
# CLIENT ID, CLIENT TRACKING redirected to itself in broadcast mode,
# SUBSCRIBE to the invalidation channel; a write of a tracked key then
# reaches it.
python3 - "$VAR/run/redis.sock" "$pw" > "$OUT/track" 2>&1 <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.settimeout(5)
def cmd(*a):
    s.sendall(b"*%d\r\n" % len(a) + b"".join(b"$%d\r\n%s\r\n" % (len(x), x.encode()) for x in a))
    time.sleep(0.1); return s.recv(65536).decode()
print("auth", cmd("AUTH", "exodrive-app", sys.argv[2]).strip())
cid = cmd("CLIENT", "ID").strip().lstrip(":")
print("tracking", cmd("CLIENT", "TRACKING", "on", "REDIRECT", cid, "BCAST", "PREFIX", "c:v2:", "PREFIX", "ns:v1:").strip())
print("subscribe", cmd("SUBSCRIBE", "__redis__:invalidate").replace("\r\n", " "))
sys.stdout.flush()
print("message", s.recv(65536).decode().replace("\r\n", " "))
PY
tp=$!
until_ok 30 grep -q '^subscribe' "$OUT/track"
app INCR ns:v1:acltest:x >/dev/null
wait "$tp"
check "the ACL allows the first level's tracking connection (CLIENT ID, TRACKING, SUBSCRIBE)" \
	bash -c "grep -qx 'auth +OK' '$OUT/track' && grep -qx 'tracking +OK' '$OUT/track' && grep -q '^subscribe .*__redis__:invalidate' '$OUT/track'"
check "and a write of a tracked key reaches it" grep -q '^message .*ns:v1:acltest:x' "$OUT/track"
rc DEL ns:v1:acltest:x >/dev/null

out=$(REDIS_URL=$url "$BIN" --config "$VAR/exodrive.env" warm-cache --popular-only 2>/dev/null | tail -1)
check "the API warms the cache as the ACL user (scripts, writes)" test "$(echo "$out" | jq -r .keysWarmed)" -gt 0
REDIS_URL=$url "$BIN" --config "$VAR/exodrive.env" monitor --report > "$OUT/mon"
check "exodrive monitor reads Redis as the ACL user" grep -q '^redis latency .* ok$' "$OUT/mon"
REDIS_URL="unix://$VAR/run/redis.sock?user=exodrive-app&password=wrong" "$BIN" --config "$VAR/exodrive.env" monitor > "$OUT/bad" 2>/dev/null
check "a wrong password is a Redis alert" grep -q '^redis .*unreachable' "$OUT/bad"
rc ACL DELUSER exodrive-app >/dev/null
