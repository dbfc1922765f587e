# test-99-contract: runs after the others.  The OpenAPI document of the
# route table is valid OpenAPI 3.1 (a validator from npm), the same from the
# API and the command line, has an operation for every route of
# app/routes.c, and every JSON answer the suite recorded through req()
# matches its route's schema at its status (errors: the envelope), with
# every status one the operation lists.  Every operation must have been
# answered at least once, but those named below with the reason.
. "$(dirname "$0")/lib.sh"
SRC=$(cd "$(dirname "$0")/../.." && pwd)
REC=$VAR/responses.jsonl

NPM=$VAR/npm-contract
if [ ! -d "$NPM/node_modules/ajv-formats" ]; then
	mkdir -p "$NPM"
	(cd "$NPM" && npm install --no-audit --no-fund --silent \
		@seriousme/openapi-schema-validator@2 ajv@8 ajv-formats@3 >/dev/null 2>&1)
fi
cp "$SRC/tests/contract/check.mjs" "$NPM/"
check "the validator and Ajv are installed from npm" test -d "$NPM/node_modules/ajv-formats"

# The operations no test of the suite calls, each with why.  check.mjs
# fails on one that is answered after all, so this list cannot go stale.
cat > "$OUT/unanswered" <<'EOF'
admin.dashboard.page     HTML only, and req() records JSON answers (test-84 and test-99-prism call it)
auth.logout              204 without a body, which req() cannot record; no test sends it a bad one (test-70 calls it)
trpc.superjson.mutation  called only by the tRPC client of test-86 (node), whose answers req() does not see
EOF

req GET /api/openapi.json
check "GET /api/openapi.json answers 200" eq "$STATUS" 200
cp "$OUT/body" "$OUT/doc.json"
"$BIN" --config "$VAR/exodrive.env" openapi > "$OUT/cli.json"
check "exodrive openapi prints the same document" eq "$(jq -S . "$OUT/cli.json" | md5sum)" "$(jq -S . "$OUT/doc.json" | md5sum)"
ops=$(jq '[.paths[] | to_entries[] | select(.value | type == "object" and has("operationId"))] | length' "$OUT/doc.json")
table=$(grep -c '^[[:space:]]*\.operation = "' "$SRC/app/routes.c")
check "it has an operation for each of the $table routes of app/routes.c ($ops)" eq "$ops" "$table"
node "$NPM/check.mjs" "$OUT/doc.json" > "$OUT/valid" 2>&1
check "it is valid OpenAPI 3.1 ($(head -1 "$OUT/valid"))" grep -q '^document valid: OpenAPI 3.1' "$OUT/valid"

# The recording works: one more answer, recorded as it came.
before=$(wc -l < "$REC" 2>/dev/null || echo 0)
req GET /api/health
after=$(wc -l < "$REC" 2>/dev/null || echo 0)
check "req() recorded the answer it got ($before -> $after lines)" eq "$after" "$((before + 1))"
check "the recorded line is that answer" eq "$(tail -1 "$REC" | jq -c '[.method, .path, .status, .body.status]')" '["GET","/api/health",200,"ok"]'
check "the recording holds the suite's answers, not just this test's ($after lines)" test "$after" -gt 100

node "$NPM/check.mjs" "$OUT/doc.json" "$REC" "$OUT/unanswered" > "$OUT/answers" 2>&1
rc=$?
check "every recorded answer matches its schema and status, and every operation was answered ($(tail -1 "$OUT/answers"))" eq "$rc" 0
[ "$rc" = 0 ] || head -30 "$OUT/answers" | sed 's/^/#   /'

# Numbers as a person writes them: no recorded answer, read as its bytes
# came (responses.raw: jq would rewrite the numbers), has a number with
# more than 10 significant digits (1.1499999999999999 is noise).
python3 "$(dirname "$0")/numbers.py" "$VAR/responses.raw" > "$OUT/numbers" 2>&1
check "no float noise in any recorded answer ($(tail -1 "$OUT/numbers"))" grep -q ' 0 noisy$' "$OUT/numbers"
grep '^noise' "$OUT/numbers" | sed 's/^/#   /'
