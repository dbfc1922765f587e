#!/usr/bin/env python3
"""writers.py -- booking writers for the fault suite.

    writers.py BASE CARS_FILE SECONDS THREADS OUT_FILE TAG

THREADS threads create guest bookings for SECONDS against BASE: a car
drawn from CARS_FILE (one id per line) and a random 1..4-day range inside
a 60-day window, so writers contend for the same dates.  Every request is
one line of OUT_FILE: "<unix ms> <status> <bookingId or -> <email>"
(status 0: no answer from the API: a connection error, a timeout, or a
5xx the web server made itself because the responder died, which is not
our JSON envelope).  The email is the
request's own (fault-TAG-<thread>-<n>@example.com), so what a request
wrote, if anything, can be found in PostgreSQL whatever the answer was.
Bounded: it stops by itself.

Identity: rate limits are on.  Each request comes from its own client
address (X-Forwarded-For; loopback is a trusted proxy): thread t cycles
through 16000 addresses of 198.18.0.0/15, the range set aside for
benchmarks, so no address nears the booking tier's limit, with Redis up
or, when it is down, under the in-process fallback, where the overrides
kept in Redis would not apply.
"""
import http.client
import json
import random
import sys
import threading
import time
import urllib.parse
from datetime import date, timedelta


def address(n, i):
    """The i-th client address of thread n: 16000 per thread, eight threads
    fill the range, more share it."""
    i %= 16000
    return "198.%d.%d.%d" % (18 + n // 4 % 2, n % 4 * 64 + i // 250,
                             1 + i % 250)


def writer(base, cars, until, first_day, out, lock, n, tag):
    url = urllib.parse.urlsplit(base)
    rnd = random.Random(n * 7919 + int(time.time()))
    seq = 0
    client = rnd.randrange(16000)
    while time.time() < until:
        seq += 1
        email = "fault-%s-%d-%d@example.com" % (tag, n, seq)
        start = first_day + timedelta(days=rnd.randrange(60))
        end = start + timedelta(days=rnd.randrange(1, 5))
        body = json.dumps({
            "carId": rnd.choice(cars),
            "startDate": start.isoformat(), "endDate": end.isoformat(),
            "customerDetails": {"fullName": "Fault Writer", "email": email}})
        status, bid = 0, "-"
        try:
            c = http.client.HTTPConnection(url.hostname, url.port, timeout=15)
            c.request("POST", "/api/bookings", body,
                      {"Content-Type": "application/json",
                       "X-Forwarded-For": address(n, client + seq)})
            r = c.getresponse()
            data = r.read()
            status = r.status
            if status >= 500 and not (r.getheader("Content-Type") or "").startswith("application/json"):
                status = 0	# the web server's own answer: the API gave none
            if status == 201:
                bid = json.loads(data).get("bookingId", "-")
            c.close()
        except (OSError, http.client.HTTPException, ValueError):
            pass
        with lock:
            out.write("%d %d %s %s\n" % (time.time() * 1000, status, bid, email))
            out.flush()
        if status != 201 and status != 409:
            time.sleep(0.05)	# a failing service is not hammered


def main():
    base, cars_file, secs, threads, out_file, tag = sys.argv[1:7]
    cars = [l.strip() for l in open(cars_file) if l.strip()]
    until = time.time() + float(secs)
    first_day = date.today() + timedelta(days=400 + random.randrange(200))
    lock = threading.Lock()
    with open(out_file, "a") as out:
        ts = [threading.Thread(target=writer,
                               args=(base, cars, until, first_day, out, lock, i, tag))
              for i in range(int(threads))]
        for t in ts:
            t.start()
        for t in ts:
            t.join()


if __name__ == "__main__":
    main()
