"""Alexa request verification for the self-hosted web service, built on `cryptography`.

Implements Amazon's "Host a custom skill as a web service" checks (signature
certificate URL, certificate chain, Signature-256, timestamp) without
certvalidator/oscrypto, which cannot import on OpenSSL 3.0.1x. Refusals raise
AlexaVerificationError, a werkzeug BadRequest and not an AskSdkException, so Flask
answers HTTP 400 in a plain Flask view and also inside flask-ask-sdk's SkillAdapter,
whose `except AskSdkException` would otherwise turn it into a 500.
"""

from __future__ import annotations

import base64
import binascii
import functools
import posixpath
import re
import threading
import time
import urllib.parse
import urllib.request
import warnings
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any, Protocol

import certifi
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509.verification import PolicyBuilder, Store, VerificationError
from werkzeug.exceptions import BadRequest

from skill.timestamps import alexa_time

CERT_URL_HEADER = "SignatureCertChainUrl"
SIGNATURE_HEADER = "Signature-256"
CERT_URL_HOST = "s3.amazonaws.com"
CERT_URL_PATH_PREFIX = "/echo.api/"
CERT_URL_PORT = 443
ECHO_API_DOMAIN = "echo-api.amazon.com"
# One deadline for the whole download as the request sees it: name lookup, connect, TLS, headers, last byte.
FETCH_DEADLINE_SECONDS = 2.0
# Downloads under way at once (including any still stuck past their deadline); another is refused at once, so
# requests naming unknown certificate URLs can hold at most this many of the server's threads.
MAX_CONCURRENT_FETCHES = 2
MIN_RSA_BITS = 2048
# An RSA signature is as long as its key: 2048 to 8192 bits. Anything else is refused before any download.
SIGNATURE_BYTES = range(MIN_RSA_BITS // 8, 8192 // 8 + 1)
# A URL whose chain failed (unreachable, too slow, not Amazon's) is refused without a download for a while.
MAX_REFUSED_URLS = 64
REFUSED_URL_SECONDS = 60.0
MAX_CHAIN_BYTES = 64 * 1024
MAX_CACHED_CHAINS = 8
TIMESTAMP_TOLERANCE = timedelta(seconds=150)
SKILL_EVENT_TOLERANCE = timedelta(hours=1)
SKILL_EVENT_TYPES = frozenset(
    {
        "AlexaSkillEvent.SkillEnabled",
        "AlexaSkillEvent.SkillDisabled",
        "AlexaSkillEvent.SkillPermissionChanged",
        "AlexaSkillEvent.SkillPermissionAccepted",
        "AlexaSkillEvent.SkillAccountLinked",
    }
)

Clock = Callable[[], datetime]
Fetch = Callable[[str], bytes]


class Headers(Protocol):
    """Anything with items(): a dict or werkzeug's EnvironHeaders."""

    def items(self) -> Iterable[tuple[str, str]]: ...


class AlexaVerificationError(BadRequest):
    """A request failed Alexa verification; a BadRequest (not an AskSdkException) so it always becomes HTTP 400."""


class _Busy(AlexaVerificationError):
    """Every download slot is taken: refused now, but the URL is not held against later requests."""


def utc_now() -> datetime:
    """Return the current aware UTC time; the default clock of both verifiers."""
    return datetime.now(timezone.utc)


def fetch_url(
    url: str, *, connect: Callable[[str, float], Any] | None = None, deadline_seconds: float = FETCH_DEADLINE_SECONDS
) -> bytes:
    """Download a certificate chain: one GET, no redirects, a size cap, and one deadline for the whole download.

    A slow drip cannot hold us past `deadline_seconds` (each read waits only for what is left of it), and a
    redirect is refused rather than followed. `connect(host, timeout)` makes the connection (tests: plain HTTP).
    """
    import http.client

    started = time.monotonic()

    def left() -> float:
        remaining = deadline_seconds - (time.monotonic() - started)
        if remaining <= 0:
            raise AlexaVerificationError("certificate download too slow")
        return remaining

    parts = urllib.parse.urlsplit(url)
    if connect is None:
        connection: Any = http.client.HTTPSConnection(parts.hostname or "", parts.port or CERT_URL_PORT, timeout=left())
    else:
        connection = connect(parts.netloc, left())
    try:
        connection.request("GET", parts.path or "/", headers={"Accept": "application/x-pem-file, */*"})
        if connection.sock is not None:
            connection.sock.settimeout(left())
        response = connection.getresponse()
        if response.status != 200:
            raise AlexaVerificationError(f"certificate chain answered HTTP {response.status}")
        data = b""
        while len(data) <= MAX_CHAIN_BYTES:
            if connection.sock is not None:
                connection.sock.settimeout(left())
            chunk = response.read1(MAX_CHAIN_BYTES + 1 - len(data))
            if not chunk:
                break
            data += chunk
            left()
    finally:
        connection.close()
    if len(data) > MAX_CHAIN_BYTES:
        raise AlexaVerificationError("certificate chain too large")
    return data


def canonical_cert_url(url: str) -> str:
    """Apply Amazon's SignatureCertChainUrl rules and return the normalised URL, the only one we ever fetch."""
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:  # e.g. an unclosed IPv6 bracket: "https://[s3.amazonaws.com/..."
        raise AlexaVerificationError("certificate URL is malformed") from None
    try:
        port = parts.port
    except ValueError:
        raise AlexaVerificationError("certificate URL has an invalid port") from None
    path = posixpath.normpath(urllib.parse.unquote(parts.path or "."))
    if parts.scheme.lower() != "https":
        raise AlexaVerificationError("certificate URL is not https")
    if (parts.hostname or "").lower() != CERT_URL_HOST:
        raise AlexaVerificationError("certificate URL has the wrong host")
    if port is not None and port != CERT_URL_PORT:
        raise AlexaVerificationError("certificate URL has the wrong port")
    if not path.startswith(CERT_URL_PATH_PREFIX):
        raise AlexaVerificationError("certificate URL has the wrong path")
    return f"https://{CERT_URL_HOST}{urllib.parse.quote(path)}"


def _header(headers: Headers, name: str) -> str:
    """Return a header by case-insensitive name, refusing the request when it is missing or empty."""
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted and value:
            return value
    raise AlexaVerificationError(f"{name} header missing")


def _decode_signature(value: str) -> bytes:
    """Decode the base64 Signature-256 header, refusing malformed values."""
    try:
        signature = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise AlexaVerificationError("Signature-256 header is not base64") from None
    if len(signature) not in SIGNATURE_BYTES:
        raise AlexaVerificationError("Signature-256 header has the wrong length")
    return signature


def _check_signature(leaf: x509.Certificate, signature: bytes, body: bytes) -> None:
    """Refuse unless signature is RSA PKCS#1 v1.5 SHA-256 over the raw body by the leaf's key."""
    key = leaf.public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        raise AlexaVerificationError("signing certificate has no RSA key")
    try:
        key.verify(signature, body, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        raise AlexaVerificationError("request signature does not match the body") from None


def _load_roots(bundle: bytes) -> list[x509.Certificate]:
    """Parse a PEM bundle root by root, skipping any that cryptography rejects so one odd root cannot disable all."""
    roots = []
    for block in re.findall(rb"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", bundle, re.DOTALL):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CryptographyDeprecationWarning)  # some roots have serial number 0
            try:
                roots.append(x509.load_pem_x509_certificate(block))
            except ValueError:
                continue
    return roots


@functools.cache
def _certifi_store() -> Store:
    """Load the certifi root bundle once per process; it is the default trust anchor set."""
    with open(certifi.where(), "rb") as bundle:
        return Store(_load_roots(bundle.read()))


class AlexaSignatureVerifier:
    """Checks SignatureCertChainUrl, the certificate chain and Signature-256 of each Alexa request."""

    def __init__(
        self,
        *,
        fetch: Fetch = fetch_url,
        trusted_roots: Sequence[x509.Certificate] | None = None,
        clock: Clock = utc_now,
        max_cached: int = MAX_CACHED_CHAINS,
        deadline_seconds: float = FETCH_DEADLINE_SECONDS,
        max_fetches: int = MAX_CONCURRENT_FETCHES,
    ) -> None:
        """Inject the chain downloader, trust anchors (default: certifi) and clock so tests stay offline."""
        self._fetch = fetch
        self._store = Store(list(trusted_roots)) if trusted_roots is not None else None
        self._clock = clock
        self._max_cached = max(1, max_cached)
        self._cache: dict[str, list[x509.Certificate]] = {}
        self._refused: dict[str, datetime] = {}  # URL -> until when it is refused without a download
        self._deadline = deadline_seconds
        self._fetch_slots = threading.BoundedSemaphore(max(1, max_fetches))
        self._lock = threading.Lock()

    # The web endpoint runs verify() on the raw body, before deserializing it (see skill.web).
    before_deserialization = True

    def precheck(self, headers: Headers) -> None:
        """The cheap part, before the body is even parsed: both headers present, the certificate URL well
        formed and Amazon's, the signature base64 of a plausible length. Nothing is fetched."""
        canonical_cert_url(_header(headers, CERT_URL_HEADER))
        _decode_signature(_header(headers, SIGNATURE_HEADER))

    def verify(self, headers: Headers, serialized_request_env: str | bytes, deserialized_request_env: Any) -> None:
        """Refuse the request unless its raw body is signed by a valid echo-api.amazon.com certificate."""
        url = canonical_cert_url(_header(headers, CERT_URL_HEADER))
        signature = _decode_signature(_header(headers, SIGNATURE_HEADER))
        body = serialized_request_env
        if isinstance(body, str):
            body = body.encode("utf-8")
        _check_signature(self._signing_certificate(url), signature, body)

    def _signing_certificate(self, url: str) -> x509.Certificate:
        """Return the validated leaf for url, downloading only when the cached chain is absent or its leaf expired."""
        now = self._clock()
        with self._lock:
            chain = self._cache.get(url)
            if chain is not None and chain[0].not_valid_after_utc <= now:
                del self._cache[url]
                chain = None
        if chain is None:
            self._check_not_refused(url)
            try:
                chain = self._download(url)
                self._validate(chain, now)
            except _Busy:
                raise
            except AlexaVerificationError:
                self._remember_refusal(url)
                raise
        else:
            self._validate(chain, now)
        with self._lock:
            self._cache.pop(url, None)
            while len(self._cache) >= self._max_cached:
                del self._cache[next(iter(self._cache))]
            self._cache[url] = chain
        return chain[0]

    def _check_not_refused(self, url: str) -> None:
        now = self._clock()
        with self._lock:
            until = self._refused.get(url)
            if until is not None and until > now:
                raise AlexaVerificationError("certificate URL failed recently")
            self._refused.pop(url, None)

    def _remember_refusal(self, url: str) -> None:
        with self._lock:
            self._refused.pop(url, None)
            while len(self._refused) >= MAX_REFUSED_URLS:
                del self._refused[next(iter(self._refused))]
            self._refused[url] = self._clock() + timedelta(seconds=REFUSED_URL_SECONDS)

    def _download(self, url: str) -> list[x509.Certificate]:
        """Fetch and parse the PEM chain; any network or parse failure is a refusal, not a 500.

        The fetch runs on its own thread and the request waits for it at most the deadline, whatever the fetch is
        stuck in (a resolver that does not answer cannot be given a timeout). A fetch left behind keeps its slot
        until it really ends, so stuck fetches are bounded too: with every slot taken, the request is refused at once.
        """
        if not self._fetch_slots.acquire(blocking=False):
            raise _Busy("too many certificate downloads at once")
        outcome: dict[str, Any] = {}
        finished = threading.Event()

        def run() -> None:
            try:
                outcome["pem"] = self._fetch(url)
            except BaseException as error:  # noqa: BLE001 (reported to the waiting request below)
                outcome["error"] = error
            finally:
                finished.set()
                self._fetch_slots.release()

        threading.Thread(target=run, name="certificate-fetch", daemon=True).start()
        if not finished.wait(self._deadline):
            raise AlexaVerificationError("certificate download too slow")
        error = outcome.get("error")
        if isinstance(error, AlexaVerificationError):
            raise error
        if error is not None:
            raise AlexaVerificationError(f"certificate chain unavailable ({type(error).__name__})") from None
        try:
            chain = x509.load_pem_x509_certificates(outcome["pem"])
        except Exception as error:
            raise AlexaVerificationError(f"certificate chain unavailable ({type(error).__name__})") from None
        if not chain:
            raise AlexaVerificationError("certificate chain is empty")
        return chain

    def _validate(self, chain: list[x509.Certificate], now: datetime) -> None:
        """Refuse unless the leaf is valid now, names echo-api.amazon.com and chains up to a trusted root."""
        store = self._store if self._store is not None else _certifi_store()
        verifier = PolicyBuilder().store(store).time(now).build_server_verifier(x509.DNSName(ECHO_API_DOMAIN))
        try:
            verifier.verify(chain[0], chain[1:])
        except VerificationError as error:
            raise AlexaVerificationError(f"certificate chain rejected: {error}") from None
        _check_alexa_leaf(chain[0])


def _check_alexa_leaf(leaf: x509.Certificate) -> None:
    """Amazon's own rules, stricter than web PKI: the SAN names echo-api.amazon.com itself (a wildcard such as
    *.amazon.com is not enough), and the key is RSA of at least 2048 bits."""
    try:
        names = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(
            x509.DNSName
        )
    except x509.ExtensionNotFound:
        names = []
    if ECHO_API_DOMAIN not in (name.lower() for name in names):
        raise AlexaVerificationError("signing certificate does not name echo-api.amazon.com")
    key = leaf.public_key()
    if not isinstance(key, rsa.RSAPublicKey) or key.key_size < MIN_RSA_BITS:
        raise AlexaVerificationError("signing certificate key is too weak")


class AlexaTimestampVerifier:
    """Refuses requests whose timestamp is over 150 s from our clock (1 h for skill events), to stop replays."""

    def __init__(self, *, clock: Clock = utc_now) -> None:
        """Inject the clock (an aware-datetime callable) so tests can move time."""
        self._clock = clock

    def precheck_body(self, headers: Headers, data: Any) -> None:
        """The same check on the parsed JSON, before the SDK deserializes it: refuses stale or missing timestamps."""
        request = data.get("request") if isinstance(data, dict) else None
        if not isinstance(request, dict):
            raise AlexaVerificationError("request timestamp missing")
        timestamp = alexa_time(request.get("timestamp"))  # ISO 8601 or epoch (milli)seconds, as everywhere
        if timestamp is None:
            raise AlexaVerificationError("request timestamp missing")
        self._check(timestamp, request.get("type") in SKILL_EVENT_TYPES)

    def verify(self, headers: Headers, serialized_request_env: str | bytes, deserialized_request_env: Any) -> None:
        """Refuse the request unless request.timestamp is present and within tolerance of now."""
        request = getattr(deserialized_request_env, "request", None)
        timestamp = alexa_time(getattr(request, "timestamp", None))  # ISO 8601 or epoch (milli)seconds
        if timestamp is None:
            raise AlexaVerificationError("request timestamp missing")
        self._check(timestamp, getattr(request, "object_type", None) in SKILL_EVENT_TYPES)

    def _check(self, timestamp: datetime, is_event: bool) -> None:
        tolerance = SKILL_EVENT_TOLERANCE if is_event else TIMESTAMP_TOLERANCE
        if abs(self._clock() - timestamp) > tolerance:
            raise AlexaVerificationError("request timestamp outside tolerance")
