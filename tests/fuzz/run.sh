#!/usr/bin/env bash
# run.sh -- build the libFuzzer targets with clang (ASan and UBSan) and
# run each for FUZZ_SECONDS (default 20) from its seed corpus.
#
#   tests/fuzz/run.sh BUILD_DIR [TARGET...]
#
# BUILD_DIR is a configured build tree (its config.h and generated
# sources).  A crash stops with its reproducer in BUILD_DIR/fuzz/; a
# crash found becomes a regression seed in tests/fuzz/corpus/TARGET.
set -eu
SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "$1" && pwd); shift
OUT=$BUILD/fuzz
SECS=${FUZZ_SECONDS:-20}
TARGETS=${*:-multipart mustache jwt json request validate}
mkdir -p "$OUT/obj"
PKGS="json-c hiredis libpq libcrypto libcurl vips"
CFLAGS="-g -O1 -fsanitize=address,undefined -fno-sanitize-recover=undefined
 -I$BUILD -I$SRC/app -DEXODRIVE_SQLDIR=\"/nonexistent\" -DEXODRIVE_SEEDDIR=\"/nonexistent\"
 -DEXODRIVE_TEMPLATEDIR=\"/nonexistent\" $(pkg-config --cflags $PKGS)"
LIBS="$(pkg-config --libs $PKGS) -lfcgi -lcrypt -lm"

# The application, once, instrumented for coverage (no main).
objs=()
gen=()
[ "$BUILD" = "$SRC" ] || gen=("$BUILD"/app/contract_schemas.c)	# generated in the build tree
for c in "$SRC"/app/*.c "${gen[@]}"; do
	[ "$(basename "$c")" = main.c ] && continue
	o=$OUT/obj/$(basename "$c" .c).o
	if [ ! -f "$o" ] || [ "$c" -nt "$o" ]; then
		# shellcheck disable=SC2086
		clang $CFLAGS -fsanitize=fuzzer-no-link -c "$c" -o "$o"
	fi
	objs+=("$o")
done
rc=0
for t in $TARGETS; do
	# shellcheck disable=SC2086
	clang $CFLAGS -fsanitize=fuzzer "$SRC/tests/fuzz/fuzz_$t.c" "${objs[@]}" $LIBS -o "$OUT/fuzz_$t"
	mkdir -p "$OUT/corpus_$t"
	cp -n "$SRC/tests/fuzz/corpus/$t/"* "$OUT/corpus_$t/" 2>/dev/null || true
	echo "# fuzz_$t: ${SECS}s"
	if ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 "$OUT/fuzz_$t" -max_total_time="$SECS" \
	    -max_len=8192 -timeout=10 -print_final_stats=1 -artifact_prefix="$OUT/crash_$t-" \
	    "$OUT/corpus_$t" > "$OUT/fuzz_$t.log" 2>&1; then
		echo "ok - fuzz_$t: $(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$OUT/fuzz_$t.log" | awk '{print $2}') runs, no crash"
	else
		echo "not ok - fuzz_$t crashed: $(ls "$OUT"/crash_"$t"-* 2>/dev/null | head -1)"
		grep -m5 -E 'ERROR|SUMMARY' "$OUT/fuzz_$t.log" | sed 's/^/#   /'
		rc=1
	fi
done
exit "$rc"
