# test-00-docs: the README's settings table is the one the binary prints.
. "$(dirname "$0")/lib.sh"
only_on lighttpd

"$BIN" config --markdown > "$OUT/table"
missing=$(grep -vxF -f <(sed 's/\r$//' "$(dirname "$0")/../../README.md") "$OUT/table" | head -3)
check "README lists every setting as exodrive config --markdown prints it" test -z "$missing"
check "exodrive --version names the version" bash -c "'$BIN' --version | grep -q '^exodrive [0-9]'"
check "an invalid setting stops start-up with its name" bash -c \
	"MAX_BODY_BYTES=lots '$BIN' config 2>&1 >/dev/null | grep -q MAX_BODY_BYTES"
check "fcgi without --listen on a terminal refuses to start" bash -c \
	"! '$BIN' fcgi </dev/null >/dev/null 2>&1"
python3 "$(dirname "$0")/reliability_names.py" "$(dirname "$0")/../.." > "$OUT/names"
check "docs/RELIABILITY.md quotes only checks that exist ($(tail -1 "$OUT/names"))" grep -q ' 0 not found$' "$OUT/names"
grep -v ' not found$' "$OUT/names" | sed 's/^/#   /'
