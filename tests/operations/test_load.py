"""The web service under load on loopback: many Echos at once, every answer right, no update lost, memory steady.

A real threaded server (werkzeug's, as `our-rituals serve` runs) on 127.0.0.1, and client threads
sending whole Alexa requests over HTTP. Bounded in count, so the suite stays quick.
"""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from skill.content import load_content
from skill.household import readable
from skill.speech.limits import check_response
from skill.store.sqlite import SQLiteStore
from tests.support.conversation import Couple, Said

CLIENTS = 8
SHARED_HOUSEHOLD_REQUESTS = 120  # all on one household: each draws one question from its deck
OTHER_REQUESTS = 120  # hugs for other households, interleaved
WARM_UP_REQUESTS = 60
SOCKET_TIMEOUT_SECONDS = 30
# Generous: a leak of a few kilobytes per request over the 240 measured would still show.
RSS_GROWTH_LIMIT_BYTES = 40 * 1024 * 1024
CLIPS = dict(load_content("en-US").sounds.clips.values())


@pytest.fixture
def server() -> Iterator[tuple[str, int]]:
    """The web service (verification off: the load is on the skill, not on certificate downloads) in a thread."""
    from skill.web import create_app

    httpd = make_server("127.0.0.1", 0, create_app(verify_requests=False), threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield "127.0.0.1", httpd.server_port
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)


def envelopes(user_id: str, count: int, make: str) -> list[dict[str, Any]]:
    """`count` one-shot requests from one household: a question from the light deck, or a hug."""
    built: list[dict[str, Any]] = []

    def keep(event: dict[str, Any]) -> dict[str, Any]:
        built.append(event)
        return {"version": "1.0", "response": {"shouldEndSession": True}}

    couple = Couple(send=keep, user_id=user_id)
    for _ in range(count):
        if make == "question":
            couple.resolved("TonightsQuestionIntent", "depth", "light", "light", one_shot=True)
        elif make == "names":  # "Alexa, tell our rituals we are Maya and Sam": a question needs their names first
            couple.intent("SetNamesIntent", one_shot=True, first="Maya", second="Sam")
        else:
            couple.intent("HugIntent", one_shot=True)
    return built


def post(address: tuple[str, int], event: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    connection = http.client.HTTPConnection(*address, timeout=SOCKET_TIMEOUT_SECONDS)
    try:
        connection.request("POST", "/alexa", body=json.dumps(event), headers={"Content-Type": "application/json"})
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


def run(address: tuple[str, int], events: list[dict[str, Any]]) -> list[tuple[int, dict[str, Any]]]:
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        return list(pool.map(lambda event: post(address, event), events))


def rss_bytes() -> int | None:
    """This process's resident memory (the server runs in it), from /proc; None where there is no /proc."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def test_many_echos_at_once_every_answer_right_and_nothing_lost(server: tuple[str, int], embedded_store: Path) -> None:
    half = WARM_UP_REQUESTS // 2  # both rituals once through every code path before memory is measured
    for household in ("amzn1.ask.account.WARM-UP", "amzn1.ask.account.SHARED-HOUSEHOLD"):
        run(server, envelopes(household, 1, "names"))
    run(
        server,
        envelopes("amzn1.ask.account.WARM-UP", half, "hug") + envelopes("amzn1.ask.account.WARM-UP", half, "question"),
    )
    rss_before = rss_bytes()

    shared = envelopes("amzn1.ask.account.SHARED-HOUSEHOLD", SHARED_HOUSEHOLD_REQUESTS, "question")
    others = [e for n in range(4) for e in envelopes(f"amzn1.ask.account.OTHER-{n}", OTHER_REQUESTS // 4, "hug")]
    mixed = [e for pair in zip(shared, others) for e in pair]
    answers = run(server, mixed)

    assert [status for status, _ in answers] == [200] * len(mixed)
    for (_, envelope), event in zip(answers, mixed):
        assert not check_response(envelope, locale="en-US", clip_seconds=CLIPS)
        ssml = Said(envelope, "en-US").ssml  # outputSpeech, or the same speech over a sound bed
        if event["request"]["intent"]["name"] == "TonightsQuestionIntent":
            assert "<voice" in ssml, "the question is asked in a partner's voice"
        else:
            assert "soundbank://" in ssml and "<break" in ssml, "the hug is held, then a chime"
    store = SQLiteStore(embedded_store)
    deck = readable(store.load(Couple(send=lambda e: e, user_id="amzn1.ask.account.SHARED-HOUSEHOLD").key).document)
    light = deck["rituals"]["tonights_question"]["decks"]["light"]
    deck_size = sum(1 for q in load_content("en-US").section("questions").data["questions"] if q["depth"] == "light")
    assert light["round"] * deck_size + light["cursor"] == SHARED_HOUSEHOLD_REQUESTS, "every draw was kept: none lost"
    for n in range(4):
        other = store.load(Couple(send=lambda e: e, user_id=f"amzn1.ask.account.OTHER-{n}").key)
        assert other.version >= 1 and other.document["next_first"] == (OTHER_REQUESTS // 4) % 2, (
            "every hug's turn flip kept"
        )

    rss_after = rss_bytes()
    if rss_before is not None and rss_after is not None:
        assert rss_after - rss_before < RSS_GROWTH_LIMIT_BYTES, f"memory grew by {(rss_after - rss_before) >> 20} MiB"
