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
def key(role: str) -> rsa.RSAPrivateKey:
    """Return the session's RSA key for a role ("root", "leaf", "stranger", ...); generation is the slow part."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(common_name: str) -> x509.Name:
    """Build a subject/issuer name from a common name."""
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _builder(
    subject: str, issuer: x509.Certificate | None, public_key: rsa.RSAPublicKey, not_before: datetime, not_after: datetime
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


def _ca(subject: str, own_key: rsa.RSAPrivateKey, issuer: x509.Certificate | None, issuer_key: rsa.RSAPrivateKey) -> x509.Certificate:
    """Make a CA certificate (root when issuer is None, else intermediate) valid for a year around now."""
    usage = x509.KeyUsage(
        digital_signature=True, content_commitment=False, key_encipherment=False, data_encipherment=False,
        key_agreement=False, key_cert_sign=True, crl_sign=True, encipher_only=False, decipher_only=False,
    )
    return (
        _builder(subject, issuer, own_key.public_key(), _NOW - timedelta(days=1), _NOW + timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None if issuer is None else 0), critical=True)
        .add_extension(usage, critical=True)
        .sign(issuer_key, hashes.SHA256())
    )


def _leaf(dns_name: str, issuer: x509.Certificate, issuer_key: rsa.RSAPrivateKey, not_before: datetime, not_after: datetime) -> x509.Certificate:
    """Make a TLS server leaf for dns_name with the extensions the cryptography web-PKI policy requires."""
    usage = x509.KeyUsage(
        digital_signature=True, content_commitment=False, key_encipherment=True, data_encipherment=False,
        key_agreement=False, key_cert_sign=False, crl_sign=False, encipher_only=False, decipher_only=False,
    )
    return (
        _builder(dns_name, issuer, key("leaf").public_key(), not_before, not_after)
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
    return Chain(root, intermediate, _leaf(dns_name, intermediate, key(f"{prefix}-intermediate"), not_before, not_after))


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
