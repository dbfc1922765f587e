#!/usr/bin/env python3
"""resend.py -- a local stand-in of Resend's email API for the tests
(never production).

Speaks the part of https://resend.com/docs/api-reference/emails/send-email
that app/mail.c uses: POST /emails with Authorization: Bearer KEY and a JSON
body {from, to, subject, html?, text?, reply_to?, tags?: [{name, value}]}.
Answers 200 {"id": "<uuid>"}; 401 for another key; 422 (Resend's
validation_error) for a missing field or a tag whose name or value is not
ASCII letters, digits, _ or - (at most 256 characters).  An Idempotency-Key
seen before answers the first id again.  Every accepted email is appended
to LOG as a JSON line {id, idempotencyKey, replay, body}.

Usage: resend.py PORT LOG API_KEY
"""
import json
import re
import sys
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT, LOG, KEY = int(sys.argv[1]), sys.argv[2], sys.argv[3]
TAG = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
lock = threading.Lock()
ids = {}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, obj):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def invalid(self, message):
        self.answer(422, {"statusCode": 422, "name": "validation_error",
                          "message": message})

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n)
        if self.path != "/emails":
            return self.answer(404, {"statusCode": 404, "name": "not_found",
                                     "message": "The requested endpoint does not exist."})
        if self.headers.get("Authorization") != "Bearer " + KEY:
            return self.answer(401, {"statusCode": 401, "name": "validation_error",
                                     "message": "API key is invalid"})
        try:
            body = json.loads(raw)
        except ValueError:
            return self.invalid("The body is not JSON")
        if not isinstance(body, dict):
            return self.invalid("The body is not an object")
        for field in ("from", "to", "subject"):
            if not body.get(field):
                return self.invalid("The `%s` field is missing." % field)
        if not body.get("html") and not body.get("text"):
            return self.invalid("Either `html` or `text` must be provided.")
        to = body["to"] if isinstance(body["to"], list) else [body["to"]]
        if not 1 <= len(to) <= 50 or not all(isinstance(t, str) and "@" in t for t in to):
            return self.invalid("Invalid `to` field.")
        tags = body.get("tags", [])
        if not isinstance(tags, list):
            return self.invalid("`tags` must be an array")
        for t in tags:
            if (not isinstance(t, dict) or not TAG.match(str(t.get("name", "")))
                    or not TAG.match(str(t.get("value", "")))):
                return self.invalid("Tags should only contain ASCII letters, "
                                    "numbers, underscores, or dashes.")
        key = self.headers.get("Idempotency-Key")
        with lock:
            replay = key is not None and key in ids
            eid = ids[key] if replay else str(uuid.uuid4())
            if key is not None:
                ids[key] = eid
            with open(LOG, "a") as f:
                f.write(json.dumps({"id": eid, "idempotencyKey": key,
                                    "replay": replay, "body": body}) + "\n")
        self.answer(200, {"id": eid})


ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
