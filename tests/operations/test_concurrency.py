"""Sixteen Echos in one home at once, each its own process, on both stores: nothing the couple heard is lost.

Every request goes through the Lambda handler; the stores are a real SQLite file and a real DynamoDB Local.
A write that collides is re-run on the freshly read household until it lands, so: every question drawn is a
different one and the deck's place counts them all; a check-in's two ratings and its hand-overs each happen
exactly once. Bounded in time by the subprocess timeout; nothing here measures speed: each writer lifts
the store's own time limits (Alexa's 8 seconds; see tests/support/concurrency_worker.py), so on a loaded machine a
write lands late rather than not at all, and what is asserted is what was kept and what was lost.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from skill.content import load_content
from skill.household import readable
from skill.rituals.tonights_question import addressed_to, deck_order
from skill.store import open_store
from tests.conftest import ROOT
from tests.support.check_in_support import to_the_numbers
from tests.support.concurrency_worker import PATIENT_SECONDS, store_time_limits
from tests.support.conversation import Couple

WRITERS = 16
RUN_TIMEOUT_SECONDS = 900  # a bound so a stuck writer fails the test instead of hanging the suite; no speed claim
CONTENT = load_content("en-US")
UNSAVED = CONTENT.section("saving").lines.variants("unsaved")
CHECK_IN = CONTENT.section("check_in").lines
USER_ID = "amzn1.ask.account.BUSY-HOME"


@pytest.fixture(params=["sqlite", "dynamodb"])
def store_kind(request: pytest.FixtureRequest) -> str:
    if request.param == "dynamodb":
        request.getfixturevalue("dynamodb_table")  # SKILL_TABLE and the endpoint now point at DynamoDB Local
    return str(request.param)


@pytest.fixture
def patient_store(monkeypatch: pytest.MonkeyPatch) -> None:
    """The store's time limits lifted in this process too (the test's own reads and the couple's first visit), as
    each writer lifts them in its own (tests/support/concurrency_worker.py): before the Lambda app makes its client."""
    for module, name in store_time_limits():
        monkeypatch.setattr(module, name, PATIENT_SECONDS)


@pytest.fixture
def home(store_kind: str, patient_store: None, lambda_app: Any) -> Couple:
    """Maya and Sam, met, in the store under test."""
    couple = Couple(send=lambda event: lambda_app.handler(event, None), user_id=USER_ID)
    couple.meet("Maya", "Sam")
    return couple


def all_at_once(tmp_path: Path, couple: Couple, requests: Callable[[int], list[list[Any]]]) -> list[list[str]]:
    """Start WRITERS processes, let them all get ready, then start them together; what each heard, per writer.

    `requests(writer)` is what that writer says: [[intent, {slot: value}], ...], each a one-shot request.
    """
    processes = []
    for writer in range(WRITERS):
        job = {
            "user_id": couple.user_id,
            "now": couple.now.isoformat(),
            "ready": str(tmp_path / f"ready-{writer}"),
            "go": str(tmp_path / "go"),
            "requests": requests(writer),
        }
        processes.append(
            subprocess.Popen(
                [sys.executable, "-m", "tests.support.concurrency_worker", json.dumps(job)],
                cwd=ROOT,
                env=dict(os.environ),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    try:
        for process in processes:
            _wait_for(lambda: all((tmp_path / f"ready-{w}").exists() for w in range(WRITERS)), process)
        (tmp_path / "go").touch()
        outputs = []
        for process in processes:
            out, err = process.communicate(timeout=RUN_TIMEOUT_SECONDS)
            assert process.returncode == 0, err[-3000:]
            outputs.append(json.loads(out.strip().splitlines()[-1]))
        return outputs
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()


def _wait_for(condition: Any, process: subprocess.Popen[str]) -> None:
    import time

    deadline = time.monotonic() + RUN_TIMEOUT_SECONDS
    while not condition():
        if process.poll() is not None and process.returncode != 0:
            raise AssertionError(process.stderr.read()[-3000:] if process.stderr else "a writer died")
        assert time.monotonic() < deadline, "the writers never got ready"
        time.sleep(0.05)


def unsaved(text: str) -> bool:
    return any(note in text for note in UNSAVED)


def asked_in(text: str, questions: dict[str, str]) -> str:
    """The id of the one question `text` reads out, as the couple hears it (a name slot holds either partner's name)."""
    found = {
        qid
        for qid, question in questions.items()
        if any(addressed_to(question, name) in text for name in ("Maya", "Sam"))
    }
    assert len(found) == 1, (found, text)
    return found.pop()


def says(text: str, key: str) -> bool:
    """Whether `text` holds any wording of a check-in line, for either partner."""
    for name, other in (("Maya", "Sam"), ("Sam", "Maya")):
        if any(line.format(name=name, other=other) in text for line in CHECK_IN.variants(key)):
            return True
    return False


def test_sixteen_echos_drawing_questions_hear_each_question_once_and_every_draw_is_kept(
    tmp_path: Path, home: Couple
) -> None:
    questions = CONTENT.section("questions").data["questions"]
    light = {str(q["id"]): str(q["text"]) for q in questions if q["depth"] == "light"}
    per_writer = min(3, len(light) // WRITERS)
    heard = all_at_once(tmp_path, home, lambda writer: [["TonightsQuestionIntent", {}]] * per_writer)
    texts = [text for writer in heard for text in writer]
    assert not [text for text in texts if unsaved(text)], "every draw landed"
    asked = [asked_in(text, light) for text in texts]
    assert len(asked) == WRITERS * per_writer
    assert len(set(asked)) == len(asked), "no question was heard twice: no draw was lost"
    deck = readable(open_store().load(home.key).document)["rituals"]["tonights_question"]["decks"]["light"]
    assert (deck["round"], deck["cursor"]) == (0, len(asked)), "the deck's place counts every draw"
    assert set(asked) == set(deck_order(sorted(light), deck["seed"], 0)[: len(asked)])


def test_sixteen_echos_handing_over_one_check_in_move_it_on_exactly_once_each_step(
    tmp_path: Path, home: Couple
) -> None:
    # At their own pace, the check-in moves on by voice: "Alexa, tell our rituals I'm done". Said on sixteen Echos
    # at once, each "I'm done" that reaches the check-in moves it exactly one step: to the second partner's
    # sharing, to the first number (the ratings' introduction), past it (a number is optional) to the second,
    # past that to the end. The check-in is then over, so the others find nothing to hand over.
    home.resolved("CheckInIntent", "pace", "let's take our time", "open", one_shot=True)  # the first partner shares
    heard = [text for writer in all_at_once(tmp_path, home, lambda writer: [["DoneIntent", {}]]) for text in writer]
    assert not [text for text in heard if unsaved(text)], "every hand-over landed"
    assert len([text for text in heard if says(text, "share_second")]) == 1, "handed to the second partner once"
    assert len([text for text in heard if says(text, "rating_intro")]) == 1, "on to the ratings once"
    assert len([text for text in heard if says(text, "rating_second")]) == 1, "the first number passed by once"
    assert len([text for text in heard if says(text, "thanks_both")]) == 1, "the check-in finished once"
    document = open_store().load(home.key).document
    assert document.get("in_progress") is None, "nothing left in progress"
    stored = readable(document)["rituals"]["check_in"]
    assert stored["count"] == 1 and stored["weeks"] == {}, "one check-in, no number"
    assert list(stored["partial"].values()) == [[None, None]], "kept as a week where both passed, to be told"


def test_sixteen_echos_giving_ratings_at_once_keep_both_ratings_of_one_check_in(tmp_path: Path, home: Couple) -> None:
    said = to_the_numbers(home)  # hands-free: both share in one timed reply, talk it over, then a number
    assert says(said.text, "rating_first") and not said.ends_session, "the first partner's number is asked for"
    progress = open_store().load(home.key).document["in_progress"]["state"]

    def rating(writer: int) -> int:
        return 1 + writer % 10

    heard = all_at_once(tmp_path, home, lambda writer: [["RatingIntent", {"rating": str(rating(writer))}]])
    assert not [text for writer in heard for text in writer if unsaved(text)]
    first = [writer for writer, texts in enumerate(heard) if says(texts[0], "rating_second")]
    # The close thanks them, or (after a hard week) gives its one acknowledgement instead.
    closes = ("thanks_both", "care_low", "care_low_both", "care_low_apart", "care_apart")
    finished = [writer for writer, texts in enumerate(heard) if any(says(texts[0], key) for key in closes)]
    assert len(first) == 1 and len(finished) == 1, "one rating each, then the check-in finished once"
    stored = readable(open_store().load(home.key).document)["rituals"]["check_in"]
    expected = [0, 0]
    expected[progress["first"]] = rating(first[0])
    expected[1 - progress["first"]] = rating(finished[0])
    assert stored["count"] == 1 and list(stored["weeks"].values()) == [expected]
