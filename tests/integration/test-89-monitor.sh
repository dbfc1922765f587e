# test-89-monitor: `exodrive monitor` checks the stack against its
# thresholds: all pass on a healthy stack (exit 0); a threshold crossed is
# printed, POSTed as a JSON alert to MONITOR_WEBHOOK_URL, and exits 1.
. "$(dirname "$0")/lib.sh"
only_on lighttpd

port=${BASE##*:}; RPORT=$((port + 51)); LOGF=$OUT/alerts.log
python3 "$(dirname "$0")/../stubs/receiver.py" "$RPORT" "$LOGF" &
rpid=$!
up() { curl -s -o /dev/null -XPOST "http://127.0.0.1:$RPORT/ping" -d ''; }
until_ok 50 up
: > "$LOGF"
# The checks of what users feel judge the shared stack's answers, which
# earlier scripts fill with 5xx, 429s and slow ones on purpose: this script
# checks the infrastructure (test-61 checks those).
M() { MONITOR_5XX_PCT=100 MONITOR_429_PCT=100 MONITOR_P95_MS=600000 \
	"$BIN" --config "$VAR/exodrive.env" monitor "$@"; }
# Inbound webhook dead letters other scripts leave waiting (test-77's) are
# not this script's to judge: its healthy stack allows as many as wait now
# (test-67 checks that threshold).
MONITOR_WEBHOOK_DEAD_LETTERS=$(psql -h "$VAR/pg/sock" -U exodrive -d exodrive -XAtc \
	"select count(*) from webhook_retries where status = 'dead_letter'")
export MONITOR_WEBHOOK_DEAD_LETTERS

M --report > "$OUT/report"; rc=$?
check "a healthy stack passes every check (exit 0)" eq "$rc" 0
check "--report lists PostgreSQL, Redis, the cache and every queue ($(wc -l < "$OUT/report") checks)" eq "$(grep -c -E '^(postgresql|redis|cache|queue)' "$OUT/report")" 14
check "all ok" bash -c "! grep -q ALERT '$OUT/report'"
M > "$OUT/quiet"
check "without --report a healthy stack prints nothing (for cron)" test ! -s "$OUT/quiet"
check "--json is the same checks as JSON" eq "$(M --report --json | jq '[.[] | select(.check | test("^(postgresql|redis|cache|queue)"))] | length')" 14

MONITOR_PG_CONNECTIONS_PCT=1 MONITOR_WEBHOOK_URL="http://127.0.0.1:$RPORT/alerts" M > "$OUT/alert"; rc=$?
check "a crossed threshold exits 1" eq "$rc" 1
check "and prints that check only" eq "$(cut -c1-28 "$OUT/alert" | sed 's/ *$//')" "postgresql connections"
arrived() { [ -s "$LOGF" ]; }
check "the alert reaches the webhook" until_ok 30 arrived
check "as JSON naming the service, host and failed check" eq "$(jq -r '.body | fromjson | "\(.service) \(.host != "") \(.alerts[0].check) \(.alerts | length)"' "$LOGF")" "exodrive true postgresql connections 1"
kill "$rpid" 2>/dev/null || true
