# test-54-apache-proxy-faults: the fault suite (tests/fault/faults.sh)
# through Apache + mod_proxy_fcgi in front of our master (the stack's
# second Apache site, httpd/apache-proxy-dev.conf.in, started here on
# DEV_APACHE_PROXY_PORT): Redis and PostgreSQL stopped and started, the
# responders killed with -9, SIGHUP to the master and `apachectl
# graceful`, each under load, with rate limits on.  The same assertions as
# on lighttpd (test-96).  Bounded: 8 s of load per fault.
# timeout: 600
. "$(dirname "$0")/lib.sh"
only_on apache	# once: the proxy site is an Apache of its own
DEV_APACHE_SITE=proxy-fcgi "$DEV" apache-start >/dev/null 2>&1
check "the mod_proxy_fcgi site starts" test -f "$VAR/run/apache-proxy.pid"
BASE=http://127.0.0.1:$(sed -n 's/^Listen 127.0.0.1://p' "$VAR/apache-proxy/httpd.conf")
FAULT_SITE=proxy FAULT_LOAD=${FAULT_LOAD:-8} FAULT_RESULTS=$VAR/fault-results-apache-proxy.txt
. "$(dirname "$0")/../fault/faults.sh"
DEV_APACHE_SITE=proxy-fcgi "$DEV" apache-stop
