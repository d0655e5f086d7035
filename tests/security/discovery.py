"""A provider's discovery document and public keys on a real HTTP server on 127.0.0.1,
with ID tokens the tests sign themselves: enough of a provider for keyplan's
verification step and the start of its sign-in, without a sign-in page. Its token
endpoint answers with the ID token a test set (`id_token`), so a test can drive the
whole callback as a browser back from the provider would."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

CLIENT = "keyplan-client"


def new_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_jwk(key, kid: str) -> dict:
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    return {**jwk, "kid": kid, "use": "sig", "alg": "RS256"}


class Provider:
    """A discovery document and a JWKS on 127.0.0.1, the keys changeable mid-test."""

    def __init__(self):
        self.keys: list[dict] = []
        self.jwks_reads = 0
        self.id_token = ""  # what the token endpoint answers, whatever the code
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                if self.path == "/.well-known/openid-configuration":
                    body = provider.discovery
                elif self.path == "/jwks":
                    provider.jwks_reads += 1
                    body = {"keys": provider.keys}
                else:
                    self.send_error(404)
                    return
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                if self.path != "/token" or not provider.id_token:
                    self.send_error(400)
                    return
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                body = {"id_token": provider.id_token, "access_token": "", "token_type": "Bearer"}
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.issuer = f"http://127.0.0.1:{self.server.server_port}"
        self.discovery = {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "id_token_signing_alg_values_supported": ["RS256"],
        }
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def sign(key, *, kid="key-1", alg="RS256", **claims) -> str:
    now = int(time.time())
    body = {"sub": "u-1", "aud": CLIENT, "iat": now, "exp": now + 300, "nonce": "n-1", **claims}
    return jwt.encode(body, key, algorithm=alg, headers={"kid": kid})
