# test-58-l1: the first-level cache (each responder's fresh answers in
# memory, dropped by Redis's invalidation messages) stays true.  A car of
# our own is changed by an admin 1000 times, each change followed at once
# by reads that land on the responders, which held the old answer in
# memory: no read is stale, and reads are served from memory between the
# changes.  The same across two masters on one Redis (a private pool).
# When the tracking connections are killed, nothing stale is served and
# the first level comes back within seconds.
# timeout: 900
. "$(dirname "$0")/lib.sh"
trap 'private_pool_stop 2>/dev/null; lib_keep_sanitizer_reports; rm -rf "$OUT"' EXIT

own_admin
A=(-H "Authorization: Bearer $OWN_ADMIN" -H 'Content-Type: application/json')
check "this script's address gets an override (unlimited)" own_allowance 0 900
check "and its admin too" allowance user "$OWN_ADMIN_ID" 0 900
name="L1 Car $SERVER $$ $RANDOM"
car_json() { printf '{"name":"%s","category":"Exotic","description":"first level","pricing":{"base_price":%s,"deposit_amount":900,"minimum_days":1},"images":[{"url":"https://img.example/l.webp","is_primary":true,"sort_order":0}]}' "$name" "$1"; }
req POST /api/admin/cars "${A[@]}" -d "$(car_json 1000)"
check "an admin adds a car of our own (201)" eq "$STATUS" 201
car=$(js .carId)

# reads URL N: N reads of URL by one client, one line each: "<body>\t<X-Cache-Store>".
reads() {
	local i args=()
	for ((i = 0; i < $2; i++)); do
		[ "$i" -gt 0 ] && args+=(--next)
		args+=(-s "${XFF[@]}" -w '\t%header{x-cache-store}\n' "$1")
	done
	command curl "${args[@]}"
}
# edit_then_read PRICE URL N: the admin sets the car's price, then N reads
# at once by the same client: "PRICE\t<body>\t<store>" per read, "edit
# <status>" when the change was not accepted.
edit_then_read() {
	local i args=(-s -o /dev/null -w '%{http_code}\n' -XPUT "$BASE/api/admin/cars/$car"
		"${XFF[@]}" "${A[@]}" -d "$(car_json "$1")")
	for ((i = 0; i < $3; i++)); do
		args+=(--next -s "${XFF[@]}" -w '\t%header{x-cache-store}\n' "$2")
	done
	command curl "${args[@]}" | awk -v p="$1" 'NR == 1 { if ($0 != "200") print "edit " $0; next }
		{ print p "\t" $0 }'
}
# parse: those lines into "<wanted price> <price read> <store or ->".
parse() {
	jq -Rr 'if startswith("edit ") then . else
		capture("^(?<w>[0-9]+)\t(?<b>.*)\t(?<s>[^\t]*)$") |
		.w + " " + (.b | fromjson | .car.pricing.base_price | tostring) + " " +
		(if .s == "" then "-" else .s end) end'
}

reads "$BASE/api/cars/$car" 12 > "$OUT/warm"
check "warm: reads after the first are served from memory (X-Cache-Store: l1)" grep -q "	l1$" "$OUT/warm"

# 1000 changes, each followed at once by 6 reads of the car.
for i in $(seq 1 1000); do
	edit_then_read $((1000 + i)) "$BASE/api/cars/$car" 6
done | parse > "$OUT/seen"
total=$(grep -vc '^edit' "$OUT/seen")
stale=$(awk '$1 != "edit" && $1 != $2' "$OUT/seen" | wc -l)
froml1=$(awk '$3 == "l1"' "$OUT/seen" | wc -l)
check "every change was accepted (200)" eq "$(grep -c '^edit' "$OUT/seen")" 0
check "6000 reads, each right after its change" eq "$total" 6000
check "0 stale answers among them (stale: $stale)" eq "$stale" 0
check "and reads were served from memory between changes ($froml1 of $total)" test "$froml1" -ge 500

# Two masters on one Redis: a private pool (its own table of limits, the
# same Redis and PostgreSQL) holds the car in memory; a change made
# through this stack is seen by the other master's very next reads.
port=$(( ${BASE##*:} + 58 ))
RATE_LIMIT_PUBLIC=100000/60 private_pool "$port"
until_ok 50 command curl -sf -o /dev/null "$I/api/health"
reads "$I/api/cars/$car" 8 > "$OUT/warm2"
check "the other master serves the car from memory too" grep -q "	l1$" "$OUT/warm2"
for i in $(seq 1 200); do
	code=$(command curl -s -o /dev/null -w '%{http_code}' -XPUT "$BASE/api/admin/cars/$car" \
		"${XFF[@]}" "${A[@]}" -d "$(car_json $((5000 + i)))")
	[ "$code" = 200 ] || echo "edit $code"
	reads "$I/api/cars/$car" 4 | sed "s/^/$((5000 + i))\t/"
done | parse > "$OUT/seen2"
stale2=$(awk '$1 != "edit" && $1 != $2' "$OUT/seen2" | wc -l)
l1b=$(awk '$3 == "l1"' "$OUT/seen2" | wc -l)
check "200 changes here, 800 reads there at once: 0 stale (stale: $stale2)" \
	bash -c "[ $stale2 -eq 0 ] && [ $(grep -vc '^edit' "$OUT/seen2") -eq 800 ] && ! grep -q '^edit' '$OUT/seen2'"
check "and the other master's reads came from its memory between changes ($l1b of 800)" test "$l1b" -ge 100
private_pool_stop

# The tracking connections killed (as a network cut would): what they
# would have carried is lost, so the first level is dropped and unused
# until each responder has a new one.
rc() { redis-cli -s "$VAR/run/redis.sock" "$@"; }
reads "$BASE/api/cars/$car" 12 > /dev/null
for i in $(seq 1 20); do
	rc client kill type pubsub > /dev/null
	edit_then_read $((9000 + i)) "$BASE/api/cars/$car" 6
done | parse > "$OUT/seen3"
stale3=$(awk '$1 != "edit" && $1 != $2' "$OUT/seen3" | wc -l)
check "20 times: tracking killed, then a change: 120 reads, 0 stale (stale: $stale3)" \
	bash -c "[ $stale3 -eq 0 ] && [ \$(grep -vc '^edit' '$OUT/seen3') -eq 120 ]"
back() { reads "$BASE/api/cars/$car" 8 | grep -q "	l1$"; }
check "the first level is back within 3 s" until_ok 30 back
check "responders hold new tracking connections" test "$(rc client list type pubsub | wc -l)" -ge 1
