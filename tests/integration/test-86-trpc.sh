# test-86-trpc: the tRPC endpoint.  @trpc/client 11 and 10 (from npm)
# call the C server through the web server: queries, mutations, batches,
# errors, auth, superjson.  Then the wire rules with curl: batch limit,
# 405 with Allow, 207 for mixed batches, request-level errors, rate limits
# counted per item, never a stack.
. "$(dirname "$0")/lib.sh"

login() { curl -s -XPOST "$BASE/api/auth/login" -H 'Content-Type: application/json' \
	-d "{\"email\":\"$1\",\"password\":\"exodrive-dev-password\"}" | jq -r .accessToken; }
adm=$(login admin@exodrive.com); john=$(login john.doe@example.com)
car=$(curl -s "$BASE/api/cars/slug/bentley-bentayga" | jq -r .car.id)
enc() { jq -rn --argjson v "$1" '$v | @uri'; }

for v in 11 10; do
	dir=$VAR/npm-trpc$v
	if [ ! -d "$dir/node_modules/@trpc/client" ]; then
		mkdir -p "$dir"
		(cd "$dir" && npm install --no-audit --no-fund --silent "@trpc/client@$v" \
			"@trpc/server@$v" superjson@2 zod@3 typescript@5 >/dev/null 2>&1)
	fi
	check "@trpc/client $v is installed from npm" test -d "$dir/node_modules/@trpc/client"
	cp "$(dirname "$0")/../trpc/client.mjs" "$dir/"
	(cd "$dir" && node client.mjs "$BASE" "$adm" "$john" "$car") > "$OUT/trpc$v" 2>&1
	sed -n '/^\(not \)\?ok - /p' "$OUT/trpc$v" | while IFS= read -r line; do echo "${line/ - / - [$SERVER] }"; done
	check "@trpc/client $v ran every check ($(grep -c '^ok' "$OUT/trpc$v") passed)" bash -c "! grep -q '^not ok' '$OUT/trpc$v' && [ \$(grep -c '^ok' '$OUT/trpc$v') -ge 17 ]"
done

req GET "/trpc/car.byId?input=$(enc "{\"carId\":\"$car\"}")"
check "one query over curl: 200 {result:{data}}" eq "$STATUS $(js .result.data.car.id)" "200 $car"
req GET "/trpc/car.byId,nope,car.list?batch=1&input=$(enc "{\"0\":{\"carId\":\"$car\"},\"2\":{\"limit\":1}}")"
check "a mixed batch answers 207" eq "$STATUS" 207
check "an array in call order" eq "$(js '[.[0].result.data.car.id == "'"$car"'", .[1].error.data.code, .[2].result.data.pagination.limit] | map(tostring) | join(",")')" "true,NOT_FOUND,1"
check "each error has its path and httpStatus" eq "$(js '.[1].error.data.path + " " + (.[1].error.data.httpStatus|tostring) + " " + (.[1].error.code|tostring)')" "nope 404 -32004"
names=$(printf 'car.list,%.0s' $(seq 1 11)); names=${names%,}
req GET "/trpc/$names?batch=1"
check "a batch above TRPC_BATCH_MAX_SIZE (11 > 10) is 400, one object" eq "$STATUS $(js 'type') $(js .error.data.code)" "400 object BAD_REQUEST"
req GET "/trpc/car.list?batch=1&input=%5B1%5D"
check "a batch input that is not an object is 400" eq "$STATUS $(js .error.data.code)" "400 BAD_REQUEST"
req GET "/trpc/car.list?input=%7Bnot%20json"
check "malformed input JSON is 400" eq "$STATUS $(js .error.data.code)" "400 BAD_REQUEST"
req GET "/trpc/admin.car.setVisibility?input=$(enc "{\"carId\":\"$car\",\"hidden\":false}")"
check "GET on a mutation is 405 METHOD_NOT_SUPPORTED" eq "$STATUS $(js .error.data.code)" "405 METHOD_NOT_SUPPORTED"
check "with Allow: POST" eq "$(hdr Allow)" POST
req POST /trpc/car.list -H 'Content-Type: application/json' -d '{}'
check "POST on a query is 405 with Allow: GET" eq "$STATUS $(hdr Allow)" "405 GET"
req POST /trpc/car.list -H 'Content-Type: application/json' -d '{broken'
check "a malformed body is a tRPC error too (400)" eq "$STATUS $(js .error.data.code)" "400 BAD_REQUEST"
req GET "/trpc/admin.analytics"
check "auth as the REST twin: 401 UNAUTHORIZED without a token" eq "$STATUS $(js .error.data.code)" "401 UNAUTHORIZED"
check "carrying the twin's trace id" test -n "$(js .error.data.traceId)"
req GET "/trpc/car.byId?input=$(enc '{"carId":"x"}')"
check "validation as the REST twin: the field is named" eq "$(js '.error.data.details.fieldErrors | keys[0]')" carId
check "no stack anywhere" bash -c "! grep -q stack '$OUT/body'"
req GET "/trpc/superjson/car.byId?input=$(enc "{\"json\":{\"carId\":\"$car\"}}")"
check "superjson answers wrap data with Date marks" eq "$(js '.result.data.meta.values["car.created_at"][0]')" Date

# Each batch item counts against its REST twin's rate limit: 11 batches of
# 10 at once, then one call, in rounds until it is refused (a loaded
# machine refills one per 0.6 s while it serves them).  At most 4 rounds
# are 48 requests: refused at all, the items were charged one by one.
ip=$(other_ip)
names=$(printf 'car.list,%.0s' $(seq 1 10)); names=${names%,}
for round in 1 2 3 4; do
	seq 1 11 | xargs -P 11 -I@ curl -s -o /dev/null -H "X-Forwarded-For: $ip" "$BASE/trpc/$names?batch=1"
	req GET "/trpc/car.list" -H "X-Forwarded-For: $ip"
	[ "$STATUS" = 429 ] && break
done
check "110 batched calls spend the public tier (RATE_LIMIT_PUBLIC, 100 a minute in the tests): 429 TOO_MANY_REQUESTS" eq "$STATUS $(js .error.data.code)" "429 TOO_MANY_REQUESTS"
