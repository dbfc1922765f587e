# test-34-trpc-wire-numbers: (1) the tRPC wire rules at the edges, with
# curl and with @trpc/client 10 and 11 (tests/trpc/wire.mjs): HEAD on
# /trpc/... is 204 with no body; PUT and DELETE get 405 in tRPC's error
# shape (not the REST envelope); malformed input is v10's PARSE_ERROR for
# a v10 client (it sends Content-Type: application/json on GET, 11 does
# not) and v11's BAD_REQUEST otherwise.  (2) Numbers as a person writes
# them: a booking's multipliers and rates short (1.15, 0.1), its money
# with two decimals; and no recorded answer (this script's reads across
# the API, and whatever the suite recorded before it) has a number with
# more than 10 significant digits.
# timeout: 600
. "$(dirname "$0")/lib.sh"
enc() { jq -rn --arg v "$1" '$v | @uri'; }

# (1) curl.
for base in /trpc /trpc/superjson; do
	STATUS=$(curl -s -o "$OUT/body" -D "$OUT/headers" -w '%{http_code}' -I "$BASE$base/car.list")
	check "HEAD $base/car.list: 204" eq "$STATUS" 204
	check "with no body (no Content-Length, no Content-Type)" bash -c "! grep -qiE '^Content-(Length: [1-9]|Type)' '$OUT/headers'"
done
req PUT /trpc/car.list -H 'Content-Type: application/json' -d '{}'
check "PUT /trpc/car.list: 405" eq "$STATUS" 405
check "in tRPC's shape: -32005 METHOD_NOT_SUPPORTED, httpStatus 405, path car.list" eq \
	"$(js '[.error.code, .error.data.code, .error.data.httpStatus, .error.data.path] | map(tostring) | join(" ")')" \
	"-32005 METHOD_NOT_SUPPORTED 405 car.list"
check "with tRPC 11's message" eq "$(js .error.message)" 'Unsupported PUT-request to query procedure at path "car.list"'
check "not the REST envelope (no status, no error.timestamp)" eq "$(js '[has("status"), (.error | has("timestamp"))] | tostring')" "[false,false]"
check "with Allow" test -n "$(hdr Allow)"
req DELETE /trpc/admin.car.setVisibility
check "DELETE on a mutation: 405 naming it a mutation" eq "$STATUS $(js .error.message)" \
	'405 Unsupported DELETE-request to mutation procedure at path "admin.car.setVisibility"'
req PATCH /trpc/superjson/car.list -H 'Content-Type: application/json' -d '{}'
check "PATCH on the superjson endpoint: 405, wrapped as superjson errors are" eq "$STATUS $(js .error.json.data.code)" "405 METHOD_NOT_SUPPORTED"
req GET "/trpc/car.list?input=%7Bbad"
check "malformed input (a v11 client: no Content-Type on GET): 400 BAD_REQUEST -32600 with the path" eq \
	"$STATUS $(js '[.error.data.code, .error.code, .error.data.path] | map(tostring) | join(" ")')" "400 BAD_REQUEST -32600 car.list"
req GET "/trpc/car.list?input=%7Bbad" -H 'Content-Type: application/json'
check "malformed input from a v10 client (Content-Type: application/json on GET): 400 PARSE_ERROR -32700, no path" eq \
	"$STATUS $(js '[.error.data.code, .error.code, (.error.data | has("path"))] | map(tostring) | join(" ")')" "400 PARSE_ERROR -32700 false"
req GET "/trpc/car.list,car.list?batch=1&input=%7Bbad" -H 'Content-Type: application/json'
check "a v10 batch too: one PARSE_ERROR object" eq "$STATUS $(js 'type') $(js .error.data.code)" "400 object PARSE_ERROR"
req GET "/trpc/superjson/car.list?input=%7Bbad" -H 'Content-Type: application/json'
check "superjson, v10: PARSE_ERROR wrapped" eq "$(js .error.json.data.code)" PARSE_ERROR
req GET "/trpc/car.list?input=$(enc '{"limit":1}')" -H 'Content-Type: application/json'
check "a v10 client's good query still answers" eq "$STATUS $(js '.result.data.cars | length')" "200 1"

# (1) @trpc/client 10 and 11, installed from npm as test-86 does.
for v in 11 10; do
	dir=$VAR/npm-trpc$v
	if [ ! -d "$dir/node_modules/@trpc/client" ]; then
		mkdir -p "$dir"
		(cd "$dir" && npm install --no-audit --no-fund --silent "@trpc/client@$v" \
			"@trpc/server@$v" superjson@2 zod@3 typescript@5 >/dev/null 2>&1)
	fi
	check "@trpc/client $v is installed from npm" test -d "$dir/node_modules/@trpc/client"
	cp "$(dirname "$0")/../trpc/wire.mjs" "$dir/"
	(cd "$dir" && node wire.mjs "$BASE") > "$OUT/wire$v" 2>&1
	sed -n '/^\(not \)\?ok - /p' "$OUT/wire$v" | while IFS= read -r line; do echo "${line/ - / - [$SERVER] }"; done
	check "@trpc/client $v ran every wire check ($(grep -c '^ok' "$OUT/wire$v") passed)" bash -c \
		"! grep -q '^not ok' '$OUT/wire$v' && [ \$(grep -c '^ok' '$OUT/wire$v') -ge 9 ]"
	grep -v '^\(not \)\?ok - ' "$OUT/wire$v" | head -5 | sed 's/^/#   /'
done

# (2) A booking over a weekend: the weekend rule (1.15) and the sales tax
# (0.10) apply.
own_admin
A=(-H "Authorization: Bearer $OWN_ADMIN" -H 'Content-Type: application/json')
req POST /api/admin/cars "${A[@]}" -d "$(jq -nc --arg n "Numbers Car $SERVER $$ $RANDOM" '{name:$n,
	category:"Exotic", pricing:{base_price:333.33, deposit_amount:1000, minimum_days:1},
	images:[{url:"https://img.example/n.webp", is_primary:true, sort_order:0}]}')"
car=$(js .carId)
sat=$(( (6 - $(date -u +%w) + 7) % 7 + 70 ))	# a Saturday ten weeks or so away
start=$(date -u -d "+$sat days" +%F); end=$(date -u -d "+$((sat + 3)) days" +%F)
ip=$(other_ip)
raw_from=$(($(wc -l < "$VAR/responses.raw" 2>/dev/null || echo 0) + 1))
req POST /api/bookings -H "X-Forwarded-For: $ip" -H 'Content-Type: application/json' -d "$(jq -nc \
	--arg c "$car" --arg s "$start" --arg e "$end" '{carId:$c, startDate:$s, endDate:$e,
	customerDetails:{fullName:"Number Person", email:"numbers@example.com"}}')"
check "a weekend booking of our car (201)" eq "$STATUS" 201
tr -d '\n' < "$OUT/body" > "$OUT/raw"
check "peakMultiplier is written 1.15" grep -q '"peakMultiplier":1.15[,}]' "$OUT/raw"
check "taxRate is written 0.1" grep -q '"taxRate":0.1[,}]' "$OUT/raw"
check "discountPercentage is written 0" grep -q '"discountPercentage":0[,}]' "$OUT/raw"
money='"(basePricePerDay|subtotal|mandatoryFees|locationFees|taxes|total|depositRequired|totalPrice|securityDepositAmount|amount)":'
grep -oE "$money-?[0-9.eE+-]+" "$OUT/raw" > "$OUT/money"
check "money always has two decimals ($(wc -l < "$OUT/money") amounts: $(paste -sd' ' "$OUT/money" | cut -c1-160))" \
	bash -c "[ -s '$OUT/money' ] && ! grep -vqE ':-?[0-9]+\.[0-9]{2}$' '$OUT/money'"
check "the base price per day as the admin wrote it: 333.33" grep -q '"basePricePerDay":333.33[,}]' "$OUT/raw"

# Reads across the API, as a visitor and as an admin: every GET of the
# document that needs no path parameter, and the car's own pages.
"$BIN" --config "$VAR/exodrive.env" openapi > "$OUT/doc.json"
jq -r '.paths | to_entries[] | select(.value.get and (.key | test("[{]") | not)
	and (.key | test("^/trpc|/metrics|/pool-status|openapi") | not)) | .key' "$OUT/doc.json" > "$OUT/gets"
while read -r p; do
	req GET "$p" -H "Authorization: Bearer $OWN_ADMIN"
done < "$OUT/gets"
for p in "/api/cars/$car" "/api/cars/$car/reviews" \
	"/api/cars/availability?carId=$car&startDate=$start&endDate=$end" "/api/admin/cars/$car"; do
	req GET "$p" -H "Authorization: Bearer $OWN_ADMIN"
done
python3 "$(dirname "$0")/numbers.py" "$VAR/responses.raw" "$raw_from" > "$OUT/scan" 2>&1
check "this script's answers across the API ($(wc -l < "$OUT/gets") GETs and more): no float noise ($(tail -1 "$OUT/scan"))" \
	grep -q ' 0 noisy$' "$OUT/scan"
grep '^noise' "$OUT/scan" | sed 's/^/#   /'
python3 "$(dirname "$0")/numbers.py" "$VAR/responses.raw" > "$OUT/scan-all" 2>&1
check "every answer recorded so far in this run: no float noise ($(tail -1 "$OUT/scan-all"))" \
	grep -q ' 0 noisy$' "$OUT/scan-all"
grep '^noise' "$OUT/scan-all" | sed 's/^/#   /'
