# test-30-health: liveness and readiness with PostgreSQL or Redis stopped.
. "$(dirname "$0")/lib.sh"

req GET /api/health
check "liveness is 200" eq "$STATUS" 200
check "liveness says ok" eq "$(js .status)" ok

ready_is() { req GET /api/health/ready; [ "$STATUS" = "$1" ] && [ "$(js "$2")" = "$3" ]; }

check "ready with both up" until_ok 50 ready_is 200 .status ready
check "postgres latency is measured" test -n "$(js .checks.postgres.latencyMs | grep -E '^[0-9.]+$')"
check "redis latency is measured" test -n "$(js .checks.redis.latencyMs | grep -E '^[0-9.]+$')"

"$DEV" pg-stop
check "PostgreSQL down gives 503" until_ok 30 ready_is 503 .error.code SERVICE_UNAVAILABLE
check "503 details say postgres is down" eq "$(js .error.details.checks.postgres.status)" down
check "liveness stays 200 without PostgreSQL" bash -c "curl -sf -o /dev/null $BASE/api/health"
"$DEV" pg-start
check "ready again after PostgreSQL returns" until_ok 100 ready_is 200 .status ready

"$DEV" redis-stop
check "Redis down is degraded with 200" until_ok 30 ready_is 200 .status degraded
check "degraded names redis down" eq "$(js .checks.redis.status)" down
redis_start
check "ready again after Redis returns" until_ok 100 ready_is 200 .status ready
