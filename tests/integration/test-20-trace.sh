# test-20-trace: X-Trace-Id propagation, generation and logging.
. "$(dirname "$0")/lib.sh"

req GET /api/health -H 'X-Trace-Id: itest-trace-0001'
check "incoming X-Trace-Id is kept" eq "$(hdr X-Trace-Id)" itest-trace-0001

req GET /api/health -H 'X-Request-Id: itest-request-0002'
check "incoming X-Request-Id is used" eq "$(hdr X-Trace-Id)" itest-request-0002

req GET /api/missing -H 'X-Trace-Id: bad id with spaces'
t=$(hdr X-Trace-Id)
check "malformed trace id is replaced by 32 hex" bash -c "[[ '$t' =~ ^[0-9a-f]{32}$ ]]"
check "error body carries the same trace id" eq "$(js .error.traceId)" "$t"

req GET /api/health
a=$(hdr X-Trace-Id); req GET /api/health; b=$(hdr X-Trace-Id)
check "generated trace ids differ" test "$a" != "$b"

id=itest-log-$RANDOM$RANDOM
req GET /api/missing -H "X-Trace-Id: $id"
case $SERVER in
lighttpd) log=$VAR/log/exodrive.log ;;
apache)   log=$VAR/log/apache-error.log ;;
esac
logged() { grep -q "\"traceId\":\"$id\".*\"status\":404" "$log"; }
check "access log line carries the trace id and status" until_ok 30 logged
