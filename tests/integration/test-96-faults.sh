# test-96-faults: faults injected under load (tests/fault/faults.sh), with
# rate limits on (each request from a client address of the suite's own):
# Redis and PostgreSQL stopped and started, responders killed with -9, a
# SIGHUP reload, a responder SIGSTOPped past REQUEST_TIMEOUT, workers
# killed mid-job.  No accepted booking or job is lost, no booking is half
# written (whatever the writer heard, or did not), no car is double
# booked, cached reads do not fail, and each recovers in its stated time.
# timeout: 900
. "$(dirname "$0")/lib.sh"
only_on lighttpd	# the faults hit the stack both web servers share
. "$(dirname "$0")/../fault/faults.sh"
