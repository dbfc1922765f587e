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

# The modules of app/ stand in layers (README, "Layers"): no module reaches
# itself through the others' includes and calls.  booking.c <->
# booking_pay.c is the one cycle known: two files of the booking module,
# which share booking.h.
layers=$(dirname "$0")/layers.py
python3 "$layers" "$(dirname "$0")/../.." --known=booking,booking_pay > "$OUT/layers" 2>&1
rc=$?
check "app/ has no include or call cycle among its modules ($(tail -1 "$OUT/layers"))" eq "$rc" 0
sed 's/^/#   /' "$OUT/layers" | grep -v ' dependencies, '
mkdir -p "$OUT/planted/app"
cp "$(dirname "$0")"/../../app/*.[ch] "$OUT/planted/app/"
printf '\nvoid log_planted(void);\nvoid\nlog_planted(void)\n{\n\tmetrics_idle();\n}\n' >> "$OUT/planted/app/log.c"
python3 "$layers" "$OUT/planted" --known=booking,booking_pay > "$OUT/planted.out" 2>&1
rc=$?
check "a call from log.c up to metrics.c is reported as a cycle" bash -c \
	"[ $rc = 1 ] && grep -q '^  log -> metrics: metrics_idle' '$OUT/planted.out'"
