#!/usr/bin/env python3
"""writers.py -- booking writers for the fault suite.

    writers.py BASE CARS_FILE SECONDS THREADS OUT_FILE

THREADS threads create guest bookings for SECONDS against BASE: a car
drawn from CARS_FILE (one id per line) and a random 1..4-day range inside
a 60-day window, so writers contend for the same dates.  Every answer is
one line of OUT_FILE: "<unix ms> <status> <bookingId or ->" (status 0:
no answer, a connection error or timeout).  Bounded: it stops by itself.
"""
import http.client
import json
import random
import sys
import threading
import time
import urllib.parse
from datetime import date, timedelta


def writer(base, cars, until, first_day, out, lock, n):
    url = urllib.parse.urlsplit(base)
    rnd = random.Random(n * 7919 + int(time.time()))
    while time.time() < until:
        start = first_day + timedelta(days=rnd.randrange(60))
        end = start + timedelta(days=rnd.randrange(1, 5))
        body = json.dumps({
            "carId": rnd.choice(cars),
            "startDate": start.isoformat(), "endDate": end.isoformat(),
            "customerDetails": {"fullName": "Fault Writer",
                                "email": "fault%d@example.com" % n}})
        status, bid = 0, "-"
        try:
            c = http.client.HTTPConnection(url.hostname, url.port, timeout=15)
            c.request("POST", "/api/bookings", body,
                      {"Content-Type": "application/json"})
            r = c.getresponse()
            data = r.read()
            status = r.status
            if status == 201:
                bid = json.loads(data).get("bookingId", "-")
            c.close()
        except (OSError, http.client.HTTPException, ValueError):
            pass
        with lock:
            out.write("%d %d %s\n" % (time.time() * 1000, status, bid))
            out.flush()
        if status != 201 and status != 409:
            time.sleep(0.05)	# a failing service is not hammered


def main():
    base, cars_file, secs, threads, out_file = sys.argv[1:6]
    cars = [l.strip() for l in open(cars_file) if l.strip()]
    until = time.time() + float(secs)
    first_day = date.today() + timedelta(days=400 + random.randrange(200))
    lock = threading.Lock()
    with open(out_file, "a") as out:
        ts = [threading.Thread(target=writer,
                               args=(base, cars, until, first_day, out, lock, i))
              for i in range(int(threads))]
        for t in ts:
            t.start()
        for t in ts:
            t.join()


if __name__ == "__main__":
    main()
