#!/usr/bin/env bash
# check-runner.sh -- the integration runner's self-test.  Runs
# tests/integration/run over the scripts beside this one: one that ends
# well, one that crashes after a check, one with a syntax error, one that
# hangs and one that checks nothing.  The runner must fail, name each bad
# script with its cause, and count only the good script's checks.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
SERVER=runner
ok()  { echo "ok - [$SERVER] $1"; }
nok() { echo "not ok - [$SERVER] $1"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else nok "$d"; sed 's/^/#   | /' "$W/out"; fi; }

start=$(date +%s)
HANG_PIDFILE=$W/hang.pid TEST_DIR=$HERE TEST_TIMEOUT=3 SERVERS=selftest \
	RUN_COUNTS=$W/counts VAR=$W bash "$HERE/../integration/run" > "$W/out" 2>&1
rc=$?
took=$(( $(date +%s) - start ))
has() { grep -q -- "$1" "$W/out"; }
check "the runner fails when a script dies (status $rc)" test "$rc" -ne 0
check "a crash is a failure named with its signal" has 'not ok - \[selftest\] test-crash.sh died: killed by signal SEGV'
check "a syntax error is a failure named with its status" has 'not ok - \[selftest\] test-syntax.sh died: exited with status 2'
check "a hang is a failure at its time limit" has 'not ok - \[selftest\] test-hang.sh died: timed out after 3 s'
check "a script with no check is a failure" has 'not ok - \[selftest\] test-quiet.sh died: ran no check'
# A killed child may linger as a zombie until it is reaped: dead all the same.
alive() { local s; s=$(ps -o stat= -p "$1" 2>/dev/null) && [ "${s#Z}" = "$s" ]; }
check "the hang's own child was killed with it" bash -c "$(declare -f alive); ! alive \$(cat '$W/hang.pid')"
check "the runner did not wait on the hang (${took}s)" test "$took" -lt 20
check "only the good script's 2 checks count; 4 failures ($(cat "$W/counts" 2>/dev/null))" \
	test "$(cat "$W/counts" 2>/dev/null)" = "2 4"
check "the tail of a dead script's output is shown" has '#   | ok - \[selftest\] before the crash'
