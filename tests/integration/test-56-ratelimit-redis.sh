# test-56-ratelimit-redis: every check of test-75 (exactness at 300-way
# concurrency, every tier, headers, 429, overrides, Redis down) again on
# the redis store, through this server's own responders (our master's
# behind lighttpd, mod_fcgid's behind Apache); then back to the default.
# timeout: 400
. "$(dirname "$0")/lib.sh"

HERE=$(cd "$(dirname "$0")" && pwd)
ENVF=$VAR/exodrive.env
store() {
	FROM=loopback curl -s "$BASE/metrics" |
		awk '/^exodrive_rate_limit_store\{/ && $NF == 1 {sub(/.*store="/, ""); sub(/".*/, ""); print}'
}
is_store() { [ "$(store)" = "$1" ]; }
# Restart this server's responders so that they read the settings again.
respawn() {
	if [ "$SERVER" = apache ]; then
		"$DEV" apache-stop >/dev/null && "$DEV" apache-start >/dev/null
	else
		"$DEV" fcgi-reload
	fi
}
restore() {
	sed -i '/^RATE_LIMIT_STORE=/d' "$ENVF"
	respawn
	until_ok 100 is_store local
}
trap 'restore; lib_keep_sanitizer_reports; rm -rf "$OUT"' EXIT

check "the default store of a stack whose Redis is a unix socket is local" is_store local

sed -i '/^RATE_LIMIT_STORE=/d' "$ENVF"
echo RATE_LIMIT_STORE=redis >> "$ENVF"
respawn
check "RATE_LIMIT_STORE=redis: /metrics says redis decides" until_ok 100 is_store redis

# test-75 itself, as script 56 (its clients are 56's own addresses).
mkdir -p "$OUT/as56"
ln -s "$HERE/lib.sh" "$OUT/as56/lib.sh"
ln -s "$HERE/test-75-ratelimit.sh" "$OUT/as56/test-56-as-75.sh"
sleep 1	# the responders of the last generation finish what they serve
RL_STORE=redis bash "$OUT/as56/test-56-as-75.sh" > "$OUT/75.out" 2>&1
sed 's/^\(not \)\{0,1\}ok - \[[a-z]*\] /&redis store: /' "$OUT/75.out"
check "test-75 ran to its end on the redis store ($(grep -c '^ok' "$OUT/75.out") passed)" \
	grep -q 'Redis back' "$OUT/75.out"

# On the redis store every decision leaves its bucket in Redis.
ip=$(other_ip)
req GET '/api/cars?limit=1' -H "X-Forwarded-For: $ip"
check "a public read on the redis store keeps its TAT in Redis" \
	test -n "$(redis-cli -s "$VAR/run/redis.sock" get "rl:v1:public:ip:$ip")"

restore
trap 'lib_keep_sanitizer_reports; rm -rf "$OUT"' EXIT
ip=$(other_ip)
req GET '/api/cars?limit=1' -H "X-Forwarded-For: $ip"
check "back on the local store: limited (99 left)" eq "$(hdr X-RateLimit-Remaining)" 99
check "with no Redis key" eq "$(redis-cli -s "$VAR/run/redis.sock" exists "rl:v1:public:ip:$ip")" 0
