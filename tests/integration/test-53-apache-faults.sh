# test-53-apache-faults: the fault suite (tests/fault/faults.sh) through
# Apache + mod_fcgid, whose process manager owns the responders: Redis and
# PostgreSQL stopped and started, the responders killed with -9, and
# `apachectl graceful`, each under load (wrk readers on the cached fleet
# list, booking writers), with rate limits on.  The same assertions as on
# lighttpd (test-96): no accepted booking lost, none half written, no car
# double booked, cached reads do not fail (but the requests the killed
# responders were serving), each recovers in its stated time, and every
# booking written gets its confirmation email.  Bounded: 8 s of load per
# fault.
# timeout: 600
. "$(dirname "$0")/lib.sh"
only_on apache	# BASE is Apache + mod_fcgid
FAULT_SITE=fcgid FAULT_LOAD=${FAULT_LOAD:-8} FAULT_RESULTS=$VAR/fault-results-apache-fcgid.txt
. "$(dirname "$0")/../fault/faults.sh"
