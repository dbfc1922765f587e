# test-61-alerts: what users feel.  The shipped Prometheus rules load in
# promtool and, with the Grafana dashboard, name only metrics /metrics
# exports; `exodrive monitor` judges the 5xx share, the p95 of each route
# family and the 429 share from the metrics scoreboard, each passing on
# quick healthy answers and failing (exit 1, an ALERT line) on 5xx, slow
# answers and 429s driven through private pools.
# timeout: 300
. "$(dirname "$0")/lib.sh"

OPS=$(dirname "$0")/../../ops
RULES=$OPS/prometheus/exodrive.rules.yml DASH=$OPS/grafana/exodrive-dashboard.json

# --- the rules and the dashboard (both servers) ---------------------------
have_promtool() { command -v promtool > /dev/null; }
check "promtool is installed (Debian package prometheus; ./dev up installs it)" have_promtool
promtool check rules "$RULES" > "$OUT/promtool" 2>&1; rc=$?
check "promtool check rules accepts $(basename "$RULES") ($(grep -o '[0-9]* rules found' "$OUT/promtool"))" eq "$rc" 0
check "the rules alert on the 5xx share, slow routes and the 429 share" eq \
	"$(grep -cE 'alert: Exodrive(High5xxShare|SlowRoute|High429Share)$' "$RULES")" 3
json_ok() { jq -e . "$1" > /dev/null; }
check "the dashboard is valid JSON" json_ok "$DASH"
panels_ok() { jq -e '(.panels | length >= 10) and all(.panels[]; (.targets | length > 0)
	and all(.targets[]; .expr | test("exodrive_")))' "$DASH" > /dev/null; }
check "with at least 10 panels, each with a query over exodrive_ metrics" panels_ok
# Traffic first, so that every family of series has a sample to show.
for i in 1 2 3; do req GET /api/cars?limit=1; req GET /api/nowhere; done
FROM=loopback curl -s "$BASE/metrics" > "$OUT/scrape"
grep -v '^#' "$OUT/scrape" | sed 's/[{ ].*//' | sort -u > "$OUT/exported"
check "/metrics exports its names ($(wc -l < "$OUT/exported"))" test -s "$OUT/exported"
{ grep -o 'exodrive_[a-z0-9_]*' "$RULES"; jq -r '.panels[].targets[].expr, .templating.list[].query' "$DASH" |
	grep -o 'exodrive_[a-z0-9_]*'; } | sort -u > "$OUT/used"
unknown=$(comm -23 "$OUT/used" "$OUT/exported" | tr '\n' ' ')
check "every metric the rules and the dashboard use ($(wc -l < "$OUT/used")) is one /metrics exports" eq "$unknown" ""

only_on lighttpd
# --- exodrive monitor over a private pool's scoreboard --------------------
# The pool counts into $OUT/metrics; the monitor reads that file and keeps
# its snapshots in $OUT/monitor.state.  Uncached answers (no cache outcome
# is counted against the day's hit ratio), every one from PostgreSQL.
port=$(( ${BASE##*:} + 61 ))
trap 'private_pool_stop; lib_keep_sanitizer_reports; rm -rf "$OUT"' EXIT
pool() { REDIS_CACHE_ENABLED=false RATE_LIMIT_PUBLIC=${TIER:-100000/60} private_pool "$port"
	answers() { [ "$(curl -s -o /dev/null -w '%{http_code}' "$I/api/health")" = 200 ]; }
	until_ok 50 answers; }
M() { METRICS_FILE=$OUT/metrics MONITOR_STATE_FILE=$OUT/monitor.state MONITOR_P95_MS=200 \
	"$BIN" --config "$VAR/exodrive.env" monitor "$@"; }
ok_of() { jq -r --arg c "$1" '.[] | select(.check == $c) | .ok' "$OUT/json"; }
value_of() { jq -r --arg c "$1" '.[] | select(.check == $c) | .value' "$OUT/json"; }
cars() { local i; for i in $(seq "$1"); do curl -s -o /dev/null -w '%{http_code}\n' "${XFF[@]}" "$I/api/cars?limit=1"; done; }

pool
M --json > /dev/null	# the first snapshot
cars 30 > "$OUT/codes"
check "30 quick answers from the pool (200)" eq "$(sort -u "$OUT/codes")" 200
M --report --json > "$OUT/json"; rc=$?
check "a healthy pool passes every check (exit 0)" eq "$rc" 0
check "the 5xx share passes: $(value_of 'http 5xx share')" eq "$(ok_of 'http 5xx share')" true
check "the p95 of route family cars passes: $(value_of 'http p95 cars')" eq "$(ok_of 'http p95 cars')" true
check "the 429 share passes: $(value_of 'http 429 share')" eq "$(ok_of 'http 429 share')" true
check "the 5xx share counts the window's answers" bash -c "[[ '$(value_of 'http 5xx share')' =~ ^0\.0%\ of\ 3[0-9]\ in ]]"

# Slow answers: each request meets the cars table locked for 0.6 s.
for i in $(seq 25); do
	printf 'BEGIN; LOCK TABLE cars IN ACCESS EXCLUSIVE MODE;\n\\! touch %s/locked.%s\nSELECT pg_sleep(0.6); COMMIT;\n' "$OUT" "$i"
done > "$OUT/lock.sql"
psql -h "$VAR/pg/sock" -U postgres -d exodrive -Xq -f "$OUT/lock.sql" > /dev/null &
locker=$!
for i in $(seq 25); do until_ok 100 test -f "$OUT/locked.$i"; cars 1; done > "$OUT/codes"
wait "$locker"
check "25 slow answers (200)" eq "$(sort -u "$OUT/codes")" 200
M > "$OUT/text"; rc=$?
check "slow answers: the monitor exits 1" eq "$rc" 1
check "and prints the cars family's p95 as an ALERT" grep -qE '^http p95 cars +[0-9.]+ ms of [0-9]+ +<= 200 ms .*ALERT$' "$OUT/text"
check "and nothing else" eq "$(wc -l < "$OUT/text")" 1
M --report --json > "$OUT/json"
p95=$(value_of 'http p95 cars')
check "the p95 (interpolated in its bucket) is above 200 ms: $p95" test "${p95%%.*}" -gt 200

# 5xx: a pool whose database is unreachable.
private_pool_stop
sleep 2	# past the window below, so the next run measures from the last one
DATABASE_URL="postgresql:///exodrive?host=$OUT/no-pg&user=exodrive" DATABASE_READ_URL= pool
cars 30 > "$OUT/codes"
check "30 answers with PostgreSQL unreachable (503)" eq "$(sort -u "$OUT/codes")" 503
MONITOR_WINDOW=1 M > "$OUT/text"; rc=$?
check "5xx: the monitor exits 1" eq "$rc" 1
check "and prints the 5xx share of this window's answers as an ALERT (all but the health probe)" \
	grep -qE '^http 5xx share +(9[0-9]|100)\.[0-9]% of 3[0-9] in [0-9]+ s +<= 1% .*ALERT$' "$OUT/text"
private_pool_stop

# 429s: a pool whose public tier allows 10 requests a minute, one client.
sleep 2
TIER=10/60 pool
XFF=(-H "X-Forwarded-For: $(other_ip)")
cars 30 > "$OUT/codes"
n429=$(grep -c 429 "$OUT/codes")
check "30 answers, $n429 of them 429 (10 a minute allowed, refilling)" test "$n429" -ge 15
MONITOR_WINDOW=1 M > "$OUT/text"; rc=$?
check "429s: the monitor exits 1" eq "$rc" 1
check "and prints the 429 share as an ALERT" grep -qE '^http 429 share +[0-9.]+% of 3[0-9] in [0-9]+ s +<= 5% .*ALERT$' "$OUT/text"
check "the 5xx of the earlier window are not in this one" bash -c "! grep -q '^http 5xx share' '$OUT/text'"

# The window moves on: quick answers alone pass again.
sleep 2
XFF=(-H "X-Forwarded-For: $(other_ip)")
cars 8 > "$OUT/codes"
XFF=(-H "X-Forwarded-For: $(other_ip)")
cars 8 >> "$OUT/codes"
XFF=(-H "X-Forwarded-For: $(other_ip)")
cars 8 >> "$OUT/codes"
check "24 quick answers from three clients (200)" eq "$(sort -u "$OUT/codes")" 200
MONITOR_WINDOW=1 M --report --json > "$OUT/json"; rc=$?
check "a later window of quick answers passes again (exit 0)" eq "$rc" 0
check "the 429 share of that window: $(value_of 'http 429 share')" eq "$(ok_of 'http 429 share')" true
check "MONITOR_MIN_REQUESTS above the answers counted: every user check passes" eq \
	"$(MONITOR_MIN_REQUESTS=1000 MONITOR_429_PCT=0 METRICS_FILE=$OUT/metrics MONITOR_STATE_FILE=$OUT/other.state "$BIN" --config "$VAR/exodrive.env" monitor >/dev/null; echo $?)" 0
