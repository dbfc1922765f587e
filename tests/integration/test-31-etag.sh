# test-31-etag: validators on the cacheable GETs.  A strong ETag made from
# the answer's bytes (the same on every responder, cached or not),
# If-None-Match answered 304 with no body (exact, weak, list and * forms;
# HEAD too), still charged to the rate limit and carrying the cache and
# trace fields; a changed car changes its tags, and the old tag gets the
# new answer.
. "$(dirname "$0")/lib.sh"

tag_of_bytes() { echo "\"$(sha256sum "$OUT/body" | cut -c1-24)\""; }
# The public tier's admitted count (the service's metrics; the scripts
# run one at a time, so what moves it here is ours).
admitted() { FROM=loopback curl -s "$BASE/metrics" |
	sed -n 's/^exodrive_rate_limit_total{tier="public",decision="allowed"} \([0-9]*\)$/\1/p'; }
own_admin
A=(-H "Authorization: Bearer $OWN_ADMIN" -H 'Content-Type: application/json')

# A car of this script's own, so its tags change only when we change it.
req POST /api/admin/cars "${A[@]}" -d "$(jq -nc --arg n "Etag Car $SERVER $$ $RANDOM" '{name:$n,
	category:"Exotic", description:"first words", pricing:{base_price:420, deposit_amount:900, minimum_days:1},
	images:[{url:"https://img.example/e.webp", is_primary:true, sort_order:0}]}')"
check "an admin adds a car of our own (201)" eq "$STATUS" 201
car=$(js .carId); slug=$(js .slug)

req GET "/api/cars/$car"
t1=$(hdr ETag)
check "a cacheable GET carries a strong ETag (\"24 hex\")" bash -c "[[ '$t1' =~ ^\\\"[0-9a-f]{24}\\\"$ ]]"
check "the tag is the SHA-256 of the answer's bytes (deterministic from them)" eq "$t1" "$(tag_of_bytes)"
check "with Vary: Accept-Encoding (the web server may compress it)" bash -c "hdr() { grep -i \"^\$1:\" '$OUT/headers' | cut -d' ' -f2- | tr -d '\r'; }; hdr Vary | grep -q Accept-Encoding"
for i in 1 2 3 4 5 6; do
	req GET "/api/cars/$car"
	echo "$(hdr X-Cache) $(hdr ETag)"
done > "$OUT/tags"
check "every responder gives the same tag on its hits (6 requests)" eq "$(awk '{print $2}' "$OUT/tags" | sort -u)" "$t1"
check "served from the cache (HIT): the tag came with the entry" grep -q '^HIT ' "$OUT/tags"
req GET "/api/cars/$car" -H "Authorization: Bearer $OWN_ADMIN" -H 'Cache-Control: no-cache'
check "an admin's uncached read (BYPASS) has the same tag" eq "$(hdr X-Cache) $(hdr ETag)" "BYPASS $t1"
req GET "/api/cars/slug/$slug"
check "the car by slug is tagged by its own bytes" eq "$(hdr ETag)" "$(tag_of_bytes)"
req GET "/api/cars?limit=3"
check "the fleet list is tagged" eq "$(hdr ETag)" "$(tag_of_bytes)"
req GET "/api/cars/$car/reviews"
check "reviews are tagged" eq "$(hdr ETag)" "$(tag_of_bytes)"
req GET "/api/cars/availability?carId=$car&startDate=$(date -u -d '+30 days' +%F)&endDate=$(date -u -d '+33 days' +%F)"
check "availability is tagged" eq "$(hdr ETag)" "$(tag_of_bytes)"
req GET /api/health
check "an uncacheable GET has no ETag" eq "$(hdr ETag)" ""
req GET /api/bookings/mine -H "Authorization: Bearer $OWN_ADMIN"
check "nor a private one" eq "$(hdr ETag)" ""

# If-None-Match.  Its own client address, so the charges are ours alone.
ip=$(other_ip)
cond() {	# cond VALUE [curl args]: a conditional GET of our car
	local v=$1; shift
	rm -f "$OUT/body"	# curl writes no file for an empty body
	req GET "/api/cars/$car" -H "X-Forwarded-For: $ip" -H "If-None-Match: $v" "$@"
}
req GET "/api/cars/$car" -H "X-Forwarded-For: $ip"
n0=$(admitted)
cond "$t1"
check "If-None-Match with the tag: 304" eq "$STATUS" 304
check "with no body" test ! -s "$OUT/body"
check "carrying the tag" eq "$(hdr ETag)" "$t1"
check "and Cache-Control, X-Cache, X-Trace-Id" bash -c "[ '$(hdr Cache-Control)' = 'public, max-age=300' ] && [ '$(hdr X-Cache)' = HIT ] && [ -n '$(hdr X-Trace-Id)' ]"
check "and the rate-limit fields (X-RateLimit-*, RateLimit-Policy, RateLimit)" bash -c \
	"[ -n '$(hdr X-RateLimit-Remaining)' ] && [ '$(hdr RateLimit-Policy)' = '\"public\";q=100;w=60' ] && [[ '$(hdr RateLimit)' =~ ^\\\"public\\\"\;r=[0-9]+\;t=[0-9]+$ ]]"
cond "W/$t1"
check "the weak form W/\"...\" matches too (weak comparison): 304" eq "$STATUS" 304
cond "\"0123456789abcdef01234567\", W/\"x\",$t1"
check "a list naming the tag among others: 304" eq "$STATUS" 304
cond '*'
check "*: 304 (the answer exists)" eq "$STATUS" 304
cond "\"${t1//\"/}-gzip\""
check "the tag a compressing web server gave it (-gzip): 304 with that tag" eq "$STATUS $(hdr ETag)" "304 \"${t1//\"/}-gzip\""
n5=$(admitted)
check "each 304 was charged to the public tier (5 of them: $n0 -> $n5 admitted)" eq "$((n5 - n0))" 5
cond '"0123456789abcdef01234567"'
check "another tag: 200 with the answer" eq "$STATUS $(hdr ETag)" "200 $t1"
check "its body is the answer" eq "$(js .car.id)" "$car"
cond "\"${t1//\"/}-gzipx\""
check "a tag that only starts like ours: 200" eq "$STATUS" 200
cond 'not-a-tag'
check "a malformed value: 200" eq "$STATUS" 200
STATUS=$(curl -s -o "$OUT/body" -D "$OUT/headers" -w '%{http_code}' -I -H "X-Forwarded-For: $ip" \
	-H "If-None-Match: $t1" "$BASE/api/cars/$car")
check "HEAD with the tag: 304" eq "$STATUS" 304

# A change to the car: new bytes, new tag; the old tag gets the new answer.
list="/api/cars?search=$(jq -rn --arg s "Etag Car $SERVER $$" '$s|@uri')"
req GET "$list"
l1=$(hdr ETag)
check "the fleet list with our car is tagged" eq "$(js '.cars | length') $l1" "1 $(tag_of_bytes)"
req PUT "/api/admin/cars/$car" "${A[@]}" -d "$(jq -nc --arg n "Etag Car $SERVER $$ renamed $RANDOM" '{name:$n,
	category:"Exotic", description:"second words", pricing:{base_price:430, deposit_amount:900, minimum_days:1},
	images:[{url:"https://img.example/e.webp", is_primary:true, sort_order:0}]}')"
check "the admin changes the car (200)" eq "$STATUS" 200
cond "$t1"
t2=$(hdr ETag)
check "after the change the old tag is not matched: 200" eq "$STATUS" 200
check "with the new answer and a new tag" bash -c "[ '$(js .car.pricing.base_price)' = 430 ] && [ '$t2' != '$t1' ] && [ '$t2' = '$(tag_of_bytes)' ]"
cond "$t2"
check "the new tag: 304" eq "$STATUS" 304
req GET "$list"
check "the fleet list's tag changed too" bash -c "[ '$(hdr ETag)' != '$l1' ] && [ '$(hdr ETag)' = '$(tag_of_bytes)' ]"
req DELETE "/api/admin/cars/$car" -H "Authorization: Bearer $OWN_ADMIN"
cond "$t2"
check "a deleted car: 404, whatever the tag" eq "$STATUS" 404
