"""A soft sound bed under breathing, the hug and the turns held in silence, mixed with APL for audio; silence
everywhere else, and for a couple who said "no music".

Amazon publishes no validator for APL for audio: apl-suggester, its APL validator, refuses the APLA type (a test
below holds that, so the day it learns APLA the suite says so). The document is held instead to a JSON Schema
written from Amazon's APLA reference pages (tests/support/apla_schema.py names each page).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from skill.content import CONTENT_DIR, load_content
from tests.support import apl_suggester, apla_schema
from tests.support.conversation import Couple, Said

SETTINGS = load_content("en-US").section("preferences").settings["sound_bed"]
STREAM = load_content("en-US").sounds.src(SETTINGS["clip"])
APLA = "Alexa.Presentation.APLA.RenderDocument"


def bed(said: Said) -> dict[str, Any] | None:
    return said.sound_bed


@pytest.mark.parametrize("surface", ["couple", "web_couple"])
def test_the_hug_is_held_over_a_soft_bed(surface: str, request: Any) -> None:
    couple: Couple = request.getfixturevalue(surface)
    couple.meet("Maya", "Sam")
    said = couple.intent("HugIntent", one_shot=True)
    directive = bed(said)
    assert directive is not None and "outputSpeech" not in said.response, "said once, over the bed"
    assert directive["document"] == json.loads((CONTENT_DIR / "apla" / "sound_bed.json").read_text())
    data = directive["datasources"]["bed"]
    assert said.timed_seconds() == pytest.approx(20.0), "the hold itself is unchanged"
    assert set(data["clips"]) == {STREAM} and data["volume"] == SETTINGS["volume"]
    words = len(said.text.split())
    assert len(data["clips"]) * 5.28 <= 20.0 + 0.89 + words / SETTINGS["words_per_second"], (
        "never longer than the speech"
    )
    assert len(data["clips"]) >= 3


def test_breathing_and_a_timed_round_have_it_too(couple: Couple) -> None:
    couple.meet("Maya", "Sam")
    assert bed(couple.intent("BreatheIntent", one_shot=True)) is not None
    assert bed(couple.intent("RoseThornBudIntent", one_shot=True)) is not None


def test_elsewhere_silence_stays_silence(couple: Couple) -> None:
    couple.meet("Maya", "Sam")
    for said in (
        couple.launch(),
        couple.intent("SafetyIntent", one_shot=True),
        couple.intent("MagicMinutesIntent", one_shot=True),
        couple.intent("CheckInIntent", one_shot=True),
    ):
        assert bed(said) is None and "outputSpeech" in said.response


def test_no_music_is_remembered_until_music_again(couple: Couple, stored) -> None:
    couple.meet("Maya", "Sam")
    with_bed = couple.intent("HugIntent", one_shot=True)
    said = couple.intent("NoMusicIntent", one_shot=True)
    assert "no music" in said.text.lower() or "no sound" in said.text.lower()
    assert stored(couple)["rituals"]["preferences"] == {"music": False}
    plain = couple.intent("HugIntent", one_shot=True)
    assert bed(plain) is None and plain.response["outputSpeech"]["ssml"].count("<break") == with_bed.ssml.count(
        "<break"
    )
    couple.intent("MusicOnIntent", one_shot=True)
    assert bed(couple.intent("HugIntent", one_shot=True)) is not None


def test_the_apla_document_keeps_to_amazons_apla_reference() -> None:
    document = json.loads((CONTENT_DIR / "apla" / "sound_bed.json").read_text())
    assert apla_schema.problems(document) == []


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["mainTemplate"]["items"][0].update(firstItem={"type": "Speech"}),  # APL's, not APLA's
        lambda d: d["mainTemplate"]["items"][0]["items"][1]["items"][0].pop("source"),
        lambda d: d["mainTemplate"]["items"][0]["items"][1]["items"][0]["filter"].append({"type": "Echo"}),
        lambda d: d["mainTemplate"]["items"][0]["items"][1]["items"][0]["filter"][0].update(amount="loud"),
        lambda d: d["mainTemplate"]["items"][0]["items"][0].update(contentType="Markdown"),
        lambda d: d.update(version="2024.2"),
    ],
)
def test_the_schema_refuses_what_amazon_does_not_document(change: Any) -> None:
    document = json.loads((CONTENT_DIR / "apla" / "sound_bed.json").read_text())
    change(document)
    assert apla_schema.problems(document)


@pytest.mark.slow  # apl-suggester, from npm, in Node
def test_apl_suggester_still_cannot_validate_apla() -> None:
    """Amazon's APL validator knows only APL: it flags the type and version of every APLA document. The day it
    accepts them, validate the sound bed with it instead of tests/support/apla_schema.py."""
    document = json.loads((CONTENT_DIR / "apla" / "sound_bed.json").read_text())
    [findings] = apl_suggester.validate([document])
    assert {finding["path"] for finding in findings} >= {"/type", "/version"}, findings


def test_the_directive_is_the_sdks_own() -> None:
    from ask_sdk_core.serialize import DefaultSerializer
    from ask_sdk_model import Directive

    from skill.alexa.sound_bed import document

    body = {
        "type": APLA,
        "token": "sound-bed",
        "document": document(),
        "datasources": {"bed": {"ssml": "<speak/>", "clips": [STREAM], "volume": 0.3}},
    }
    directive = DefaultSerializer().deserialize(json.dumps(body), Directive)
    assert type(directive).__name__ == "RenderDocumentDirective" and directive.object_type == APLA
