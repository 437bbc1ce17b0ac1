"""Tests for skill.web.signature: Amazon's web-service checks, proven offline against a locally made chain."""

from __future__ import annotations

import json
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # repo root, so `skill` imports without installing

from ask_sdk_core.exceptions import AskSdkException  # noqa: E402
from ask_sdk_core.serialize import DefaultSerializer  # noqa: E402
from ask_sdk_model import RequestEnvelope  # noqa: E402
from cryptography.hazmat.primitives.serialization import Encoding  # noqa: E402
from werkzeug.datastructures import EnvironHeaders  # noqa: E402

from skill.web import signature  # noqa: E402
from skill.web.signature import (  # noqa: E402
    AlexaSignatureVerifier,
    AlexaTimestampVerifier,
    AlexaVerificationError,
    canonical_cert_url,
)
from tests.support import alexa_certs  # noqa: E402

CERT_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert-12.pem"
BODY = b'{"version":"1.0","request":{"type":"LaunchRequest"}}'
NOW = datetime.now(timezone.utc)


def make_verifier(fetch: Any = None, **kwargs: Any) -> AlexaSignatureVerifier:
    """A verifier trusting only the local test root, never touching the network."""
    kwargs.setdefault("trusted_roots", [alexa_certs.root_cert()])
    return AlexaSignatureVerifier(fetch=fetch or alexa_certs.RecordingFetch(), **kwargs)


def headers(url: str = CERT_URL, body: bytes = BODY, **overrides: str) -> dict[str, str]:
    """Headers Alexa would send for body."""
    return {"SignatureCertChainUrl": url, "Signature-256": alexa_certs.sign_body(body), **overrides}


# --- signature ---------------------------------------------------------------------------------


def test_correctly_signed_body_is_accepted() -> None:
    make_verifier().verify(headers(), BODY.decode(), None)


def test_bytes_body_is_accepted() -> None:
    make_verifier().verify(headers(), BODY, None)


def test_header_names_are_case_insensitive_in_dicts_and_werkzeug_headers() -> None:
    lower = {k.lower(): v for k, v in headers().items()}
    make_verifier().verify(lower, BODY.decode(), None)
    environ = {"HTTP_SIGNATURECERTCHAINURL": CERT_URL, "HTTP_SIGNATURE_256": alexa_certs.sign_body(BODY)}
    make_verifier().verify(EnvironHeaders(environ), BODY.decode(), None)


def test_tampered_body_is_refused() -> None:
    with pytest.raises(AlexaVerificationError, match="does not match"):
        make_verifier().verify(headers(), BODY.decode().replace("Launch", "Intent"), None)


def test_signature_from_another_key_is_refused() -> None:
    forged = alexa_certs.sign_body(BODY, alexa_certs.key("stranger"))
    with pytest.raises(AlexaVerificationError, match="does not match"):
        make_verifier().verify(headers(**{"Signature-256": forged}), BODY.decode(), None)


def test_legacy_sha1_signature_header_alone_is_refused() -> None:
    legacy = {"SignatureCertChainUrl": CERT_URL, "Signature": alexa_certs.sign_body(BODY)}
    with pytest.raises(AlexaVerificationError, match="Signature-256 header missing"):
        make_verifier().verify(legacy, BODY.decode(), None)


def test_signature_that_is_not_base64_is_refused() -> None:
    with pytest.raises(AlexaVerificationError, match="not base64"):
        make_verifier().verify(headers(**{"Signature-256": "....$#%@$se"}), BODY.decode(), None)


@pytest.mark.parametrize("missing", ["SignatureCertChainUrl", "Signature-256"])
def test_missing_or_empty_header_is_refused_before_any_fetch(missing: str) -> None:
    fetch = alexa_certs.RecordingFetch()
    for sent in ({k: v for k, v in headers().items() if k != missing}, headers(**{missing: ""})):
        with pytest.raises(AlexaVerificationError, match=f"{missing} header missing"):
            make_verifier(fetch).verify(sent, BODY.decode(), None)
    assert fetch.urls == []


@pytest.mark.parametrize(
    "url",
    [
        "http://s3.amazonaws.com/echo.api/echo-api-cert.pem",
        "https://notamazon.com/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com.evil.example/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com@evil.example/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com/EcHo.aPi/echo-api-cert.pem",
        "https://s3.amazonaws.com/invalid.path/echo-api-cert.pem",
        "https://s3.amazonaws.com/echo.api/../echo-api-cert.pem",
        "https://s3.amazonaws.com/echo.api/%2e%2e/echo-api-cert.pem",
        "https://s3.amazonaws.com/echo.api/",
        "https://s3.amazonaws.com:8443/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com:563/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com:notaport/echo.api/echo-api-cert.pem",
        "s3.amazonaws.com/echo.api/echo-api-cert.pem",
    ],
)
def test_bad_cert_urls_are_refused_without_fetching(url: str) -> None:
    fetch = alexa_certs.RecordingFetch()
    with pytest.raises(AlexaVerificationError, match="certificate URL"):
        make_verifier(fetch).verify(headers(url=url), BODY.decode(), None)
    assert fetch.urls == []


@pytest.mark.parametrize(
    "url",
    [
        "https://s3.amazonaws.com/echo.api/echo-api-cert.pem",
        "HTTPS://S3.AMAZONAWS.COM/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com:443/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com/echo.api/../echo.api/echo-api-cert.pem",
    ],
)
def test_good_cert_url_variants_are_accepted_and_fetched_in_canonical_form(url: str) -> None:
    fetch = alexa_certs.RecordingFetch()
    make_verifier(fetch).verify(headers(url=url), BODY.decode(), None)
    assert fetch.urls == ["https://s3.amazonaws.com/echo.api/echo-api-cert.pem"]
    assert canonical_cert_url(url) == fetch.urls[0]


@pytest.mark.parametrize(
    ("chain", "reason"),
    [
        (alexa_certs.expired_chain, "not valid at validation time"),
        (alexa_certs.not_yet_valid_chain, "not valid at validation time"),
        (alexa_certs.wrong_name_chain, "subjectAltName"),
        (alexa_certs.untrusted_chain, "certificate chain rejected"),
    ],
)
def test_bad_chains_are_refused(chain: Any, reason: str) -> None:
    fetch = alexa_certs.RecordingFetch(chain().pem())
    with pytest.raises(AlexaVerificationError, match=reason):
        make_verifier(fetch).verify(headers(), BODY.decode(), None)


def test_leaf_without_its_intermediate_is_refused() -> None:
    leaf_only = alexa_certs.good_chain().leaf.public_bytes(Encoding.PEM)
    with pytest.raises(AlexaVerificationError, match="certificate chain rejected"):
        make_verifier(alexa_certs.RecordingFetch(leaf_only)).verify(headers(), BODY.decode(), None)


def test_chain_served_out_of_order_is_refused() -> None:
    """Amazon serves the signing certificate first; an intermediate in its place is not the signer."""
    chain = alexa_certs.good_chain()
    reversed_pem = b"".join(c.public_bytes(Encoding.PEM) for c in (chain.intermediate, chain.leaf))
    with pytest.raises(AlexaVerificationError, match="certificate chain rejected"):
        make_verifier(alexa_certs.RecordingFetch(reversed_pem)).verify(headers(), BODY.decode(), None)


def test_a_body_with_non_ascii_text_is_checked_byte_for_byte() -> None:
    body = '{"version":"1.0","request":{"type":"LaunchRequest","locale":"en-IN","note":"Zoë ❤ José"}}'.encode()
    make_verifier().verify(headers(body=body), body.decode("utf-8"), None)
    with pytest.raises(AlexaVerificationError, match="does not match"):
        make_verifier().verify(headers(body=body), body.decode("utf-8").replace("ë", "e"), None)


def test_default_trust_is_certifi_which_does_not_know_the_test_root() -> None:
    verifier = AlexaSignatureVerifier(fetch=alexa_certs.RecordingFetch())
    with pytest.raises(AlexaVerificationError, match="certificate chain rejected"):
        verifier.verify(headers(), BODY.decode(), None)


@pytest.mark.parametrize(
    "pem", [b"", b"not a certificate", b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"]
)
def test_unparsable_chain_is_refused(pem: bytes) -> None:
    with pytest.raises(AlexaVerificationError, match="certificate chain"):
        make_verifier(alexa_certs.RecordingFetch(pem)).verify(headers(), BODY.decode(), None)


def test_fetch_failure_is_a_refusal() -> None:
    def unreachable(url: str) -> bytes:
        raise OSError("network is down")

    with pytest.raises(AlexaVerificationError, match="unavailable"):
        make_verifier(unreachable).verify(headers(), BODY.decode(), None)


def test_default_fetch_caps_the_size() -> None:
    with alexa_certs.CertServer("huge") as server:
        with pytest.raises(AlexaVerificationError, match="too large"):
            signature.fetch_url(CERT_URL, connect=server.connect)
    assert server.requests == ["/echo.api/echo-api-cert-12.pem"]


def test_default_fetch_downloads_the_chain() -> None:
    with alexa_certs.CertServer() as server:
        assert signature.fetch_url(CERT_URL, connect=server.connect) == alexa_certs.chain_pem()


# --- cache -------------------------------------------------------------------------------------


def test_chain_is_fetched_once_per_url() -> None:
    fetch = alexa_certs.RecordingFetch()
    verifier = make_verifier(fetch)
    other = CERT_URL.replace("-12", "-13")
    for url in (CERT_URL, CERT_URL, other, other, CERT_URL):
        verifier.verify(headers(url=url), BODY.decode(), None)
    assert fetch.urls == [CERT_URL, other]


def test_refused_chains_are_not_cached_and_their_url_is_refused_unasked_for_a_while() -> None:
    clock = [NOW]
    fetch = alexa_certs.RecordingFetch(alexa_certs.untrusted_chain().pem())
    verifier = make_verifier(fetch, clock=lambda: clock[0])
    for _ in range(3):
        with pytest.raises(AlexaVerificationError):
            verifier.verify(headers(), BODY.decode(), None)
    assert fetch.urls == [CERT_URL], "a URL that failed is not fetched again at once"
    clock[0] = NOW + timedelta(seconds=signature.REFUSED_URL_SECONDS + 1)
    with pytest.raises(AlexaVerificationError, match="rejected"):
        verifier.verify(headers(), BODY.decode(), None)
    assert fetch.urls == [CERT_URL, CERT_URL], "after a while it is tried again"


def test_the_refused_url_memory_is_bounded() -> None:
    fetch = alexa_certs.RecordingFetch(alexa_certs.untrusted_chain().pem())
    verifier = make_verifier(fetch)
    for number in range(2 * signature.MAX_REFUSED_URLS):
        with pytest.raises(AlexaVerificationError):
            verifier.verify(headers(url=CERT_URL.replace("-12", f"-{number}")), BODY.decode(), None)
    assert len(verifier._refused) == signature.MAX_REFUSED_URLS  # noqa: SLF001 (the bound is the point)


def test_cached_chain_is_dropped_once_the_leaf_expires() -> None:
    clock = [NOW]
    fetch = alexa_certs.RecordingFetch()
    verifier = make_verifier(fetch, clock=lambda: clock[0])
    verifier.verify(headers(), BODY.decode(), None)
    clock[0] = alexa_certs.good_chain().leaf.not_valid_after_utc + timedelta(seconds=1)
    with pytest.raises(AlexaVerificationError, match="not valid at validation time"):
        verifier.verify(headers(), BODY.decode(), None)
    assert fetch.urls == [CERT_URL, CERT_URL]


def test_cache_is_bounded() -> None:
    fetch = alexa_certs.RecordingFetch()
    verifier = make_verifier(fetch, max_cached=2)
    urls = [CERT_URL.replace("-12", f"-{n}") for n in (1, 2, 3)]
    for url in urls + urls[:1]:
        verifier.verify(headers(url=url), BODY.decode(), None)
    assert fetch.urls == urls + urls[:1]


# --- HTTP status -------------------------------------------------------------------------------


def test_refusal_is_http_400_even_where_ask_sdk_errors_become_500() -> None:
    from flask import Flask, abort, request

    app = Flask(__name__)
    verifier = make_verifier()

    @app.post("/alexa")
    def endpoint() -> str:
        try:  # same shape as flask_ask_sdk.SkillAdapter.dispatch_request
            verifier.verify(request.headers, request.get_data(as_text=True), None)
        except AskSdkException:
            abort(500)
        return "ok"

    client = app.test_client()
    assert client.post("/alexa", data=BODY, headers=headers()).status_code == 200
    assert client.post("/alexa", data=BODY + b" ", headers=headers()).status_code == 400
    assert client.post("/alexa", data=BODY).status_code == 400
    assert not issubclass(AlexaVerificationError, AskSdkException)


# --- timestamp ---------------------------------------------------------------------------------


def envelope(timestamp: datetime | None, request_type: str = "LaunchRequest") -> RequestEnvelope:
    """Deserialize a minimal request envelope the way the skill does."""
    request: dict[str, Any] = {"type": request_type, "requestId": "amzn1.echo-api.request.test", "locale": "en-US"}
    if timestamp is not None:
        request["timestamp"] = timestamp.isoformat().replace("+00:00", "Z")
    payload = json.dumps({"version": "1.0", "request": request})
    result = DefaultSerializer().deserialize(payload, RequestEnvelope)
    assert isinstance(result, RequestEnvelope)
    return result


@pytest.mark.parametrize("offset", [0, 149, -149, 150, -150])
def test_timestamp_within_tolerance_is_accepted(offset: int) -> None:
    AlexaTimestampVerifier(clock=lambda: NOW).verify({}, "", envelope(NOW + timedelta(seconds=offset)))


@pytest.mark.parametrize("offset", [-151, 151])
def test_timestamp_outside_tolerance_is_refused(offset: int) -> None:
    with pytest.raises(AlexaVerificationError, match="outside tolerance"):
        AlexaTimestampVerifier(clock=lambda: NOW).verify({}, "", envelope(NOW + timedelta(seconds=offset)))


def test_default_clock_accepts_a_fresh_request() -> None:
    AlexaTimestampVerifier().verify({}, "", envelope(datetime.now(timezone.utc)))


@pytest.mark.parametrize("env", [envelope(None), RequestEnvelope(), None])
def test_missing_timestamp_is_refused(env: Any) -> None:
    with pytest.raises(AlexaVerificationError, match="timestamp missing"):
        AlexaTimestampVerifier(clock=lambda: NOW).verify({}, "", env)


def test_naive_timestamp_is_read_as_utc() -> None:
    class Request:
        timestamp = (NOW - timedelta(seconds=100)).replace(tzinfo=None)

    class Envelope:
        request = Request()

    AlexaTimestampVerifier(clock=lambda: NOW).verify({}, "", Envelope())


def test_skill_events_get_one_hour() -> None:
    verifier = AlexaTimestampVerifier(clock=lambda: NOW)
    verifier.verify({}, "", envelope(NOW - timedelta(minutes=59), "AlexaSkillEvent.SkillEnabled"))
    with pytest.raises(AlexaVerificationError):
        verifier.verify({}, "", envelope(NOW - timedelta(minutes=61), "AlexaSkillEvent.SkillEnabled"))


# --- the web endpoint: who may call ------------------------------------------------------------


def _fresh_launch(application_id: str | None = "amzn1.ask.skill.test-our-rituals") -> dict[str, Any]:
    """A launch request as Alexa would send it now, for the given skill (None: no application id at all)."""
    from tests.support.conversation import Couple

    couple = Couple(send=lambda event: event)
    couple.now = datetime.now(timezone.utc)
    couple.new_session()
    event = couple.envelope({"type": "LaunchRequest"}, new=True)
    for holder in (event["session"], event["context"]["System"]):
        if application_id is None:
            del holder["application"]
        else:
            holder["application"]["applicationId"] = application_id
    return event


def _signed_post(body: bytes) -> Any:
    from skill.web import create_app

    app = create_app(verifiers=[make_verifier(), AlexaTimestampVerifier()])
    return app.test_client().post("/alexa", data=body, headers=headers(body=body), content_type="application/json")


def test_a_signed_request_for_our_skill_is_answered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SKILL_ID", "amzn1.ask.skill.test-our-rituals")
    response = _signed_post(json.dumps(_fresh_launch()).encode())
    assert response.status_code == 200 and "outputSpeech" in response.get_json()["response"]


@pytest.mark.parametrize("application_id", ["amzn1.ask.skill.someone-else", None])
def test_a_signed_request_for_another_skill_or_none_is_refused_on_both_surfaces(
    monkeypatch: pytest.MonkeyPatch, application_id: str | None
) -> None:
    """A genuine Alexa signature proves the sender, not the skill: the id is checked too, by the web and the Lambda."""
    from skill.alexa.skill import SkillIdMismatch
    from tests.conftest import load_lambda_app

    monkeypatch.setenv("SKILL_ID", "amzn1.ask.skill.test-our-rituals")
    event = _fresh_launch(application_id)
    assert _signed_post(json.dumps(event).encode()).status_code == 400
    with pytest.raises(SkillIdMismatch):
        load_lambda_app().handler(event, None)


@pytest.mark.parametrize(
    "body",
    [
        b'{"version": "1.0", "request": {"type": "LaunchRequest", "timestamp": "yesterday"}}',
        b'{"version": "1.0", "request": {"type": "IntentRequest", "intent": "HugIntent"}}',
        '\ufeff{"version": "1.0", "request": {"type": "LaunchRequest"}}'.encode(),
        json.dumps({"version": "1.0", "request": {"type": "LaunchRequest"}}).encode("utf-16"),
    ],
)
def test_a_signed_body_the_sdk_cannot_read_is_a_400_not_a_500(body: bytes) -> None:
    """flask-ask-sdk reads the body before any verifier runs and would answer 500; we refuse it first."""
    response = _signed_post(body)
    assert response.status_code == 400 and b"Traceback" not in response.data
