#!/usr/bin/env python3
"""receiver.py -- a webhook receiver for the tests (never production).

Appends every POST as a JSON line {path, headers, body} to LOG.  Path
/flaky answers 500 to the first delivery of each X-ExoDrive-Delivery id and
200 after; any other path answers 200.

Usage: receiver.py PORT LOG
"""
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT, LOG = int(sys.argv[1]), sys.argv[2]
lock = threading.Lock()
seen = set()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n).decode()
        delivery = self.headers.get("X-ExoDrive-Delivery", "")
        with lock:
            with open(LOG, "a") as f:
                f.write(json.dumps({"path": self.path, "body": body,
                                    "headers": dict(self.headers)}) + "\n")
            first = delivery not in seen
            seen.add(delivery)
        status = 500 if self.path == "/flaky" and first else 200
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()


ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
