#!/usr/bin/env python3
"""paypal.py -- a local stand-in for the PayPal REST API (never production).

Speaks the documented endpoints the API uses: OAuth client credentials,
Orders v2 (create, authorize), Payments v2 (capture, reauthorize, void,
refund) and
verify-webhook-signature, with PayPal-Request-Id idempotency and PayPal's
error shape ({name, message, debug_id, details[{issue}]}).

Test controls (not PayPal's):
  POST /__control {"fail": {"<op>": "declined"|"timeout"|<status>}}
       makes the next call of <op> (token, create, authorize, capture,
       reauthorize, void, refund, verify) fail that way once
       ("refused" for reauthorize: 422 REAUTHORIZATION_NOT_ALLOWED);
       {"fail_for": {"<op>": SECONDS}} answers every call of <op> 500 for
       that long; {"revoke_tokens": true} expires every access token
       issued so far.
  GET  /__state   counts of calls and the ids voided, captured, refunded.
A webhook signature is valid when transmission_sig equals
"sig-" + sha256(transmission_id + "|" + event id)[:32] and webhook_id
matches WEBHOOK_ID.

Usage: paypal.py PORT CLIENT_ID CLIENT_SECRET WEBHOOK_ID
"""
import base64
import hashlib
import json
import secrets
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT, CLIENT_ID, CLIENT_SECRET, WEBHOOK_ID = sys.argv[1:5]
lock = threading.Lock()
tokens = set()
orders, auths, captures = {}, {}, {}
replies = {}                 # PayPal-Request-Id -> (status, body)
fail = {}
fail_until = {}              # op -> time.time() until which it answers 500
state = {"calls": {}, "voided": [], "captured": [], "refunded": [],
         "reauthorized": [],
         "writes_without_request_id": 0}


def new_id(prefix):
    return prefix + secrets.token_hex(8).upper()


def error(status, name, issue):
    return status, {"name": name, "message": issue.lower().replace("_", " "),
                    "debug_id": secrets.token_hex(6),
                    "details": [{"issue": issue}]}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body=None):
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n) if n else b""
        return raw, (json.loads(raw) if raw.strip().startswith(b"{") else {})

    def injected(self, op):
        with lock:
            state["calls"][op] = state["calls"].get(op, 0) + 1
            how = fail.pop(op, None)
            if how is None and fail_until.get(op, 0) > time.time():
                how = 500
        if how == "timeout":
            time.sleep(30)
            return 500, {"name": "TIMEOUT"}
        if isinstance(how, int):
            return error(how, "INTERNAL_SERVER_ERROR" if how >= 500 else
                         "UNPROCESSABLE_ENTITY", "INJECTED_FAILURE")
        return how

    def do_GET(self):
        if self.path == "/__state":
            with lock:
                return self.reply(200, state)
        self.reply(*error(404, "RESOURCE_NOT_FOUND", "INVALID_RESOURCE_ID"))

    def do_POST(self):
        raw, doc = self.body()
        p = self.path
        if p == "/__control":
            with lock:
                fail.update(doc.get("fail", {}))
                for op, secs in doc.get("fail_for", {}).items():
                    fail_until[op] = time.time() + secs
                if doc.get("revoke_tokens"):
                    tokens.clear()
            return self.reply(200, {"ok": True})
        if p == "/v1/oauth2/token":
            return self.token()
        auth = self.headers.get("Authorization", "")
        if not auth.startswith("Bearer ") or auth[7:] not in tokens:
            return self.reply(401, {"error": "invalid_token",
                                    "error_description": "Token signature verification failed"})
        rid = self.headers.get("PayPal-Request-Id")
        if not rid and not p.startswith("/v1/notifications/"):
            with lock:
                state["writes_without_request_id"] += 1
        if rid and (p, rid) in replies:
            return self.reply(*replies[(p, rid)])
        status, out = self.route(p, doc)
        if rid and status < 500:
            replies[(p, rid)] = (status, out)
        self.reply(status, out)

    def token(self):
        how = self.injected("token")
        if how:
            return self.reply(*how)
        want = "Basic " + base64.b64encode(
            f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if self.headers.get("Authorization") != want:
            return self.reply(401, {"error": "invalid_client",
                                    "error_description": "Client Authentication failed"})
        t = secrets.token_urlsafe(24)
        tokens.add(t)
        self.reply(200, {"scope": "https://uri.paypal.com/services/payments",
                         "access_token": t, "token_type": "Bearer",
                         "app_id": "APP-LOCAL", "expires_in": 32400})

    def route(self, p, doc):
        parts = p.strip("/").split("/")
        if p == "/v2/checkout/orders":
            return self.create(doc)
        if parts[:3] == ["v2", "checkout", "orders"] and parts[-1] == "authorize":
            return self.authorize(parts[3])
        if parts[:3] == ["v2", "payments", "authorizations"] and len(parts) == 5:
            return {"capture": self.capture, "void": self.void,
                    "reauthorize": self.reauthorize}.get(
                parts[4], lambda a, d: error(404, "NOT_FOUND", "INVALID_RESOURCE_ID"))(parts[3], doc)
        if parts[:3] == ["v2", "payments", "captures"] and parts[-1] == "refund":
            return self.refund(parts[3], doc)
        if p == "/v1/notifications/verify-webhook-signature":
            return self.verify(doc)
        return error(404, "RESOURCE_NOT_FOUND", "INVALID_RESOURCE_ID")

    def create(self, doc):
        how = self.injected("create")
        if how:
            return how
        pu = (doc.get("purchase_units") or [{}])[0]
        amount = pu.get("amount", {})
        if doc.get("intent") != "AUTHORIZE" or amount.get("currency_code") != "USD":
            return error(422, "UNPROCESSABLE_ENTITY", "INVALID_PARAMETER_VALUE")
        oid = new_id("O")
        with lock:
            orders[oid] = {"amount": amount["value"], "status": "APPROVED",
                           "custom_id": pu.get("custom_id")}
        return 201, {"id": oid, "status": "CREATED", "links": [
            {"rel": "approve", "href": f"https://www.sandbox.paypal.com/checkoutnow?token={oid}"}]}

    def authorize(self, oid):
        how = self.injected("authorize")
        if how:
            return how
        with lock:
            o = orders.get(oid)
            if o is None:
                return error(404, "RESOURCE_NOT_FOUND", "INVALID_RESOURCE_ID")
            if o["status"] == "COMPLETED":
                return error(422, "UNPROCESSABLE_ENTITY", "ORDER_ALREADY_AUTHORIZED")
            o["status"] = "COMPLETED"
            aid = new_id("A")
            auths[aid] = {"amount": o["amount"], "status": "CREATED"}
        return 201, {"id": oid, "status": "COMPLETED", "purchase_units": [{
            "reference_id": "BOOKING-" + str(o["custom_id"]),
            "payments": {"authorizations": [{
                "id": aid, "status": "CREATED",
                "amount": {"currency_code": "USD", "value": o["amount"]}}]}}]}

    def capture(self, aid, doc):
        how = self.injected("capture")
        if how == "declined":
            return 201, {"id": new_id("C"), "status": "DECLINED"}
        if how:
            return how
        with lock:
            a = auths.get(aid)
            if a is None:
                return error(404, "RESOURCE_NOT_FOUND", "INVALID_RESOURCE_ID")
            if a["status"] != "CREATED":
                return error(422, "UNPROCESSABLE_ENTITY", "AUTHORIZATION_" + a["status"])
            if doc.get("amount", {}).get("value") != a["amount"]:
                return error(422, "UNPROCESSABLE_ENTITY", "AMOUNT_MISMATCH")
            a["status"] = "CAPTURED"
            cid = new_id("C")
            captures[cid] = {"amount": a["amount"], "refunded": False}
            state["captured"].append(aid)
        return 201, {"id": cid, "status": "COMPLETED",
                     "amount": {"currency_code": "USD", "value": a["amount"]}}

    def reauthorize(self, aid, doc):
        # PayPal v2: a new authorization of the same (or a lower) amount
        # replaces an authorization past its honour period.
        how = self.injected("reauthorize")
        if how == "refused":
            return error(422, "UNPROCESSABLE_ENTITY", "REAUTHORIZATION_NOT_ALLOWED")
        if how:
            return how
        with lock:
            a = auths.get(aid)
            if a is None:
                return error(404, "RESOURCE_NOT_FOUND", "INVALID_RESOURCE_ID")
            if a["status"] != "CREATED":
                return error(422, "UNPROCESSABLE_ENTITY", "AUTHORIZATION_" + a["status"])
            value = doc.get("amount", {}).get("value", a["amount"])
            if float(value) > float(a["amount"]):
                return error(422, "UNPROCESSABLE_ENTITY", "REAUTHORIZATION_AMOUNT_EXCEEDED")
            a["status"] = "REAUTHORIZED"
            nid = new_id("A")
            auths[nid] = {"amount": value, "status": "CREATED"}
            state["reauthorized"].append(aid)
        return 201, {"id": nid, "status": "CREATED",
                     "amount": {"currency_code": "USD", "value": value}}

    def void(self, aid, doc):
        how = self.injected("void")
        if how:
            return how
        with lock:
            a = auths.get(aid)
            if a is None:
                return error(404, "RESOURCE_NOT_FOUND", "INVALID_RESOURCE_ID")
            if a["status"] != "CREATED":
                return error(422, "UNPROCESSABLE_ENTITY", "AUTHORIZATION_" + a["status"])
            a["status"] = "VOIDED"
            state["voided"].append(aid)
        return 204, None

    def refund(self, cid, doc):
        how = self.injected("refund")
        if how:
            return how
        with lock:
            c = captures.get(cid)
            if c is None:
                return error(404, "RESOURCE_NOT_FOUND", "INVALID_RESOURCE_ID")
            if c["refunded"]:
                return error(422, "UNPROCESSABLE_ENTITY", "CAPTURE_FULLY_REFUNDED")
            c["refunded"] = True
            state["refunded"].append(cid)
        return 201, {"id": new_id("R"), "status": "COMPLETED"}

    def verify(self, doc):
        how = self.injected("verify")
        if how:
            return how
        event = doc.get("webhook_event") or {}
        want = "sig-" + hashlib.sha256(
            f"{doc.get('transmission_id')}|{event.get('id')}".encode()).hexdigest()[:32]
        ok = doc.get("webhook_id") == WEBHOOK_ID and doc.get("transmission_sig") == want
        return 200, {"verification_status": "SUCCESS" if ok else "FAILURE"}


ThreadingHTTPServer(("127.0.0.1", int(PORT)), Handler).serve_forever()
