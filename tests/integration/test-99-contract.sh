# test-99-contract: runs last.  The OpenAPI document of the route table is
# valid OpenAPI 3.1 (a validator from npm), the same from the API and the
# command line, and every JSON answer the suite recorded through req()
# matches its route's schema (errors: the envelope).
. "$(dirname "$0")/lib.sh"

NPM=$VAR/npm-contract
if [ ! -d "$NPM/node_modules/ajv-formats" ]; then
	mkdir -p "$NPM"
	(cd "$NPM" && npm install --no-audit --no-fund --silent \
		@seriousme/openapi-schema-validator@2 ajv@8 ajv-formats@3 >/dev/null 2>&1)
fi
cp "$(dirname "$0")/../contract/check.mjs" "$NPM/"
check "the validator and Ajv are installed from npm" test -d "$NPM/node_modules/ajv-formats"

req GET /api/openapi.json
check "GET /api/openapi.json answers 200" eq "$STATUS" 200
cp "$OUT/body" "$OUT/doc.json"
"$BIN" --config "$VAR/exodrive.env" openapi > "$OUT/cli.json"
check "exodrive openapi prints the same document" eq "$(jq -S . "$OUT/cli.json" | md5sum)" "$(jq -S . "$OUT/doc.json" | md5sum)"
check "every route is in it ($(jq '[.paths[] | keys[]] | length' "$OUT/doc.json") operations)" eq "$(jq '[.paths[] | keys[]] | length' "$OUT/doc.json")" "$("$BIN" --config "$VAR/exodrive.env" openapi | jq '[.paths[][]] | length')"
node "$NPM/check.mjs" "$OUT/doc.json" > "$OUT/valid" 2>&1
check "it is valid OpenAPI 3.1 ($(head -1 "$OUT/valid"))" grep -q '^document valid: OpenAPI 3.1' "$OUT/valid"

node "$NPM/check.mjs" "$OUT/doc.json" "$VAR/responses.jsonl" > "$OUT/answers" 2>&1
rc=$?
check "every recorded answer matches its schema ($(tail -1 "$OUT/answers"))" eq "$rc" 0
[ "$rc" = 0 ] || head -20 "$OUT/answers" | sed 's/^/#   /'
