"""Echo Show screens: a couple whose Echo has a screen sees what they hear; a speaker hears exactly what it always did.

Conversations through the Lambda handler with an APL-capable device envelope show each document and
its data; the same conversations on a speaker are compared byte for byte with the skill without its
screen layer. Every document is checked by Amazon's own APL validator (apl-suggester, from npm).
"""

from __future__ import annotations

import itertools
import json
from datetime import timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import skill.screen
from skill.content import load_content
from skill.engine.trend import week_key
from skill.screen.documents import DOCUMENTS, document, screen_text
from skill.speech.limits import MAX_RESPONSE_BYTES, check_response
from skill.store.sqlite import SQLiteStore
from tests.support.apl_suggester import validate
from tests.support.check_in_support import to_the_numbers
from tests.support.conversation import Couple, Said
from tests.support.turns_support import open_mode

APL = {"Alexa.Presentation.APL": {"runtime": {"maxVersion": "2024.2"}}}
VIEWPORT = {
    "shape": "RECTANGLE",
    "pixelWidth": 1280,
    "pixelHeight": 800,
    "dpi": 213,
    "mode": "HUB",
    "touch": ["SINGLE"],
}
RENDER = "Alexa.Presentation.APL.RenderDocument"
CONTENT = load_content("en-US")
MAYA, SAM = CONTENT.voices


class ScreenCouple(Couple):
    """A couple whose Echo has a screen: the device says it renders APL, and its viewport."""

    def envelope(self, request: dict[str, Any], *, new: bool) -> dict[str, Any]:
        envelope = super().envelope(request, new=new)
        envelope["context"]["System"]["device"]["supportedInterfaces"] = dict(APL)
        envelope["context"]["Viewport"] = dict(VIEWPORT)
        return envelope

    def touch(self, *arguments: str) -> Said:
        """A touch on the screen: the SendEvent arguments of the touched component."""
        return self.request(
            {"type": "Alexa.Presentation.APL.UserEvent", "token": "our-rituals.menu", "arguments": list(arguments),
             "source": {"type": "TouchWrapper", "handler": "Press", "id": "tile-0"}}
        )  # fmt: skip


class SameIds(Couple):
    """A couple whose request and session ids are numbered by the couple, so two runs send identical requests."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.numbers = itertools.count(1)

    def envelope(self, request: dict[str, Any], *, new: bool) -> dict[str, Any]:
        envelope = super().envelope(request, new=new)
        n = next(self.numbers)
        envelope["request"]["requestId"] = f"amzn1.echo-api.request.same-{n}"
        envelope["session"]["sessionId"] = "amzn1.echo-api.session.same"
        return envelope


class SameIdsScreen(SameIds, ScreenCouple):
    pass


def screen(said: Said) -> tuple[str, dict[str, Any]]:
    """The one document sent with a response: its name (from the token) and its data source."""
    rendered = [d for d in said.response.get("directives", []) if d["type"] == RENDER]
    assert len(rendered) == 1, f"expected one screen, got {said.response.get('directives')}"
    directive = rendered[0]
    name = directive["token"].removeprefix("our-rituals.")
    assert directive["document"] == document(name), "the document is the data file, as it is"
    return name, directive["datasources"][name]


def no_screen(said: Said) -> bool:
    return not any(d["type"] == RENDER for d in said.response.get("directives", []))


@pytest.fixture
def screen_couple(lambda_app: ModuleType) -> ScreenCouple:
    couple = ScreenCouple(send=lambda event: lambda_app.handler(event, None))
    couple.meet("Maya", "Sam")
    return couple


# -- the menu, and a touch that means what its words mean ------------------------------------------------------
def test_the_menu_shows_a_tile_per_ritual_on_offer(screen_couple: ScreenCouple) -> None:
    said = screen_couple.launch()
    name, data = screen(said)
    assert name == "menu" and data["couple"] == "Maya & Sam"
    intents = [tile["intent"] for tile in data["tiles"]]
    assert intents[:3] == ["HugIntent", "BreatheIntent", "TonightsQuestionIntent"], "in the spoken menu's order"
    assert "CheckInIntent" in intents and "SafetyIntent" not in intents, "care is never a tile"
    assert all(tile["title"] and tile["say"] for tile in data["tiles"])
    assert not said.ends_session


def test_touching_a_tile_is_the_same_as_saying_it(lambda_app: ModuleType) -> None:
    spoken = SameIdsScreen(send=lambda event: lambda_app.handler(event, None), user_id="amzn1.ask.account.SPOKEN")
    touched = SameIdsScreen(send=lambda event: lambda_app.handler(event, None), user_id="amzn1.ask.account.TOUCHED")
    for couple in (spoken, touched):
        couple.meet("Maya", "Sam")
        couple.launch()
    by_voice = spoken.intent("TonightsQuestionIntent")
    by_touch = touched.touch("start", "TonightsQuestionIntent")
    assert by_touch.envelope == by_voice.envelope, "the same words, the same screen, the same place kept"
    assert screen(by_touch)[0] == "question"


def test_a_touch_that_is_not_a_tile_is_answered_with_silence(screen_couple: ScreenCouple) -> None:
    screen_couple.launch()
    for arguments in (("start", "ForgetUsIntent"), ("start",), ("open", "HugIntent"), ("start", "AMAZON.StopIntent")):
        said = screen_couple.touch(*arguments)
        assert said.is_empty and no_screen(said), arguments


# -- the hug and the breaths: timed from the same segments as the speech -----------------------------------------------
@pytest.mark.parametrize("seconds", [None, "45"])
def test_the_hug_counts_down_exactly_the_hold_that_is_spoken(screen_couple: ScreenCouple, seconds: str | None) -> None:
    said = screen_couple.intent("HugIntent", one_shot=True, **({"seconds": seconds} if seconds else {}))
    name, data = screen(said)
    assert name == "hug"
    assert data["seconds"] == pytest.approx(said.timed_seconds())
    assert (data["holdEndMs"] - data["holdStartMs"]) / 1000 == pytest.approx(said.timed_seconds())
    assert data["holdStartMs"] > 0, "the countdown starts after the lead-in is said"
    assert said.ends_session


def test_the_breathing_circle_follows_each_cue_and_its_pause(screen_couple: ScreenCouple) -> None:
    said = screen_couple.intent("BreatheIntent", one_shot=True, breaths="3")
    name, data = screen(said)
    assert name == "breathe" and data["breaths"] == 3
    phases = data["phases"]
    assert [p["kind"] for p in phases] == ["in", "out"] * 3
    settings = CONTENT.section("breathe").settings
    lengths = {"in": settings["inhale_seconds"] * 1000, "out": settings["exhale_seconds"] * 1000}
    cues = said.lines[1:7]  # after the lead-in: in-cue, out-cue, three times, alternating voices
    assert [line.voice for line in cues] == [cues[0].voice, cues[1].voice] * 3 and cues[0].voice != cues[1].voice
    for phase, following in itertools.pairwise(phases):
        assert phase["endMs"] == following["startMs"], "one breath flows into the next"
    for phase in phases:
        held = phase["endMs"] - phase["startMs"]
        assert lengths[phase["kind"]] < held < lengths[phase["kind"]] + 5000, "the pause, plus saying the cue"
    assert data["firstMs"] == phases[0]["startMs"] > 0 and data["lastMs"] == phases[-1]["endMs"]


# -- tonight's question: whose turn, changing with the turns ---------------------------------------------------------
COLOURS = {"Maya": "#F2A65A", "Sam": "#7FC8C2"}
DECK = CONTENT.section("questions").data["questions"]


def spoken_at(said: Said, ms: int, data: dict[str, Any]) -> dict[str, Any]:
    """The phase of the question screen shown `ms` into the reply (as APL's elapsedTime would pick it)."""
    shown = [phase for phase in data["phases"] if phase["startMs"] <= ms < phase["endMs"]]
    assert len(shown) == 1, (ms, data["phases"])
    return shown[0]


def test_tonights_question_shows_the_question_its_depth_and_whose_turn(screen_couple: ScreenCouple) -> None:
    # Hands-free: both answers and the offer of another in one response; the screen follows the voice.
    said = screen_couple.resolved("TonightsQuestionIntent", "depth", "a deeper one", "deeper", one_shot=True)
    name, data = screen(said)
    assert name == "question" and data["depth"] == "Deeper" and data["depthLevel"] == 2
    voices = [v for v in said.voices if v is not None]
    first = "Maya" if voices[0] == MAYA else "Sam"
    second = "Sam" if first == "Maya" else "Maya"
    # A deeper question is said back: Sam says back Maya's answer then answers (one phase), then Maya says back his.
    answering, handed, said_back, offer = data["phases"]
    assert (
        answering["startMs"] == 0
        and answering["endMs"] == handed["startMs"]
        and handed["endMs"] == said_back["startMs"]
    )
    assert said_back["endMs"] == offer["startMs"] and said_back["turn"] == answering["turn"]
    assert offer["endMs"] > offer["startMs"] > said_back["startMs"] > handed["startMs"] > 0, (
        "the turn changes as it is said"
    )
    assert spoken_at(said, 0, data) is answering and spoken_at(said, offer["startMs"], data) is offer
    assert answering["turn"] == f"{first}'s turn" and answering["colour"] == COLOURS[first]
    assert handed["turn"] == f"{second}'s turn" and handed["colour"] == COLOURS[second]
    assert (
        "chime" in answering["hint"]
        and offer["hint"] == ""
        and offer["turn"] not in (answering["turn"], handed["turn"])
    )
    # Each sees the question as it was asked of them: a name slot holds the other's name.
    assert answering["question"] in said.text and handed["question"] in said.by_voice(
        next(v for v in voices if v != voices[0])
    )
    deck_text = next(q["text"] for q in DECK if q["text"].replace("{partner}", second) == answering["question"])
    assert handed["question"] == deck_text.replace("{partner}", first) and "{" not in handed["question"]

    # At their own pace: one turn on screen, with the one-shot that hands it over, as it is said.
    said = screen_couple.resolved("TonightsQuestionIntent", "pace", "let's take our time", "open", one_shot=True)
    name, data = screen(said)
    (only,) = data["phases"]
    assert name == "question" and only["turn"] == f"{second}'s turn" and "Alexa, tell our rituals next" in only["hint"]
    said = screen_couple.intent("AMAZON.NextIntent", one_shot=True)
    (only,) = screen(said)[1]["phases"]
    assert only["turn"] == f"{first}'s turn" and only["question"] in said.by_voice(voices[0])


def test_a_question_with_the_partners_name_in_it_is_shown_to_each_with_the_others_name(
    screen_couple: ScreenCouple, embedded_store: Path
) -> None:
    """Pick a deck question with a name slot by placing the deck's cursor on it."""
    from skill.rituals.tonights_question import deck_order

    light = sorted(q["id"] for q in DECK if q["depth"] == "light")
    slotted = next(
        i
        for i, qid in enumerate(deck_order(light, 7, 0))
        if "{partner}" in next(q["text"] for q in DECK if q["id"] == qid)
    )
    store = SQLiteStore(embedded_store)
    snapshot = store.load(screen_couple.key)
    document = dict(snapshot.document)
    document["rituals"] = {
        "tonights_question": {"decks": {"light": {"seed": 7, "round": 0, "cursor": slotted}}, "depth": "light"}
    }
    store.save(screen_couple.key, document, snapshot.version, int(screen_couple.now.timestamp()))

    said = screen_couple.intent("TonightsQuestionIntent", one_shot=True)
    phases = screen(said)[1]["phases"]
    maya, sam = (phases[0], phases[1]) if phases[0]["turn"] == "Maya's turn" else (phases[1], phases[0])
    assert "Sam" in maya["question"] and "Maya" in sam["question"] and "{partner}" not in said.text
    assert maya["question"] in said.text and sam["question"] in said.text
    assert screen(screen_couple.intent("AMAZON.RepeatIntent"))[1]["phases"][-1]["hint"] == ""
    assert "{partner}" not in screen_couple.history[-1].text


def test_a_question_from_their_own_jar_is_shown_like_tonights_question(screen_couple: ScreenCouple) -> None:
    screen_couple.intent("AddToJarIntent", one_shot=True, question="what would you name a puppy")
    screen_couple.intent("AMAZON.YesIntent")
    said = screen_couple.intent("JarQuestionIntent", one_shot=True)
    name, data = screen(said)
    assert name == "question" and data["depth"] == "From your jar"
    assert [phase["question"] for phase in data["phases"]] == ["What would you name a puppy?"] * 3
    first, second = ("Maya", "Sam") if next(v for v in said.voices if v) == MAYA else ("Sam", "Maya")
    assert [phase["turn"] for phase in data["phases"]][:2] == [f"{first}'s turn", f"{second}'s turn"]
    assert data["phases"][2]["turn"] == screen_text("en-US").line("question_offer")


# -- turn rituals: each prompt in the colour of the partner it is for --------------------------------------------------
def test_a_paced_round_shows_each_prompt_when_it_is_said(screen_couple: ScreenCouple) -> None:
    said = screen_couple.intent("RoseThornBudIntent", one_shot=True)
    name, data = screen(said)
    assert name == "turns" and data["title"] == "Rose, thorn, bud"
    partner_lines = [line for line in said.lines if line.voice is not None]
    shown = data["prompts"]
    assert [p["text"] for p in shown] == [line.text for line in partner_lines][: len(shown)]
    assert len(shown) == 6, "a rose, a thorn and a bud each"
    colour = {MAYA: "#F2A65A", SAM: "#7FC8C2"}
    assert [p["colour"] for p in shown] == [colour[line.voice] for line in partner_lines[:6]]
    starts = [p["startMs"] for p in shown]
    assert starts == sorted(starts) and starts[0] == 0
    assert all(p["endMs"] == q["startMs"] for p, q in itertools.pairwise(shown))


def test_an_open_round_shows_the_one_prompt_and_how_to_hand_over(screen_couple: ScreenCouple) -> None:
    said = open_mode(screen_couple, "RoseThornBudIntent")
    name, data = screen(said)
    assert name == "turns" and len(data["prompts"]) == 1
    assert data["prompts"][0]["text"] in said.text and "Alexa, tell our rituals next" in data["hint"], (
        "the one-shot said"
    )
    said = screen_couple.intent("DoneIntent", one_shot=True)
    _, following = screen(said)
    assert (
        following["prompts"][0]["text"] in said.text and following["prompts"][0]["text"] != data["prompts"][0]["text"]
    )


# -- the check-in history: a line per partner, the trend in words ------------------------------------------------------
def test_the_history_is_a_chart_of_the_last_weeks_with_the_trend_beneath(
    screen_couple: ScreenCouple, embedded_store: Path
) -> None:
    store = SQLiteStore(embedded_store)
    snapshot = store.load(screen_couple.key)
    stored = dict(snapshot.document)
    today = screen_couple.now.date()
    weeks = {week_key(today - timedelta(weeks=3 - i)): [5 + i, 6 + i] for i in range(4)}
    stored["rituals"] = {"check_in": {"weeks": weeks, "count": 4, "last": today.isoformat()}}
    store.save(screen_couple.key, stored, snapshot.version, int(screen_couple.now.timestamp()))

    said = screen_couple.intent("CheckInHistoryIntent", one_shot=True)
    name, data = screen(said)
    assert name == "history"
    assert [p["name"] for p in data["partners"]] == ["Maya", "Sam"] and [p["latest"] for p in data["partners"]] == [
        8,
        9,
    ]
    for path in (data["firstPath"], data["secondPath"]):
        assert path.startswith("M") and path.count("L") == 3, "four weeks, four points"
    ys = [float(point.split(",")[1]) for point in data["firstPath"].replace("M", "").split(" L")]
    assert ys == sorted(ys, reverse=True), "rising ratings climb the chart"
    assert data["trend"] in CONTENT.section("check_in").lines.variants("month_rising")
    assert data["firstColour"] != data["secondColour"]


def test_while_they_talk_it_over_the_screen_says_so_for_them_both(screen_couple: ScreenCouple) -> None:
    """The check-in's untimed talk: the host's words for both, in the host's colour, and how to come back."""
    said = screen_couple.intent("CheckInIntent", one_shot=True)
    name, data = screen(said)
    *turns, together = data["prompts"]
    assert name == "turns" and together["who"] == "Together" and together["text"] in said.text
    assert together["text"] == said.lines[-1].text and together["colour"] == data["hostColour"]
    assert [p["endMs"] for p in turns] == [p["startMs"] for p in [*turns[1:], together]], "each shown as it is said"
    assert "No clock" in data["hint"]


def test_a_check_in_ends_on_the_chart(screen_couple: ScreenCouple) -> None:
    name, data = screen(to_the_numbers(screen_couple))  # both turns, talked over, then the first number
    assert name == "turns" and "1 to 10" in data["hint"]
    name, _ = screen(screen_couple.intent("RatingIntent", rating="7"))
    assert name == "turns"
    said = screen_couple.intent("RatingIntent", rating="7")
    name, data = screen(said)
    assert name == "history" and said.ends_session
    assert [p["latest"] for p in data["partners"]] == [7, 7] and data["empty"] == ""


def test_a_hard_week_ends_on_the_chart_too_and_the_long_hug_counts_down(screen_couple: ScreenCouple) -> None:
    """After low numbers the session stays open for the offer of a long hug: the chart shows while it is asked."""
    to_the_numbers(screen_couple)
    screen_couple.intent("RatingIntent", rating="2")
    said = screen_couple.intent("RatingIntent", rating="3")
    name, data = screen(said)
    assert name == "history" and not said.ends_session
    assert [p["latest"] for p in data["partners"]] == [2, 3]
    said = screen_couple.intent("AMAZON.YesIntent")
    name, data = screen(said)
    assert name == "hug" and data["seconds"] == pytest.approx(said.timed_seconds())


def test_a_check_in_whose_last_number_is_skipped_ends_on_the_chart(screen_couple: ScreenCouple) -> None:
    for rating in ("8", None):
        to_the_numbers(screen_couple.later(weeks=1))
        screen_couple.intent("RatingIntent", rating="6")
        said = screen_couple.intent("RatingIntent", rating=rating) if rating else screen_couple.intent("SkipIntent")
    name, data = screen(said)
    assert name == "history" and [p["latest"] for p in data["partners"]] == [6, 8], "the week with both numbers"


def test_no_history_yet_says_the_first_check_in_starts_it(screen_couple: ScreenCouple) -> None:
    name, data = screen(screen_couple.intent("CheckInHistoryIntent", one_shot=True))
    assert name == "history" and data["empty"] and data["firstPath"] == ""


# -- a speaker gets exactly what it always got -----------------------------------------------------------------------
def evening(couple: Couple) -> list[Said]:
    """A whole evening: meeting, menu, help, a hug, breaths, a question, a paced and an open round, a check-in."""
    couple.meet("Maya", "Sam")
    said = [couple.launch(), couple.intent("AMAZON.HelpIntent"), couple.intent("HugIntent", one_shot=True)]
    said.append(couple.intent("BreatheIntent", one_shot=True))
    said.append(couple.intent("TonightsQuestionIntent", one_shot=True))
    said += [couple.intent("AMAZON.YesIntent"), couple.intent("AMAZON.NoIntent")]
    said.append(couple.intent("RoseThornBudIntent", one_shot=True))
    said.append(open_mode(couple, "SentenceStemsIntent"))
    said += [couple.intent("DoneIntent"), couple.intent("AMAZON.StopIntent")]
    said += [
        couple.intent("CheckInIntent", one_shot=True),
        couple.later(minutes=15).intent("AMAZON.NextIntent", one_shot=True),
    ]
    said += [couple.intent("RatingIntent", rating="8"), couple.intent("RatingIntent", rating="6")]
    said.append(couple.intent("CheckInHistoryIntent", one_shot=True))
    return couple.history


def _bytes(saids: list[Said]) -> list[bytes]:
    return [json.dumps(said.envelope, sort_keys=True).encode() for said in saids]


def test_a_speaker_gets_byte_for_byte_the_responses_it_got_before_screens(
    lambda_app: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    speaker = SameIds(send=lambda event: lambda_app.handler(event, None), user_id="amzn1.ask.account.SPEAKER")
    with_screen_layer = _bytes(evening(speaker))
    assert all(b'"Alexa.Presentation.APL.RenderDocument"' not in said for said in with_screen_layer)

    # The skill as it was before screens: both interceptors do nothing.
    monkeypatch.setattr(skill.screen.ScreenResponse, "process", lambda self, handler_input, response: None)
    monkeypatch.setattr(skill.screen.TouchAsSpoken, "process", lambda self, handler_input: None)
    before = SameIds(send=lambda event: lambda_app.handler(event, None), user_id="amzn1.ask.account.BEFORE")
    assert _bytes(evening(before)) == with_screen_layer


def test_a_screen_adds_only_its_document_to_the_same_evening(lambda_app: ModuleType) -> None:
    speaker = SameIds(send=lambda event: lambda_app.handler(event, None), user_id="amzn1.ask.account.SPEAKER")
    screen_echo = SameIdsScreen(send=lambda event: lambda_app.handler(event, None), user_id="amzn1.ask.account.SHOW")
    heard, seen = evening(speaker), evening(screen_echo)
    shown = []
    for plain, with_screen in zip(heard, seen, strict=True):
        response = dict(with_screen.response)
        directives = [d for d in response.pop("directives", []) if d["type"] != RENDER]
        shown += [d["token"] for d in with_screen.response.get("directives", []) if d["type"] == RENDER]
        if directives:
            response["directives"] = directives
        assert response == plain.response and with_screen.session_attributes == plain.session_attributes
    assert {token.removeprefix("our-rituals.") for token in shown} == set(DOCUMENTS), (
        "every document shown once or more"
    )


@pytest.mark.slow
# -- checked, not hoped ------------------------------------------------------------------------------------------------
def test_every_document_passes_amazons_apl_validator() -> None:
    findings = validate([document(name) for name in DOCUMENTS])
    assert {name: found for name, found in zip(DOCUMENTS, findings) if found} == {}


@pytest.mark.slow
def test_the_validator_does_find_mistakes() -> None:
    """The validator is really consulted: a document with a property APL does not have is reported."""
    broken = json.loads(json.dumps(document("question")))
    broken["mainTemplate"]["items"][0]["colour"] = "pink"
    assert any("colour" in finding["errorMessage"] for finding in validate([broken])[0])


def test_a_screen_that_would_make_the_response_too_large_is_left_out(
    screen_couple: ScreenCouple, monkeypatch: pytest.MonkeyPatch
) -> None:
    import skill.screen.render as render

    monkeypatch.setattr(render, "MAX_RESPONSE_BYTES", 2000)
    said = screen_couple.intent("HugIntent", one_shot=True)
    assert no_screen(said) and said.timed_seconds() == pytest.approx(20.0), "the hug is still heard in full"


def test_the_size_limit_is_checked_on_every_response() -> None:
    envelope = {
        "version": "1.0",
        "response": {"shouldEndSession": True, "directives": [{"type": RENDER, "pad": "x" * MAX_RESPONSE_BYTES}]},
    }
    assert any("bytes, over" in problem for problem in check_response(envelope, locale="en-US", clip_seconds={}))


def test_every_locale_has_every_screen_line() -> None:
    from skill.content import SUPPORTED_LOCALES
    from skill.screen.documents import screen_text

    english = set(screen_text("en-US").lines)
    for locale in SUPPORTED_LOCALES:
        assert set(screen_text(locale).lines) == english
        assert len(screen_text(locale).settings["partner_colours"]) == 2


_COLD = """
import json, sys
sys.path.insert(0, "lambda")
import app
event = json.loads(sys.stdin.read())
response = app.handler(event, None)
# The sound bed's APL for audio (skill/alexa/sound_bed.py) plays on speakers too: only the screen's APL counts here.
apl = "ask_sdk_model.interfaces.alexa.presentation.apl"
print(json.dumps({"modules": sorted(m for m in sys.modules if m.startswith(("skill.screen", apl + ".")) or m == apl),
                  "directives": len([d for d in response["response"].get("directives", []) if d["type"] == "Alexa.Presentation.APL.RenderDocument"])}))
"""


@pytest.mark.parametrize("with_screen", [False, True])
def test_a_speaker_never_loads_the_documents_or_their_code(lambda_app: ModuleType, with_screen: bool) -> None:
    """A fresh process, as a Lambda cold start: a speaker loads only the small interceptor module."""
    import subprocess
    import sys

    couple = (ScreenCouple if with_screen else Couple)(send=lambda event: event)
    event = couple.envelope({"type": "IntentRequest", "intent": {"name": "HugIntent", "slots": {}}}, new=True)
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", _COLD], input=json.dumps(event), cwd=root, capture_output=True,
                          text=True, check=True, timeout=60)  # fmt: skip
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    if with_screen:
        assert seen["directives"] == 1 and "skill.screen.render" in seen["modules"]
    else:
        assert seen == {"modules": ["skill.screen"], "directives": 0}


def test_a_screen_that_cannot_be_made_never_costs_the_speech(
    screen_couple: ScreenCouple, monkeypatch: pytest.MonkeyPatch
) -> None:
    import skill.screen.render as render

    def broken(*args: Any) -> None:
        raise ValueError("a document that cannot be read")

    monkeypatch.setattr(render, "choose", broken)
    said = screen_couple.intent("HugIntent", one_shot=True)
    assert no_screen(said) and said.timed_seconds() == pytest.approx(20.0) and said.ends_session


def test_a_touch_with_odd_arguments_is_ignored(screen_couple: ScreenCouple) -> None:
    for arguments in ({"start": "HugIntent"}, "start", None, ["start", 7]):
        said = screen_couple.request({"type": "Alexa.Presentation.APL.UserEvent", "token": "t", "arguments": arguments})
        assert said.is_empty, arguments


# -- what a screen shows is the reply's view, never its words ----------------------------------------------------------
def test_a_reused_wording_changes_nothing_on_screen() -> None:
    """The hug's closing line over a pause and the check-in's thanks, said by something else: still the menu."""
    from datetime import datetime, timezone

    from skill.engine.script import Pause, Reply, narrate
    from skill.household import Household
    from skill.screen.views import choose

    hug_closing = CONTENT.section("hug").lines.variants("closing")[0]
    thanks = CONTENT.section("check_in").lines.variants("thanks_both")[0]
    reply = Reply(speech=(narrate(thanks), Pause(5), narrate(hug_closing)), reprompt=(narrate("And now?"),))
    shown = choose(reply, Household(names=["Maya", "Sam"]), CONTENT, screen_text("en-US"), datetime.now(timezone.utc))
    assert shown is not None and shown.document == "menu"


def test_no_screen_module_reads_a_ritual_or_its_words() -> None:
    """Views come from the reply; the screen code never looks up a ritual's lines or its stored state."""
    source = "\n".join(path.read_text() for path in Path(skill.screen.__file__).parent.glob("*.py"))
    for reads in (".variants(", ".rituals", "in_progress", "ritual_named", "question_words", "steps("):
        assert reads not in source, reads
