# test-87-contract-ts: `exodrive contract-ts` writes a TypeScript module
# (zod inputs, output types, AppRouter); tsc compiles a typed
# @trpc/client 11 sample against it and refuses a deliberately wrong call.
. "$(dirname "$0")/lib.sh"
only_on lighttpd

dir=$VAR/npm-trpc11
if [ ! -d "$dir/node_modules/typescript" ] || [ ! -d "$dir/node_modules/zod" ]; then
	mkdir -p "$dir"
	(cd "$dir" && npm install --no-audit --no-fund --silent @trpc/client@11 \
		@trpc/server@11 superjson@2 zod@3 typescript@5 >/dev/null 2>&1)
fi
check "typescript, zod and @trpc 11 are installed from npm" test -x "$dir/node_modules/.bin/tsc"
T=$(dirname "$0")/../trpc
"$BIN" --config "$VAR/exodrive.env" contract-ts > "$dir/contract.ts"
check "exodrive contract-ts writes the module" grep -q '^export type AppRouter = typeof appRouter;' "$dir/contract.ts"
check "with a zod input per procedure (car.byId: a uuid)" grep -q '"car.byId": z.object({ "carId": z.string().uuid(), }).strict()' "$dir/contract.ts"
check "and the output types (CarDetail)" grep -q '^export type CarDetail = ' "$dir/contract.ts"
cp "$T/sample-ok.ts" "$T/sample-wrong.ts" "$dir/"
for s in ok wrong; do
	jq --arg f "sample-$s.ts" '. + {files: ["contract.ts", $f]}' "$T/tsconfig.json" > "$dir/tsconfig.$s.json"
done
(cd "$dir" && ./node_modules/.bin/tsc -p tsconfig.ok.json) > "$OUT/ok" 2>&1
check "tsc compiles a typed client of queries and mutations ($(head -c 200 "$OUT/ok"))" test ! -s "$OUT/ok"
(cd "$dir" && ./node_modules/.bin/tsc -p tsconfig.wrong.json) > "$OUT/wrong" 2>&1
check "tsc refuses a number for carId" grep -q "sample-wrong.ts(11,.*Type 'number' is not assignable to type 'string'" "$OUT/wrong"
check "and a sortBy outside its choices" grep -q "sample-wrong.ts(12,.*'\"colour\"' is not assignable" "$OUT/wrong"
