"""Locally made Alexa-like certificate chains and body signatures for the signature tests (no network).

Keys are RSA 2048 and generated once per test session; chains are built once and cached.
"""

from __future__ import annotations

import base64
import functools
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

ECHO_API_DOMAIN = "echo-api.amazon.com"
_NOW = datetime.now(timezone.utc)


@functools.cache
def key(role: str, bits: int = 2048) -> rsa.RSAPrivateKey:
    """Return the session's RSA key for a role ("root", "leaf", "stranger", ...); generation is the slow part."""
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def _name(common_name: str) -> x509.Name:
    """Build a subject/issuer name from a common name."""
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _builder(
    subject: str,
    issuer: x509.Certificate | None,
    public_key: rsa.RSAPublicKey,
    not_before: datetime,
    not_after: datetime,
) -> x509.CertificateBuilder:
    """Start a certificate with subject, issuer (None: self-signed), validity and key identifiers."""
    issuer_name = issuer.subject if issuer is not None else _name(subject)
    issuer_public_key = issuer.public_key() if issuer is not None else public_key
    assert isinstance(issuer_public_key, rsa.RSAPublicKey)
    return (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer_name)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_public_key), critical=False)
    )


def _ca(
    subject: str, own_key: rsa.RSAPrivateKey, issuer: x509.Certificate | None, issuer_key: rsa.RSAPrivateKey
) -> x509.Certificate:
    """Make a CA certificate (root when issuer is None, else intermediate) valid for a year around now."""
    usage = x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=True,
        crl_sign=True,
        encipher_only=False,
        decipher_only=False,
    )
    return (
        _builder(subject, issuer, own_key.public_key(), _NOW - timedelta(days=1), _NOW + timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None if issuer is None else 0), critical=True)
        .add_extension(usage, critical=True)
        .sign(issuer_key, hashes.SHA256())
    )


def _leaf(
    dns_name: str,
    issuer: x509.Certificate,
    issuer_key: rsa.RSAPrivateKey,
    not_before: datetime,
    not_after: datetime,
    leaf_key: rsa.RSAPrivateKey | None = None,
) -> x509.Certificate:
    """Make a TLS server leaf for dns_name with the extensions the cryptography web-PKI policy requires."""
    usage = x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=True,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )
    return (
        _builder(dns_name, issuer, (leaf_key or key("leaf")).public_key(), not_before, not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(dns_name)]), critical=False)
        .sign(issuer_key, hashes.SHA256())
    )


@dataclass(frozen=True)
class Chain:
    """A root, an intermediate and a leaf; only leaf + intermediate are served, like Amazon's PEM."""

    root: x509.Certificate
    intermediate: x509.Certificate
    leaf: x509.Certificate

    def pem(self) -> bytes:
        """Return the served PEM: leaf first, then the intermediate."""
        return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in (self.leaf, self.intermediate))


@functools.cache
def _cas(prefix: str) -> tuple[x509.Certificate, x509.Certificate]:
    """Return (root, intermediate) for a trust hierarchy named by prefix ("test" or "untrusted")."""
    root = _ca(f"{prefix} Root CA", key(f"{prefix}-root"), None, key(f"{prefix}-root"))
    intermediate = _ca(f"{prefix} Intermediate CA", key(f"{prefix}-intermediate"), root, key(f"{prefix}-root"))
    return root, intermediate


def _chain(prefix: str, dns_name: str, not_before: datetime, not_after: datetime) -> Chain:
    """Build a chain whose leaf (always the session leaf key) is issued by prefix's intermediate."""
    root, intermediate = _cas(prefix)
    return Chain(
        root, intermediate, _leaf(dns_name, intermediate, key(f"{prefix}-intermediate"), not_before, not_after)
    )


@functools.cache
def good_chain() -> Chain:
    """A valid echo-api.amazon.com chain under the trusted test root."""
    return _chain("test", ECHO_API_DOMAIN, _NOW - timedelta(days=1), _NOW + timedelta(days=30))


@functools.cache
def expired_chain() -> Chain:
    """Same as good_chain but the leaf expired yesterday."""
    return _chain("test", ECHO_API_DOMAIN, _NOW - timedelta(days=30), _NOW - timedelta(days=1))


@functools.cache
def not_yet_valid_chain() -> Chain:
    """Same as good_chain but the leaf only becomes valid tomorrow (its Not Before is in the future)."""
    return _chain("test", ECHO_API_DOMAIN, _NOW + timedelta(days=1), _NOW + timedelta(days=30))


@functools.cache
def wrong_name_chain() -> Chain:
    """Same as good_chain but the leaf names another host."""
    return _chain("test", "echo-api.example.com", _NOW - timedelta(days=1), _NOW + timedelta(days=30))


@functools.cache
def untrusted_chain() -> Chain:
    """A well-formed echo-api.amazon.com chain under a root the tests do not trust."""
    return _chain("untrusted", ECHO_API_DOMAIN, _NOW - timedelta(days=1), _NOW + timedelta(days=30))


@functools.cache
def wildcard_chain() -> Chain:
    """A chain whose leaf's only name is *.amazon.com: web PKI would accept it for echo-api.amazon.com; Alexa does not."""
    return _chain("test", "*.amazon.com", _NOW - timedelta(days=1), _NOW + timedelta(days=30))


@functools.cache
def weak_key_chain() -> Chain:
    """A chain whose echo-api.amazon.com leaf has an RSA-1024 key (Alexa asks for at least 2048 bits)."""
    root, intermediate = _cas("test")
    leaf = _leaf(ECHO_API_DOMAIN, intermediate, key("test-intermediate"), _NOW - timedelta(days=1),
                 _NOW + timedelta(days=30), leaf_key=key("weak-leaf", 1024))  # fmt: skip
    return Chain(root, intermediate, leaf)


def root_cert() -> x509.Certificate:
    """The root to pass as trusted_roots."""
    return good_chain().root


def chain_pem() -> bytes:
    """The PEM a genuine SignatureCertChainUrl would serve: leaf + intermediate."""
    return good_chain().pem()


def sign_body(body: bytes, signer: rsa.RSAPrivateKey | None = None) -> str:
    """Return the base64 Signature-256 value for body, signed by the leaf key unless another key is given."""
    signature = (signer or key("leaf")).sign(body, padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(signature).decode("ascii")


class CertServer:
    """A plain-HTTP stand-in for the certificate host on 127.0.0.1, misbehaving on request.

    mode "serve" answers the PEM; "drip" sends it one byte at a time, slowly; "redirect" answers 302 to
    itself; "huge" sends more than any chain. `connect` plugs it into skill.web.signature.fetch_url.
    """

    def __init__(self, mode: str = "serve", pem: bytes | None = None) -> None:
        import http.server
        import threading

        self.mode = mode
        self.pem = chain_pem() if pem is None else pem
        self.requests: list[str] = []
        self._stop = threading.Event()
        server_self = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                server_self.requests.append(self.path)
                if server_self.mode == "redirect":
                    self.send_response(302)
                    self.send_header("Location", f"http://127.0.0.1:{server_self.port}/echo.api/elsewhere.pem")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = server_self.pem if server_self.mode != "huge" else b"x" * (1 << 20)
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if server_self.mode == "drip":
                    for byte in body:
                        if server_self._stop.wait(0.2):
                            return
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                    return
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    def connect(self, netloc: str, timeout: float) -> object:
        """Where fetch_url would open https://s3.amazonaws.com, open this server instead (same code after that)."""
        import http.client

        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def __enter__(self) -> CertServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._server.shutdown()
        self._server.server_close()


class RecordingFetch:
    """The certificate download, as the verifier's `fetch`: serves one PEM (default: the good chain) for every
    URL and records what was asked for."""

    def __init__(self, pem: bytes | None = None) -> None:
        self.pem = chain_pem() if pem is None else pem
        self.urls: list[str] = []

    def __call__(self, url: str) -> bytes:
        self.urls.append(url)
        return self.pem
