# lib.sh -- shared by the load scripts (sourced): settings, the FastCGI
# ceiling (tests/load/fcgi-hello behind its own lighttpd), wrk figures.
# Expects the dev stack up (./dev bench does that).
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VAR=${DEV_VAR:-$ROOT/var}
BUILD=${DEV_BUILD:-$ROOT}
PORT=${DEV_PORT:-8080}
WORKERS=${DEV_WORKERS:-4}
ROUNDS=${BENCH_ROUNDS:-3}
SECS=${BENCH_SECONDS:-5}
tmp=$(mktemp -d)
hello_pools=()
pids=()
load_cleanup() {
	local n
	for n in "${hello_pools[@]}"; do
		DEV_PORT=${n#*:} DEV_LIGHTTPD_NAME=lighttpd-${n%%:*} "$ROOT/dev" lighttpd-stop || true
		rm -f "$VAR/run/${n%%:*}.sock"
	done
	for p in "${pids[@]}"; do pkill -P "$p" 2>/dev/null || true; kill "$p" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap load_cleanup EXIT

# start_hello NAME PORT [headers | file PATH]: a fcgi-hello pool of
# WORKERS processes behind its own lighttpd on PORT.
start_hello() {
	"$BUILD/tests/load/fcgi-hello" "$VAR/run/$1.sock" "$WORKERS" "${@:3}" &
	pids+=($!)
	hello_pools+=("$1:$2")
	for _ in $(seq 50); do [ -S "$VAR/run/$1.sock" ] && break; sleep 0.1; done
	DEV_PORT=$2 DEV_LIGHTTPD_NAME=lighttpd-$1 DEV_FCGI_SOCKET=$VAR/run/$1.sock \
		"$ROOT/dev" lighttpd-start
}

# to_ms "1.23ms" | "450.00us" | "1.02s" -> milliseconds
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /[0-9]s$/ && v !~ /ms$/) n *= 1000; printf "%.3f", n }'; }

# wrk_figures FILE: "rps p50 p95 p99 non2xx errors" of a wrk --latency run
# (p95 from the script's done() line "p95 <us>" when there is one).
wrk_figures() {
	local rps p50 p95 p99 bad err
	rps=$(awk '/Requests\/sec/ {print $2}' "$1")
	p50=$(to_ms "$(awk '$1 == "50%" {print $2}' "$1")")
	p99=$(to_ms "$(awk '$1 == "99%" {print $2}' "$1")")
	p95=$(awk '$1 == "p95" {printf "%.3f", $2 / 1000}' "$1")
	bad=$(awk '/Non-2xx/ {print $NF}' "$1")
	err=$(awk '/Socket errors/ {gsub(",",""); print $4+$6+$8+$10}' "$1")
	echo "${rps:-0} ${p50:-0} ${p95:--} ${p99:-0} ${bad:-0} ${err:-0}"
}

median() {	# median COLUMN FILE
	cut -d' ' -f"$1" "$2" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a ? b / a : 0 }'; }

# record_answer URL FILE: our answer to GET URL as a CGI response for
# fcgi-hello's file mode (Status line, our headers, the body).
record_answer() {
	curl -s -D "$2.h" -o "$2.b" "$1"
	python3 - "$2" <<'PY'
import sys
f = sys.argv[1]
lines = open(f + ".h", "rb").read().split(b"\r\n")
skip = (b"date:", b"server:", b"connection:", b"keep-alive:", b"transfer-encoding:", b"accept-ranges:")
out = [b"Status: " + lines[0].split(b" ", 1)[1]]
out += [l for l in lines[1:] if l and not l.lower().startswith(skip)]
open(f, "wb").write(b"\r\n".join(out) + b"\r\n\r\n" + open(f + ".b", "rb").read())
PY
}
