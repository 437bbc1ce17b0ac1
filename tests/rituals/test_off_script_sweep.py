"""Off-script sweep: at every point where a ritual waits for the couple, every intent of the interaction model.

Real Alexa maps whatever is said to the nearest intent, with whatever it heard in the slots. So for each
ritual, driven through its own script, each waiting point is saved, and from that exact point (the stored
household and the session) every intent of `interaction_models/en-US.json` is sent with plausible and
implausible slot values, and a SessionEndedRequest, through the Lambda handler and through the web endpoint.
Where a ritual plays several turns in one answer, the sweep also barges in half-way through that answer
("Alexa, ..." while it plays), the way a kitchen interrupts. After each: no apology (no
exception), a response inside Alexa's limits (the harness checks), the names unchanged, the ritual still
there to continue, and its counts and ratings unchanged, unless the intent was the ritual's own.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from skill.content import CONTENT_DIR, load_content
from skill.engine.ritual import ALWAYS_FOLLOW_UPS, SteppedRitual, registry
from skill.store.sqlite import SQLiteStore
from tests.support.alexa_api_standin import AlexaApiStandIn
from tests.support.conversation import Couple, Said

MODEL = Path(__file__).resolve().parents[2] / "interaction_models" / "en-US.json"
APOLOGIES = set(load_content("en-US").section("narrator").lines.variants("apology"))
# Slot values as Alexa may send them: a number, a number word, a phrase, nothing, far too much, a miss.
SLOT_VALUES: tuple[str | None, ...] = (None, "7", "three", "thank you", "Priya", "", "okay " * 60)
RENAME_QUESTION = load_content("en-US").section("names").lines.variants("rename_confirm")[0].split("{")[0]
MAX_POINTS = 6  # waiting points followed per way of starting a ritual
NARRATOR_LINES = load_content("en-US").section("narrator").lines
PAUSED = [*NARRATOR_LINES.variants("paused"), *NARRATOR_LINES.variants("finished_kept")]
# "We need a break" leaves like "pause" in every ritual but a repair, which answers it as its own.
LEAVING = frozenset(
    {
        "AMAZON.StopIntent",
        "AMAZON.CancelIntent",
        "AMAZON.NavigateHomeIntent",
        "AMAZON.PauseIntent",
        "FinishedIntent",
        "BreakIntent",
    }
)


def model_intents() -> list[tuple[str, list[str]]]:
    """Every intent of the en-US model with its slot names, read from the model itself."""
    language = json.loads(MODEL.read_text(encoding="utf-8"))["interactionModel"]["languageModel"]
    return [(intent["name"], [slot["name"] for slot in intent.get("slots", [])]) for intent in language["intents"]]


def probes() -> Iterator[tuple[str, dict[str, str | None]]]:
    """Each intent without slots, then (when it has slots) with every slot given each of SLOT_VALUES."""
    for name, slots in model_intents():
        yield name, {}
        for value in SLOT_VALUES[1:] if slots else ():
            yield name, dict.fromkeys(slots, value)


@dataclass
class Point:
    """A moment where the ritual waits: what is stored, and the session the next request belongs to."""

    label: str
    document: dict[str, Any]
    attributes: dict[str, Any]
    session_open: bool
    at: datetime  # when the next request is said: after the answer, or half-way through it (a barge-in)


class Sweep:
    def __init__(self, couple: Couple, store: SQLiteStore) -> None:
        self.couple, self.store = couple, store

    def stored(self) -> dict[str, Any]:
        return copy.deepcopy(self.store.load(self.couple.key).document)

    def here(self, label: str) -> Point:
        return Point(label, self.stored(), dict(self.couple.attributes), self.couple.session_open, self.couple.now)

    def barging_in(self, label: str) -> Point:
        """Half-way through the answer just given: the couple interrupt it."""
        played = self.couple.history[-1].playing_seconds()
        at = self.couple.answer_started + timedelta(seconds=int(played / 2))
        return Point(label, self.stored(), dict(self.couple.attributes), self.couple.session_open, at)

    def back_to(self, point: Point) -> None:
        self.couple.now = point.at
        snapshot = self.store.load(self.couple.key)
        self.store.save(
            self.couple.key, copy.deepcopy(point.document), snapshot.version, int(self.couple.now.timestamp())
        )
        self.couple.attributes = dict(point.attributes)
        self.couple.session_open = point.session_open
        if not point.session_open:
            self.couple.new_session()
            self.couple.session_open = False  # the next request starts its own session


@pytest.fixture(params=["couple", "web_couple"], ids=["lambda", "web"])
def sweep(request: pytest.FixtureRequest, embedded_store: Path, alexa_api: AlexaApiStandIn) -> Sweep:
    """Maya and Sam, just met, on the Lambda handler or POST /alexa, ready to be taken back to any point."""
    couple: Couple = request.getfixturevalue(request.param)
    alexa_api.status = 403  # a ritual that sets a timer or reminder asks for permission, and waits for the answer
    couple.api_endpoint = alexa_api.url
    couple.meet("Maya", "Sam")
    return Sweep(couple, SQLiteStore(embedded_store))


def place(document: dict[str, Any]) -> Any:
    progress = document.get("in_progress") or {}
    return progress.get("ritual"), progress.get("state")


def waiting_points(sweep: Sweep, ritual_name: str, intent: str, slots: dict[str, str]) -> list[Point]:
    """Start the ritual and follow its script ("I'm done", a rating, "next", "yes"), saving each waiting point."""
    couple = sweep.couple
    ritual = registry()[intent]
    assert isinstance(ritual, SteppedRitual)
    said = couple.intent(intent, one_shot=True, **slots)
    points: list[Point] = []
    while len(points) < MAX_POINTS and place(sweep.stored())[0] == ritual_name:
        label = f"{intent}{slots or ''} point {len(points) + 1}"
        state = place(sweep.stored())[1] or {}
        if "stretch" in state:  # several turns in one answer: barge in while it plays
            points.append(sweep.barging_in(f"{label}, barging in"))
        if state.get("waiting") == "playing":
            break  # played to its end: only a barge-in finds a place there
        points.append(sweep.here(label))
        before = place(sweep.stored())
        for step, step_slots in (
            ("DoneIntent", {}),
            ("RatingIntent", {"rating": "7"}),
            ("AMAZON.NextIntent", {}),
            ("AMAZON.YesIntent", {}),
        ):
            if step not in ritual.follow_ups:
                continue
            said = couple.intent(step, one_shot=not couple.session_open, **step_slots)
            if place(sweep.stored()) != before:
                break
        else:
            break  # nothing moves it on: a ritual waiting for Alexa, not for the couple
    assert said is not None
    return points


def ritual_wordings(ritual_name: str) -> list[re.Pattern[str]]:
    """Every wording the ritual (or the shared turn-taking lines, or the narrator's "shall we continue") can say,
    as a pattern whose placeholders match any words."""
    content = load_content("en-US")
    texts = []
    for section in (ritual_name, "turns"):
        keys = json.loads((CONTENT_DIR / "en" / f"{section}.json").read_text(encoding="utf-8"))["lines"]
        texts.extend(w for key in keys for w in content.section(section).lines.variants(key))
    texts.extend(content.section("narrator").lines.variants("offer_resume_again"))
    return [re.compile(re.sub(r"\\\{\w+\\\}", ".+?", re.escape(" ".join(t.split())))) for t in texts]


def says_where(said: Said, patterns: list[re.Pattern[str]]) -> bool:
    """The reprompt is one of the ritual's own lines: whose turn, what to say next."""
    return any(p.fullmatch(said.reprompt) for p in patterns)


def own_intents(ritual: Any) -> frozenset[str]:
    """What a ritual may legitimately act on: its own start intents and follow-ups, "continue" and "start over",
    and a yes it has no meaning for, which is taken as "continue" (see skill.engine.router)."""
    follow_ups = ritual.follow_ups if isinstance(ritual, SteppedRitual) else frozenset()
    return ritual.intents | follow_ups | {"AMAZON.ResumeIntent", "AMAZON.StartOverIntent", "AMAZON.YesIntent"}


def send(couple: Couple, intent: str, slots: dict[str, str | None]) -> Said:
    if intent == "SessionEndedRequest":
        return couple.session_ended("EXCEEDED_MAX_REPROMPTS")
    return couple.intent(intent, one_shot=not couple.session_open, **slots)


def starts() -> list[tuple[str, str, dict[str, str]]]:
    """Every way of starting every ritual that waits for the couple (each pace, where it has one)."""
    cases = []
    for intent, ritual in sorted(registry().items()):
        if not isinstance(ritual, SteppedRitual):
            continue
        slot_names = dict(model_intents())[intent]
        cases.append((ritual.name, intent, {}))
        if "pace" in slot_names:
            cases.append((ritual.name, intent, {"pace": "open"}))
    return cases


@pytest.mark.parametrize(("ritual_name", "intent", "slots"), starts(), ids=lambda v: str(v) if v else "")
def test_every_intent_at_every_waiting_point_keeps_the_couple_and_their_place(
    sweep: Sweep, ritual_name: str, intent: str, slots: dict[str, str]
) -> None:
    couple = sweep.couple
    ritual = registry()[intent]
    points = waiting_points(sweep, ritual_name, intent, slots)
    if slots.get("pace") == "open":
        assert points, f"{intent}, taking their time, never waited for the couple"
    own = own_intents(ritual)
    others = set(registry()) - ritual.intents
    patterns = ritual_wordings(ritual_name)
    problems: list[str] = []
    renames_asked = 0
    for point in points:
        for probe, probe_slots in [*probes(), ("SessionEndedRequest", {})]:
            sweep.back_to(point)
            said = send(couple, probe, probe_slots)
            if probe == "SetNamesIntent" and said.text.startswith(RENAME_QUESTION):
                renames_asked += 1
                said = send(couple, "AMAZON.NoIntent", {})  # "call us Priya and Priya"? No: the ritual goes on
            after = sweep.stored()
            where = f"{point.label}, {probe}{probe_slots}"
            if said.text in APOLOGIES or any(apology in said.text for apology in APOLOGIES):
                problems.append(f"{where}: apologised (an exception)")
            if probe == "SessionEndedRequest" and not said.is_empty:
                problems.append(f"{where}: a SessionEndedRequest got speech")
            if after.get("names") != ["Maya", "Sam"]:
                problems.append(f"{where}: names became {after.get('names')}")
            if probe in own or probe in others:
                continue  # the ritual's own words, or the couple asked for another ritual: it may move on
            kept = place(after)[0] == ritual_name
            if probe in LEAVING:
                # Leaving keeps the place and says how to come back, or, where the ritual has nothing left to come
                # back to (both answered, "another?"), ends it with a goodbye: never one said and the other done.
                if kept != any(p.split("{")[0] in said.text for p in PAUSED):
                    problems.append(f"{where}: {'kept' if kept else 'dropped'} the place but said {said.text!r}")
            elif not kept:
                problems.append(f"{where}: the ritual's place was lost")
            if after.get("rituals") != point.document.get("rituals"):
                problems.append(f"{where}: counts or ratings changed")
            if not (said.ends_session or said.is_empty or probe in LEAVING) and not said.reprompt:
                problems.append(f"{where}: the session stays open without a reprompt")
            open_again = not (said.ends_session or said.is_empty or probe in LEAVING)
            # "Shall I forget you?" and the offer to pause after distress (tests/rituals/test_care_sweep.py) ask their own question.
            if (
                open_again
                and probe not in ("ForgetUsIntent", "ForgetMeIntent", "DistressIntent")
                and not says_where(said, patterns)
            ):
                problems.append(f"{where}: does not say where they are: {said.text!r} / {said.reprompt!r}")
    assert not problems, "\n".join(problems[:30]) + f"\n... {len(problems)} in all"
    assert renames_asked == len(points), "a plausible rename mid-ritual is said back and waits for a yes"


def test_the_sweep_covers_every_intent_of_the_model() -> None:
    """Nothing is left out: every intent the model declares is probed, each slotted one with every value."""
    probed = {name for name, _ in probes()}
    declared = {name for name, _ in model_intents()}
    assert probed == declared and len(declared) >= 30
    assert "SetNamesIntent" in probed and "MyNameIntent" in probed and probed >= ALWAYS_FOLLOW_UPS
