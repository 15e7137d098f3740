#!/usr/bin/env python3
"""A docker registry token service for the tests: the `WWW-Authenticate: Bearer` exchange, as Docker Hub's.

    scripts/token-server.py PORT KEY.pem CERT.pem USER PASSWORD

Serves `GET /token?service=…&scope=repository:<name>:<actions>…`. With `Authorization: Basic` naming USER and
PASSWORD it grants every action asked; without credentials it grants none (the registry then refuses the request),
and with wrong ones it answers 401. Tokens are ES256 JWTs carrying the certificate in `x5c`; distribution trusts them
when that certificate is in its `auth.token.rootcertbundle`. Logs one line per request on stdout.
"""
import base64
import json
import sys
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

PORT, KEY, CERT, USER, PASSWORD = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
with open(KEY, "rb") as handle:
    PRIVATE = serialization.load_pem_private_key(handle.read(), password=None)
with open(CERT, "rb") as handle:
    DER = x509.load_pem_x509_certificate(handle.read()).public_bytes(serialization.Encoding.DER)


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def token(service, access):
    header = {"typ": "JWT", "alg": "ES256", "x5c": [base64.b64encode(DER).decode()]}
    now = int(time.time())
    claims = {"iss": "test-issuer", "sub": USER, "aud": service, "exp": now + 300, "nbf": now - 10, "iat": now,
              "jti": str(uuid.uuid4()), "access": access}
    signing_input = f"{b64url(json.dumps(header).encode())}.{b64url(json.dumps(claims).encode())}".encode()
    r, s = decode_dss_signature(PRIVATE.sign(signing_input, ec.ECDSA(hashes.SHA256())))
    return signing_input.decode() + "." + b64url(r.to_bytes(32, "big") + s.to_bytes(32, "big"))


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        url = urlparse(self.path)
        query = parse_qs(url.query)
        authorization = self.headers.get("Authorization", "")
        granted = False
        if authorization.startswith("Basic "):
            given = base64.b64decode(authorization[6:]).decode()
            if given != f"{USER}:{PASSWORD}":
                self.send_response(401)
                self.end_headers()
                print("refused", flush=True)
                return
            granted = True
        access = []
        for scope in query.get("scope", []):
            kind, name, actions = scope.split(":")
            access.append({"type": kind, "name": name, "actions": actions.split(",") if granted else []})
        body = json.dumps({"token": token(query.get("service", [""])[0], access)}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        print(f"token {'granted' if granted else 'anonymous'} {query.get('scope', [])}", flush=True)

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
