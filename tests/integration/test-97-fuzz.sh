# test-97-fuzz: a bounded libFuzzer run of each target (tests/fuzz: the
# multipart reader, the Mustache renderer, JWT verification and base64url,
# JSON bodies with the upload-path and CSV rules, whole requests through
# the dispatcher (request line, query, headers, tRPC batches), and every
# route's input validator) under ASan and UBSan,
# from the seed corpora.  `make fuzz` runs them longer.
. "$(dirname "$0")/lib.sh"
only_on lighttpd

BUILD=$(cd "$(dirname "$BIN")/.." && pwd)
check "clang with libFuzzer is installed" test -n "$(ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a 2>/dev/null)"
FUZZ_SECONDS=${FUZZ_SECONDS:-15} "$(dirname "$0")/../fuzz/run.sh" "$BUILD" > "$OUT/fuzz" 2>&1
rc=$?
grep -E '^(not )?ok - ' "$OUT/fuzz" | sed "s/ - / - [$SERVER] /"
[ "$rc" = 0 ] || tail -20 "$OUT/fuzz" | sed 's/^/#   /'
check "every target ran its time without a crash ($(grep -c '^ok - fuzz_' "$OUT/fuzz") of 6)" eq "$rc $(grep -c '^ok - fuzz_' "$OUT/fuzz")" "0 6"
