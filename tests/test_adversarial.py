"""Tried as an attacker and an unlucky operator would (issue 16): each finding, reproduced, now refused or survived.

The mechanisms are the tests' usual ones: a local certificate chain trusted through `create_app(verifiers=...)`,
a plain-HTTP stand-in for the certificate host, DynamoDB Local, a SQLite file held locked by another process.
The lost-update finding (16 writer processes on both stores) lives in tests/test_concurrency.py.
"""

from __future__ import annotations

import io
import json
import logging
import re
import sqlite3
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from ask_sdk_core.serialize import DefaultSerializer

from skill import state
from skill.content import load_content
from skill.state import household_key, speaker_key
from skill.store import open_store
from skill.store.sqlite import SQLiteStore
from skill.web import signature
from skill.web.signature import AlexaSignatureVerifier, AlexaTimestampVerifier, AlexaVerificationError
from tests import alexa_certs
from tests.conftest import ROOT, load_lambda_app
from tests.conversation import SKILL_ID, Couple
from tests.dynamodb_local import free_port

CERT_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert-16.pem"
UNSAVED = load_content("en-US").section("saving").lines.variants("unsaved")
FORGET = load_content("en-US").section("forget").lines


def fresh_couple(**fields: Any) -> Couple:
    """A couple talking to a freshly loaded Lambda (a cold start: the store opened anew)."""
    app = load_lambda_app()
    return Couple(send=lambda event: app.handler(event, None), **fields)


# -- 1. a write that did not land is never reported as saved -----------------------------------------------


def test_a_change_that_cannot_land_is_told_to_the_couple_not_claimed(
    embedded_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another Echo writes between every read and write of ours: after the retries, the couple hears it was not kept."""
    couple = fresh_couple()
    couple.meet("Maya", "Sam")
    before = SQLiteStore(embedded_store).load(couple.key)
    read = SQLiteStore.load

    def read_while_another_echo_writes(self: SQLiteStore, key: str) -> Any:
        snapshot = read(self, key)
        SQLiteStore(embedded_store).save(key, snapshot.document, snapshot.version, 1_800_000_000)
        return snapshot

    monkeypatch.setattr(SQLiteStore, "load", read_while_another_echo_writes)
    monkeypatch.setattr(state, "WRITE_BUDGET_SECONDS", 0.3)
    said = couple.intent("TonightsQuestionIntent", one_shot=True)
    monkeypatch.undo()
    note = next((note for note in UNSAVED if said.text.startswith(note)), None)
    assert note is not None and said.lines[0].voice is None, "the host says so first"
    assert len(said.text) > len(note) + 20, "and the question is still asked"
    after = SQLiteStore(embedded_store).load(couple.key)
    assert after.document == before.document, "nothing of this request was kept, and nothing claimed it was"


def test_a_change_that_lands_says_nothing_about_saving(couple: Couple) -> None:
    couple.meet("Maya", "Sam")
    said = couple.intent("TonightsQuestionIntent", one_shot=True)
    assert not any(note in said.text for note in UNSAVED)


# -- 2. a deletion that cannot happen now happens later ------------------------------------------------------


def skill_disabled(couple: Couple) -> dict[str, Any]:
    when = couple.now.strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "version": "1.0",
        "context": {"System": {"application": {"applicationId": SKILL_ID}, "user": {"userId": couple.user_id}}},
        "request": {
            "type": "AlexaSkillEvent.SkillDisabled",
            "requestId": "amzn1.echo-api.request.disabled-16",
            "timestamp": when,
            "eventCreationTime": when,
            "eventPublishingTime": when,
            "body": {"userInformationPersistenceStatus": "NOT_PERSISTED"},
        },
    }


class Outage:
    """The store the skill uses, really unavailable for a while: DynamoDB's endpoint gone, or SQLite locked."""

    def __init__(self, kind: str, monkeypatch: pytest.MonkeyPatch, embedded_store: Path) -> None:
        self.kind, self.monkeypatch, self.embedded_store = kind, monkeypatch, embedded_store
        self.endpoint: str | None = None
        self.locker: sqlite3.Connection | None = None

    def begin(self) -> None:
        if self.kind == "dynamodb":
            import os

            self.endpoint = os.environ["AWS_ENDPOINT_URL_DYNAMODB"]
            self.monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", f"http://127.0.0.1:{free_port()}")
        else:
            self.monkeypatch.setattr(SQLiteStore, "__init__", _short_lock_wait(SQLiteStore.__init__))
            self.locker = sqlite3.connect(self.embedded_store, isolation_level=None)
            self.locker.execute("BEGIN EXCLUSIVE")

    def end(self) -> None:
        if self.endpoint is not None:
            self.monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", self.endpoint)
            self.endpoint = None
        if self.locker is not None:
            self.locker.execute("ROLLBACK")
            self.locker.close()
            self.locker = None


def _short_lock_wait(init: Callable[..., None]) -> Callable[..., None]:
    def init_with_short_wait(self: SQLiteStore, path: Any, timeout_seconds: float = 2.0) -> None:
        init(self, path, timeout_seconds=0.2)

    return init_with_short_wait


@pytest.fixture(params=["sqlite", "dynamodb"])
def outage(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, embedded_store: Path) -> Iterator[Outage]:
    if request.param == "dynamodb":
        request.getfixturevalue("dynamodb_table")
    fault = Outage(str(request.param), monkeypatch, embedded_store)
    try:
        yield fault
    finally:
        fault.end()


def test_a_skill_disabled_event_during_an_outage_fails_and_deletes_once_alexa_sends_it_again(outage: Outage) -> None:
    couple = fresh_couple()
    couple.meet("Maya", "Sam")
    event = skill_disabled(couple)
    outage.begin()
    from skill.alexa.handlers import DeletionDeferred

    with pytest.raises(DeletionDeferred):
        fresh_couple().send(event)  # the Lambda invocation fails: Alexa sees the event was not handled
    outage.end()
    assert open_store().load(couple.key).document["names"] == ["Maya", "Sam"], "nothing could be deleted yet"
    answer = fresh_couple().send(event)  # the same event, delivered again once the store is back
    assert "outputSpeech" not in answer["response"]
    assert open_store().load(couple.key).version == 0


def test_a_skill_disabled_event_during_an_outage_is_finished_by_the_next_request_even_without_redelivery(
    outage: Outage,
) -> None:
    couple = fresh_couple()
    couple.meet("Maya", "Sam")
    neighbours = fresh_couple(user_id="amzn1.ask.account.THE-NEIGHBOURS")
    outage.begin()
    with pytest.raises(Exception, match="deferred"):
        fresh_couple().send(skill_disabled(couple))
    outage.end()
    assert open_store().load(couple.key).document["names"] == ["Maya", "Sam"]
    neighbours.meet("Ana", "Leo")  # anyone's next request, once the store is back, finishes the deletion
    assert open_store().load(couple.key).version == 0
    assert open_store().load(neighbours.key).document["names"] == ["Ana", "Leo"]


def test_forget_us_during_an_outage_is_finished_when_the_store_is_back(outage: Outage) -> None:
    couple = fresh_couple()
    couple.meet("Ines", "Tomas")
    couple.intent("ForgetUsIntent", one_shot=True)
    outage.begin()
    couple.send = fresh_couple().send  # the same session, answered by an instance started during the outage
    said = couple.intent("AMAZON.YesIntent")
    outage.end()
    assert said.text in FORGET.variants("not_forgotten"), f"they hear it is not done yet, and that it will be: {said.text}"
    assert open_store().load(couple.key).document["names"] == ["Ines", "Tomas"]
    said = fresh_couple(user_id=couple.user_id).launch()  # their next visit: the deletion comes first
    assert "Ines" not in said.text and "first names" in said.text
    assert open_store().load(couple.key).document["names"] == [], "a fresh household, version 1 again"
    assert open_store().load(couple.key).version == 1


@pytest.mark.slow
def test_over_the_web_a_deferred_deletion_is_a_503_so_alexa_may_retry(web_client: Any, embedded_store: Path) -> None:
    couple = Couple(send=lambda event: web_client.post("/alexa", json=event).get_json())
    couple.meet("Maya", "Sam")
    locker = sqlite3.connect(embedded_store, isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")
    try:
        response = web_client.post("/alexa", json=skill_disabled(couple))
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    assert response.status_code == 503
    assert web_client.post("/alexa", json=skill_disabled(couple)).status_code == 200
    assert SQLiteStore(embedded_store).load(couple.key).version == 0


# -- 3, 4, 7, 8. the web endpoint: cheap checks first, one deserialization, Alexa's certificate rules ---------


@pytest.fixture
def deserializations(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Counts the SDK's full deserializations of request envelopes (the expensive step)."""
    seen: list[str] = []
    real = DefaultSerializer.deserialize

    def counted(self: DefaultSerializer, payload: str, obj_type: Any) -> Any:
        if getattr(obj_type, "__name__", "") == "RequestEnvelope":
            seen.append(obj_type.__name__)
        return real(self, payload, obj_type)

    monkeypatch.setattr(DefaultSerializer, "deserialize", counted)
    return seen


def verified_app(fetch: alexa_certs.RecordingFetch) -> Any:
    from skill.web import create_app

    verifiers = [AlexaSignatureVerifier(fetch=fetch, trusted_roots=[alexa_certs.root_cert()]), AlexaTimestampVerifier()]
    return create_app(verifiers=verifiers).test_client()


def launch(*, when: datetime | None = None, padding: int = 0) -> bytes:
    couple = Couple(send=lambda event: event)
    couple.now = when or datetime.now(timezone.utc)
    couple.new_session()
    event = couple.envelope({"type": "LaunchRequest"}, new=True)
    if padding:
        event["session"]["attributes"] = {"padding": "x" * padding}
    return json.dumps(event).encode()


def post(client: Any, body: bytes, headers: dict[str, str]) -> Any:
    return client.post("/alexa", data=body, headers=headers, content_type="application/json")


def test_a_correctly_signed_request_is_deserialized_once(deserializations: list[str]) -> None:
    fetch = alexa_certs.RecordingFetch()
    body = launch()
    response = post(verified_app(fetch), body, {"SignatureCertChainUrl": CERT_URL, "Signature-256": alexa_certs.sign_body(body)})
    assert response.status_code == 200 and "outputSpeech" in response.get_json()["response"]
    assert deserializations == ["RequestEnvelope"], "one full deserialization, after the signature"
    assert fetch.urls == [CERT_URL]


def test_an_unsigned_255_kib_body_is_refused_before_any_parsing(deserializations: list[str]) -> None:
    fetch = alexa_certs.RecordingFetch()
    body = launch(padding=255 * 1024 - 2048)
    response = post(verified_app(fetch), body, {})
    assert response.status_code == 400
    assert deserializations == [] and fetch.urls == []


def test_a_bogus_signature_on_a_big_body_is_refused_without_deserializing(deserializations: list[str]) -> None:
    fetch = alexa_certs.RecordingFetch()
    body = launch(padding=200 * 1024)
    forged = alexa_certs.sign_body(body, alexa_certs.key("stranger"))
    response = post(verified_app(fetch), body, {"SignatureCertChainUrl": CERT_URL, "Signature-256": forged})
    assert response.status_code == 400
    assert deserializations == [], "the signature is checked on the raw body first"


def test_a_body_over_the_size_limit_is_refused_before_it_is_read(deserializations: list[str]) -> None:
    from skill.web.app import MAX_BODY_BYTES

    fetch = alexa_certs.RecordingFetch()
    body = launch(padding=MAX_BODY_BYTES)
    response = post(verified_app(fetch), body, {"SignatureCertChainUrl": CERT_URL, "Signature-256": alexa_certs.sign_body(body)})
    assert response.status_code == 413
    assert fetch.urls == [] and deserializations == []


@pytest.mark.parametrize(
    "headers",
    [
        {"SignatureCertChainUrl": CERT_URL},
        {"Signature-256": "c2lnbmF0dXJl"},
        {"SignatureCertChainUrl": CERT_URL, "Signature-256": "not base64!"},
        {"SignatureCertChainUrl": CERT_URL, "Signature-256": "c2lnbmF0dXJl"},  # base64, but no RSA signature is 9 bytes
        {"SignatureCertChainUrl": "https://s3.amazonaws.com/other/cert.pem", "Signature-256": "QUJD" * 86},
        {"SignatureCertChainUrl": "https://[s3.amazonaws.com/echo.api/a.pem", "Signature-256": "QUJD" * 86},
    ],
    ids=["no signature", "no certificate URL", "signature not base64", "signature too short", "foreign URL", "malformed URL"],
)
def test_a_request_failing_a_cheap_header_check_costs_no_download_and_no_parsing(
    headers: dict[str, str], deserializations: list[str]
) -> None:
    fetch = alexa_certs.RecordingFetch()
    response = post(verified_app(fetch), launch(), headers)
    assert response.status_code == 400, "a refusal, never a 500"
    assert fetch.urls == [] and deserializations == []


def test_a_stale_request_naming_a_new_certificate_url_causes_no_download(deserializations: list[str]) -> None:
    fetch = alexa_certs.RecordingFetch()
    body = launch(when=datetime.now(timezone.utc) - timedelta(days=3))
    fresh_url = "https://s3.amazonaws.com/echo.api/never-seen-before.pem"
    response = post(verified_app(fetch), body, {"SignatureCertChainUrl": fresh_url, "Signature-256": alexa_certs.sign_body(body)})
    assert response.status_code == 400
    assert fetch.urls == [] and deserializations == []


def test_an_epoch_millisecond_timestamp_is_read_by_the_cheap_check() -> None:
    now = datetime.now(timezone.utc)
    check = AlexaTimestampVerifier(clock=lambda: now)
    check.precheck_body({}, {"request": {"type": "LaunchRequest", "timestamp": int(now.timestamp() * 1000)}})
    with pytest.raises(AlexaVerificationError):
        check.precheck_body({}, {"request": {"type": "LaunchRequest", "timestamp": int(now.timestamp() * 1000) - 3_600_000}})


def test_a_malformed_certificate_url_is_a_refusal_not_an_error() -> None:
    with pytest.raises(AlexaVerificationError, match="malformed"):
        signature.canonical_cert_url("https://[s3.amazonaws.com/echo.api/a.pem")


@pytest.mark.parametrize(
    ("chain", "reason"),
    [(alexa_certs.wildcard_chain, "echo-api.amazon.com"), (alexa_certs.weak_key_chain, "too weak")],
    ids=["only *.amazon.com", "RSA-1024 leaf"],
)
def test_certificates_looser_than_alexas_rule_are_refused(chain: Callable[[], alexa_certs.Chain], reason: str) -> None:
    served = chain()
    verifier = AlexaSignatureVerifier(fetch=alexa_certs.RecordingFetch(served.pem()), trusted_roots=[served.root])
    body = launch()
    # Signed by a 2048-bit key, so the cheap length check passes and the certificate itself is judged.
    signed = {"SignatureCertChainUrl": CERT_URL, "Signature-256": alexa_certs.sign_body(body)}
    with pytest.raises(AlexaVerificationError, match=reason):
        verifier.verify(signed, body, None)


@pytest.mark.slow
def test_the_certificate_download_has_one_deadline_for_all_of_it() -> None:
    """A host dripping one byte every 0.2 s would take minutes; the download gives up at its deadline."""
    with alexa_certs.CertServer("drip") as server:
        with pytest.raises(AlexaVerificationError, match="too slow"):
            signature.fetch_url(CERT_URL, connect=server.connect, deadline_seconds=1.0)
    assert server.requests == ["/echo.api/echo-api-cert-16.pem"]


def test_the_certificate_download_refuses_redirects() -> None:
    with alexa_certs.CertServer("redirect") as server:
        with pytest.raises(AlexaVerificationError, match="302"):
            signature.fetch_url(CERT_URL, connect=server.connect)
    assert server.requests == ["/echo.api/echo-api-cert-16.pem"], "the redirect was not followed"


def test_the_certificate_cache_stays_bounded_under_many_urls() -> None:
    fetch = alexa_certs.RecordingFetch()
    verifier = AlexaSignatureVerifier(fetch=fetch, trusted_roots=[alexa_certs.root_cert()])
    body = launch()
    for number in range(3 * signature.MAX_CACHED_CHAINS):
        url = f"https://s3.amazonaws.com/echo.api/cert-{number}.pem"
        verifier.verify({"SignatureCertChainUrl": url, "Signature-256": alexa_certs.sign_body(body)}, body, None)
    assert len(verifier._cache) == signature.MAX_CACHED_CHAINS  # noqa: SLF001 (the bound is the point)


# -- 5. no name, key or id in any log, at DEBUG, with both stores ---------------------------------------------


USER_ID = "amzn1.ask.account.AFADVERSARIALUSERID9X"
PERSON_ID = "amzn1.ask.person.AFADVERSARIALPERSON4K"


@pytest.fixture(params=["sqlite", "dynamodb"])
def debug_logs(request: pytest.FixtureRequest) -> Iterator[io.StringIO]:
    """Every logger at DEBUG, as an operator chasing a problem would set it, written to one buffer."""
    if request.param == "dynamodb":
        request.getfixturevalue("dynamodb_table")
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    root = logging.getLogger()
    saved = root.level, {name: logging.getLogger(name).level for name in ("botocore", "boto3", "urllib3", "our_rituals")}
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    for name in saved[1]:
        logging.getLogger(name).setLevel(logging.DEBUG)
    ours = logging.getLogger("our_rituals")
    ours.addHandler(handler)
    try:
        yield buffer
    finally:
        root.removeHandler(handler)
        ours.removeHandler(handler)
        root.setLevel(saved[0])
        for name, level in saved[1].items():
            logging.getLogger(name).setLevel(level)


def test_debug_logs_of_an_evening_hold_no_name_key_or_id(debug_logs: io.StringIO, capsys: pytest.CaptureFixture[str]) -> None:
    app = load_lambda_app()  # a cold start after the operator turned DEBUG on
    couple = Couple(send=lambda event: app.handler(event, None), user_id=USER_ID, person_id=PERSON_ID)
    couple.meet("Maya", "Sam")
    couple.intent("TonightsQuestionIntent", one_shot=True)
    couple.intent("SetNamesIntent", one_shot=True, first="Mayaluna", second="Samwise")
    written = debug_logs.getvalue() + capsys.readouterr().err
    assert "request handled" in written, "the logs were captured"
    secrets = (USER_ID, PERSON_ID, "Maya", "Mayaluna", "Samwise", household_key(USER_ID), speaker_key(PERSON_ID))
    for secret in secrets:
        assert secret not in written, f"{secret!r} is in the DEBUG logs"
    assert not re.search(r"\b[0-9a-f]{64}\b", written), "no full hash of anything"


# -- 6, 9. the Flask app: no static route; a warning when any skill's requests would be answered --------------


def test_there_is_no_static_route(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from skill.web import create_app

    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "rituals.db").write_text("secret")
    monkeypatch.chdir(tmp_path)
    client = create_app(verify_requests=False).test_client()
    assert client.get("/static/rituals.db").status_code == 404
    assert "static" not in {rule.endpoint for rule in client.application.url_map.iter_rules()}


@pytest.mark.parametrize(("verify", "skill_id", "warned"), [(True, None, True), (True, SKILL_ID, False), (False, None, False)])
def test_a_warning_at_start_when_verifying_without_a_skill_id(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], verify: bool, skill_id: str | None, warned: bool
) -> None:
    from skill.web import create_app

    if skill_id:
        monkeypatch.setenv("SKILL_ID", skill_id)
    capsys.readouterr()
    create_app(verify_requests=verify)
    warnings = [json.loads(line) for line in capsys.readouterr().err.splitlines() if '"WARNING"' in line]
    assert bool([w for w in warnings if "SKILL_ID" in w["message"]]) is warned


# -- 10. the privacy and security notes are true ---------------------------------------------------------------


def test_privacy_md_is_true_about_backups() -> None:
    from tests.dynamodb_local import template

    table = template()["Resources"]["RitualsTable"]["Properties"]
    recovery = table.get("PointInTimeRecoverySpecification", {}).get("PointInTimeRecoveryEnabled")
    privacy = (ROOT / "PRIVACY.md").read_text()
    if recovery:
        assert "point-in-time recovery" in privacy.lower() and "35 days" in privacy
        assert not re.search(r"deleted (at once|immediately)[^.]*\.(?![^.]*35 days)", privacy), "no unqualified 'at once'"


def test_security_md_names_a_test_for_every_attack_class_and_each_exists() -> None:
    security = (ROOT / "SECURITY.md").read_text()
    named = re.findall(r"`(tests/test_\w+\.py)::(test_\w+)`", security)
    assert len(named) >= 10
    for path, test in named:
        assert re.search(rf"^def {test}\(", (ROOT / path).read_text(), re.M), f"{path}::{test} does not exist"
