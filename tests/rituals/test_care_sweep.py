"""The care sweep: at every point where a ritual waits for the couple, each of these help, distress and disclosure
phrases, heard through the en-US model by virtual-alexa (Alexa's kind of utterance matcher, tests/support/virtual_alexa.py)
and sent as it heard them, through the Lambda handler and POST /alexa.

After each: the right one of the three answers; the ritual's place, its counts and the names exactly as they
were (nothing at all is stored); every number inside telephone markup. The waiting points are found as the
off-script sweep finds them (tests/rituals/test_off_script_sweep.py).
"""

from __future__ import annotations

from functools import cache

import pytest

from skill.content import SUPPORTED_LOCALES, load_content
from tests.rituals.test_off_script_sweep import (
    Sweep,
    place,
    starts,
    sweep,  # noqa: F401  (the fixture)
    waiting_points,
)
from tests.support.care_support import hear, telephone_numbers
from tests.support.conversation import Said
from tests.support.virtual_alexa import hear_all

HELP = [
    "I need help",
    "I need some help",
    "help me",
    "help us",
    "we need help",
    "can you help me",
    "can you help us",
    "how does this work",
    "how does it work",
    "what do we do",
    "what do I do",
    "what should we say",
    "I'm lost",
    "I'm confused",
]
DISTRESS = [
    "I'm not okay",
    "I am not okay",
    "I'm not ok",
    "I'm really not okay",
    "I can't do this",
    "I can't do this anymore",
    "I can't cope",
    "I'm overwhelmed",
    "I feel overwhelmed",
    "I'm falling apart",
    "it's all too much",
    "I'm struggling",
    "I don't want to be here anymore",
    "I need someone to listen",
]
SAFETY = [
    "I don't feel safe",
    "I'm not safe here",
    "I'm not safe at home",
    "I'm in danger",
    "I'm scared",
    "I'm scared of my partner",
    "I'm scared of him",
    "I'm afraid of her",
    "my partner hurts me",
    "my partner is violent",
    "my partner is abusive",
    "my partner is dangerous",
    "my partner is controlling",
    "my husband hurts me",
    "my wife hit me",
    "my boyfriend is hurting me",
    "my girlfriend hurts me",
    "he's hurting me",
    "she's hurting me",
    "they're hurting me",
    "he hit me",
    "she hits me",
    "he's violent",
    "she's abusive",
    "he threatens me",
    "my partner yells at me",
    "I'm being abused",
]
PHRASES = [("help", p) for p in HELP] + [("distress", p) for p in DISTRESS] + [("safety", p) for p in SAFETY]
EXPECTED_INTENT = {"help": "AMAZON.HelpIntent", "distress": "DistressIntent", "safety": "SafetyIntent"}
CARE = load_content("en-US").section("care")
HEARD = {key: CARE.lines.variants(key)[0] for key in ("distress_heard", "safety_heard")}
CRISIS, ABUSE, EMERGENCY = (str(CARE.settings[k]) for k in ("crisis_phone", "abuse_phone", "emergency_number"))
ACCUSATIONS = ("hurt", "hit", "violent", "abus", "threat", "scare", "control", "yell")


@cache
def heard_by_virtual_alexa(locale: str) -> dict[str, tuple[str, dict[str, str]]]:
    return hear_all(locale, [phrase for _, phrase in PHRASES])


def test_the_sweep_has_enough_phrases_and_each_is_heard_as_its_need_by_both_matchers() -> None:
    assert len(PHRASES) >= 40 and len(SAFETY) >= 20
    misheard = {p: hear("en-US", p) for need, p in PHRASES if hear("en-US", p)[0] != EXPECTED_INTENT[need]}
    assert not misheard, misheard


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_virtual_alexa_hears_each_phrase_as_its_need_never_as_a_name(locale: str) -> None:
    heard = heard_by_virtual_alexa(locale)
    misheard = {p: heard[p] for need, p in PHRASES if heard[p][0] != EXPECTED_INTENT[need]}
    assert not misheard, f"{locale}: {misheard}"


def problems_with(need: str, said: Said) -> list[str]:
    numbers = telephone_numbers(said.ssml)
    if need == "help":  # the ritual's own help: which ritual, whose turn, what to say (open pace then lets them talk)
        care_said = any(said.text.startswith(opening) for opening in HEARD.values())
        wrong = numbers or care_said or (not said.ends_session and not said.reprompt)
        return [f"not help in context: {said.text!r}"] if wrong else []
    if need == "distress":
        found = []
        if not said.text.startswith(HEARD["distress_heard"]) or numbers != [CRISIS]:
            found.append(f"not the distress answer with the crisis line: {said.text!r} {numbers}")
        if said.ends_session or not said.reprompt:
            found.append("no offer to pause")
        return found
    found = []
    if not said.text.startswith(HEARD["safety_heard"]) or numbers != [EMERGENCY, ABUSE] or not said.ends_session:
        found.append(f"not the discreet answer ending quietly: {said.text!r} {numbers}")
    if any(word in said.text.lower() for word in ACCUSATIONS):
        found.append(f"said the disclosure back: {said.text!r}")
    return found


@pytest.mark.parametrize(("ritual_name", "intent", "slots"), starts(), ids=lambda v: str(v) if v else "")
def test_help_distress_and_disclosures_at_every_waiting_point(
    sweep: Sweep, ritual_name: str, intent: str, slots: dict[str, str]
) -> None:
    couple = sweep.couple
    points = waiting_points(sweep, ritual_name, intent, slots)
    heard = heard_by_virtual_alexa("en-US")
    problems: list[str] = []
    for point in points:
        for need, phrase in PHRASES:
            sweep.back_to(point)
            spoken_intent, spoken_slots = heard[phrase]
            said = couple.intent(spoken_intent, one_shot=not couple.session_open, **spoken_slots)
            after = sweep.stored()
            where = f"{point.label}, {phrase!r}"
            problems.extend(f"{where}: {problem}" for problem in problems_with(need, said))
            if after.get("names") != ["Maya", "Sam"]:
                problems.append(f"{where}: names became {after.get('names')}")
            if place(after)[0] != ritual_name:
                problems.append(f"{where}: the ritual's place was lost")
            if need != "help" and after != point.document:
                problems.append(f"{where}: something was stored")
            if need == "help" and after.get("rituals") != point.document.get("rituals"):
                problems.append(f"{where}: counts or ratings changed")
    if slots.get("pace") == "open":
        assert points, f"{intent}, taking their time, never waited for the couple"
    assert not problems, "\n".join(problems[:30]) + f"\n... {len(problems)} in all"
