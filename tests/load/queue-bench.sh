#!/usr/bin/env bash
# queue-bench.sh -- the job queue alone, ours against BullMQ 5 on the same
# Redis in the same run: no-op jobs, one producer process and one worker
# (concurrency 1), ROUNDS rounds (default 3) alternating ours and BullMQ,
# medians reported with the ratio of worker jobs per second.  The same
# measurement as ./dev bench's row (f), without the HTTP rows.
#
# Usage: queue-bench.sh ENV_FILE REDIS_SOCKET NAME=PROBE [NAME=PROBE...]
#   ENV_FILE      the settings queue-probe reads (REDIS_URL)
#   NAME=PROBE    a queue-probe binary (build it without sanitizers), e.g.
#                 before=/tmp/old/tests/load/queue-probe after=...; each
#                 is measured every round.
# Environment: ROUNDS (3), BENCH_JOBS (20000), BULLMQ_DIR (a directory
# with node_modules/bullmq; default: npm installs bullmq@5 in a temporary
# one).
set -euo pipefail
ENVF=$1 SOCK=$2; shift 2
ROUNDS=${ROUNDS:-3} QN=${BENCH_JOBS:-20000}
HERE=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
BQ=${BULLMQ_DIR:-$tmp}
if [ ! -d "$BQ/node_modules/bullmq" ]; then
	(cd "$BQ" && npm install --no-audit --no-fund --silent bullmq@5 >/dev/null 2>&1) ||
		{ echo "queue-bench: npm could not install bullmq" >&2; exit 1; }
fi
cp "$HERE/bullmq-bench.mjs" "$BQ/"
median() { sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
for r in $(seq "$ROUNDS"); do
	for np in "$@"; do
		name=${np%%=*} probe=${np#*=}
		"$probe" "$ENVF" bench "$QN" > "$tmp/q"
		awk -v n="$name" '/^enqueue_per_s/ {e=$2} /^process_per_s/ {p=$2} /p50/ {a=$2} /p99/ {b=$2}
			END {print n, e, p, a, b}' "$tmp/q" >> "$tmp/all"
	done
	qname=bench-$r-$$
	(cd "$BQ" && node bullmq-bench.mjs work "$SOCK" "$qname" "$QN" > "$tmp/bw") &
	bq=$!
	sleep 1
	(cd "$BQ" && node bullmq-bench.mjs produce "$SOCK" "$qname" "$QN" > "$tmp/bp")
	wait "$bq"
	echo "bullmq5 $(awk '/^enqueue_per_s/ {print $2}' "$tmp/bp") $(awk '/^process_per_s/ {p=$2} /p50/ {a=$2} /p99/ {b=$2} END {print p, a, b}' "$tmp/bw")" >> "$tmp/all"
	echo "round $r: $(awk -v r="$r" '{print $1 "=" $3}' "$tmp/all" | tail -n $(($# + 1)) | tr '\n' ' ')" >&2
done
printf '%d no-op jobs, 1 producer + 1 worker, median of %d rounds (each: jobs/s of every round)\n' "$QN" "$ROUNDS"
bm=$(awk '$1 == "bullmq5" {print $3}' "$tmp/all" | median)
for n in $(awk '{print $1}' "$tmp/all" | awk '!seen[$0]++'); do
	col() { awk -v n="$n" -v c="$1" '$1 == n {print $c}' "$tmp/all" | median; }
	printf '%-8s enqueue/s %7s  jobs/s %7s  start latency p50 %s ms p99 %s ms  (rounds: %s)\n' \
		"$n" "$(col 2)" "$(col 3)" "$(col 4)" "$(col 5)" \
		"$(awk -v n="$n" '$1 == n {print $3}' "$tmp/all" | tr '\n' ' ' | sed 's/ $//')"
done
for np in "$@"; do
	n=${np%%=*}
	printf '%s / BullMQ 5 worker jobs per second: %s\n' "$n" \
		"$(awk -v a="$(awk -v n="$n" '$1 == n {print $3}' "$tmp/all" | median)" -v b="$bm" 'BEGIN { printf "%.2f", a / b }')"
done
