"""The self-hosted web service: full conversations over POST /alexa, and Alexa's request checks really running."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from skill.web.signature import AlexaSignatureVerifier, AlexaTimestampVerifier
from tests.support import alexa_certs
from tests.support.conversation import Couple
from tests.support.turns_support import menu_examples

CERT_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert-test.pem"


def test_a_whole_evening_over_http(web_couple: Couple) -> None:
    said = web_couple.launch()
    assert "first names" in said.text
    said = web_couple.intent("SetNamesIntent", first="Maya", second="Sam")
    assert said.by_voice("Joanna")[0].startswith("Maya")
    said = web_couple.later(days=1).launch()
    assert "Maya and Sam" in said.text
    said = web_couple.intent("AMAZON.HelpIntent")
    assert len(menu_examples(said)) == 6, "help names six rituals to try"
    said = web_couple.intent("BreatheIntent", breaths="2")
    assert said.voices.count("Joanna") == 2 and said.voices.count("Matthew") == 2
    said = web_couple.intent("HugIntent", one_shot=True)
    assert said.ends_session and said.timed_seconds() == pytest.approx(20)
    web_couple.launch()
    assert web_couple.intent("AMAZON.StopIntent").ends_session


@pytest.mark.parametrize("body", [b"", b"not json", b"[]", b'{"request": "hug"}', b'{"version": "1.0"}', b"\xff\xfe"])
def test_what_is_not_an_alexa_request_gets_400(web_client: Any, body: bytes) -> None:
    response = web_client.post("/alexa", data=body, content_type="application/json")
    assert response.status_code == 400
    assert b"Traceback" not in response.data


def test_only_post_is_served(web_client: Any) -> None:
    assert web_client.get("/alexa").status_code == 405
    assert web_client.get("/health").get_json() == {"status": "ok"}


# -- request verification, with a locally generated certificate chain ---------------------------


@pytest.fixture
def verified_client() -> Any:
    from skill.web import create_app

    fetched: list[str] = []

    def fetch(url: str) -> bytes:
        fetched.append(url)
        return alexa_certs.chain_pem()

    app = create_app(
        verifiers=[
            AlexaSignatureVerifier(fetch=fetch, trusted_roots=[alexa_certs.root_cert()]),
            AlexaTimestampVerifier(),
        ]
    )
    client = app.test_client()
    client.fetched = fetched
    return client


def launch_body(*, timestamp: datetime | None = None) -> bytes:
    couple = Couple(send=lambda event: event)
    couple.now = timestamp or datetime.now(timezone.utc)
    couple.new_session()
    return json.dumps(couple.envelope({"type": "LaunchRequest"}, new=True)).encode()


def post(client: Any, body: bytes, *, signature: str | None = None, cert_url: str = CERT_URL) -> Any:
    headers = {"SignatureCertChainUrl": cert_url, "Signature-256": signature or alexa_certs.sign_body(body)}
    return client.post("/alexa", data=body, headers=headers, content_type="application/json")


def test_a_correctly_signed_request_is_answered(verified_client: Any) -> None:
    response = post(verified_client, launch_body())
    assert response.status_code == 200
    assert "first names" in response.get_json()["response"]["outputSpeech"]["ssml"]
    assert verified_client.fetched == [CERT_URL]


def test_a_tampered_body_is_refused(verified_client: Any) -> None:
    body = launch_body()
    signature = alexa_certs.sign_body(body)
    tampered = body.replace(b"LaunchRequest", b"IntentRequest")
    assert post(verified_client, tampered, signature=signature).status_code == 400


def test_a_wrong_certificate_url_is_refused(verified_client: Any) -> None:
    body = launch_body()
    for url in (
        "http://s3.amazonaws.com/echo.api/cert.pem",
        "https://evil.example.com/echo.api/cert.pem",
        "https://s3.amazonaws.com/EcHo.aPi/cert.pem",
        "https://s3.amazonaws.com:563/echo.api/cert.pem",
    ):
        assert post(verified_client, body, cert_url=url).status_code == 400, url


def test_an_old_timestamp_is_refused(verified_client: Any) -> None:
    body = launch_body(timestamp=datetime.now(timezone.utc) - timedelta(seconds=200))
    assert post(verified_client, body).status_code == 400


def test_missing_signature_headers_are_refused_by_default() -> None:
    from skill.web import create_app

    client = create_app().test_client()
    response = client.post("/alexa", data=launch_body(), content_type="application/json")
    assert response.status_code == 400


def test_verification_can_be_switched_off_only_explicitly(monkeypatch: pytest.MonkeyPatch) -> None:
    from skill.web import create_app

    monkeypatch.setenv("OUR_RITUALS_VERIFY_REQUESTS", "0")
    client = create_app().test_client()
    assert client.post("/alexa", data=launch_body(), content_type="application/json").status_code == 200


def test_another_skill_id_is_refused_over_http(monkeypatch: pytest.MonkeyPatch) -> None:
    from skill.web import create_app

    monkeypatch.setenv("SKILL_ID", "amzn1.ask.skill.someone-else")
    client = create_app(verify_requests=False).test_client()
    assert client.post("/alexa", data=launch_body(), content_type="application/json").status_code == 400


def test_the_stand_in_for_certvalidator_refuses_every_certificate() -> None:
    """Where oscrypto cannot load, the SDK's own verifier (never used by us) would fail closed, not pass."""
    import sys

    from skill.web.sdk_compat import ensure_flask_ask_sdk_importable

    ensure_flask_ask_sdk_importable()
    if getattr(sys.modules["certvalidator"], "__file__", None):
        pytest.skip("the real certvalidator loads on this machine; no stand-in is installed")
    certvalidator = sys.modules["certvalidator"]
    with pytest.raises(certvalidator.errors.ValidationError):
        certvalidator.CertificateValidator(alexa_certs.good_chain().leaf)


def test_a_copy_of_a_request_still_running_waits_for_its_answer_and_a_refused_one_is_applied_again() -> None:
    """The replay memory's signal: copies waiting on the first get its answer once it is known (each of them);
    a copy of a request that was not answered in a way that counts is let through."""
    import threading

    from skill.web.replay import AnsweredRequests

    answered = AnsweredRequests()
    assert answered.claim("req-1", 300) is None, "the first copy is applied"
    got: list[tuple[bool, int, bytes]] = []

    def replay() -> None:
        first = answered.claim("req-1", 300)
        assert first is not None
        got.append((first.done.wait(5), first.status, first.body))

    waiting = [threading.Thread(target=replay) for _ in range(3)]
    for thread in waiting:
        thread.start()
    answered.answered("req-1", 200, b'{"answer": 1}')
    for thread in waiting:
        thread.join(10)
    assert got == [(True, 200, b'{"answer": 1}')] * 3
    known = answered.claim("req-1", 300)
    assert known is not None and known.done.wait(0) and known.done.is_set()

    assert answered.claim("req-2", 300) is None
    pending = answered.claim("req-2", 300)
    assert pending is not None and not pending.done.wait(0.01), "not answered yet: the wait times out"
    answered.release("req-2")
    assert pending.done.wait(0) and pending.status == 0, "released: the waiting copy is refused, to come again"
    assert answered.claim("req-2", 300) is None, "and a later copy is applied"
