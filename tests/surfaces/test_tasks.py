"""Custom tasks: routine actions a couple adds to their own Alexa routines, and the task a ritual's timer
launches when it ends, so the ritual closes in the couple's two voices.

The task definitions (skill-package/tasks/) are OpenAPI 3 documents as Amazon restricts them, checked here with
an OpenAPI validator; requests are LaunchRequests carrying `task`, as Amazon documents them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate

from skill.alexa.tasks import MANIFEST_TASKS, ROUTINE_TASKS
from skill.content import load_content
from tests.support.alexa_api_standin import AlexaApiStandIn
from tests.support.conversation import SKILL_ID, Couple, Said

TASKS = Path(__file__).resolve().parents[2] / "skill-package" / "tasks"
MAGIC = load_content("en-US").section("magic_minutes").lines
THIRTY_SIX = load_content("en-US").section("thirty_six").lines
HUG = load_content("en-US").section("hug").lines


def launch_task(couple: Couple, name: str, task_input: dict[str, Any] | None = None, version: str = "1") -> Said:
    """A LaunchRequest carrying one of our tasks (a routine's action, or a timer that ended)."""
    couple.session_open = False
    task: dict[str, Any] = {"name": f"{SKILL_ID}.{name}", "version": version}
    if task_input is not None:
        task["input"] = task_input
    return couple.request({"type": "LaunchRequest", "task": task})


def one_of(said: Said, lines: Any, key: str, **values: Any) -> bool:
    """One wording of `key` was said; a placeholder not given here ({name}, {other}) stands for either name."""
    given = {"first": "Maya", "second": "Sam", **{k: str(v) for k, v in values.items()}}
    for text in lines.variants(key):
        pattern = re.escape(text)
        for field in re.findall(r"\{(\w+)\}", text):
            pattern = pattern.replace(
                re.escape("{" + field + "}"), re.escape(given[field]) if field in given else "(Maya|Sam)"
            )
        if re.search(pattern, said.text):
            return True
    return False


# -- the definitions ----------------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "version"), MANIFEST_TASKS)
def test_each_task_definition_is_a_valid_openapi_document_as_amazon_restricts_it(name: str, version: str) -> None:
    path = TASKS / f"{name}.{version}.json"
    document = json.loads(path.read_text())
    validate(document)  # OpenAPI 3, by openapi-spec-validator
    assert version.isdigit() and int(version) > 0
    assert list(document["paths"]) == [f"/{name}"], "one task per file, its name as the path"
    operations = document["paths"][f"/{name}"]
    assert list(operations) == ["post"], "POST only"
    post = operations["post"]
    assert list(post["requestBody"]["content"]) == ["application/json"]
    assert all(list(answer["content"]) == ["application/json"] for answer in post["responses"].values())
    assert all(ref.startswith("#/") for ref in _refs(document)), "inline references only"
    assert document["info"]["x-amzn-alexa-access-scope"] in ("public", "vendor-private")
    schema = document["components"]["schemas"][f"{name}Input"]
    expected = ROUTINE_TASKS[name][1] if name in ROUTINE_TASKS else ("ritual",)
    assert set(schema["properties"]) == set(expected), "the input is exactly what the handler reads"


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [v for k, v in node.items() if k == "$ref"] + [r for v in node.values() for r in _refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


def test_every_definition_file_is_a_task_the_skill_handles() -> None:
    assert {path.name for path in TASKS.glob("*.json")} == {f"{n}.{v}.json" for n, v in MANIFEST_TASKS}


def test_a_routine_task_is_offered_in_every_locale_we_serve() -> None:
    for name in ROUTINE_TASKS:
        info = json.loads((TASKS / f"{name}.1.json").read_text())["info"]
        assert info["x-amzn-alexa-access-scope"] == "public", "a couple's routine can only use a public task"
        assert set(info["x-amzn-display-details"]) == {"en-US", "en-GB", "en-CA", "en-AU", "en-IN"}


# -- a routine's action ---------------------------------------------------------------------------------
@pytest.mark.parametrize("surface", ["couple", "web_couple"])
def test_good_morning_leads_into_morning_coffee(surface: str, request: Any, stored) -> None:
    couple: Couple = request.getfixturevalue(surface)
    couple.meet("Maya", "Sam")
    said = launch_task(couple, "MorningCoffee")
    coffee = load_content("en-US").section("morning_coffee").lines
    assert one_of(said, coffee, "intro") and said.ends_session, "the whole ritual, hands-free"
    assert {"Joanna", "Matthew"} <= set(said.voices)
    assert "morning_coffee" in stored(couple)["rituals"], "counted as any morning coffee"


def test_a_hug_task_takes_its_seconds(couple: Couple) -> None:
    couple.meet("Maya", "Sam")
    said = launch_task(couple, "Hug", {"seconds": 30})
    assert one_of(said, HUG, "lead_in", seconds=30)
    assert said.timed_seconds() == pytest.approx(30, abs=0.01)


def test_a_hug_task_with_input_out_of_range_is_adjusted_kindly(couple: Couple) -> None:
    couple.meet("Maya", "Sam")
    said = launch_task(couple, "Hug", {"seconds": 600})
    assert one_of(said, HUG, "too_long", seconds=60)


def test_tonights_question_task_takes_its_depth(couple: Couple, stored) -> None:
    couple.meet("Maya", "Sam")
    launch_task(couple, "TonightsQuestion", {"depth": "deepest"})
    assert stored(couple)["in_progress"]["state"]["depth"] == "deepest"


def test_the_check_in_and_magic_minutes_tasks_start_their_rituals(couple: Couple, stored) -> None:
    couple.meet("Maya", "Sam")
    launch_task(couple, "WeeklyCheckIn")
    assert stored(couple)["in_progress"]["ritual"] == "check_in"
    said = launch_task(couple, "MagicMinutes")
    assert one_of(said, MAGIC, "lead_in")


def test_a_routine_before_introductions_asks_for_the_names_first(couple: Couple) -> None:
    said = launch_task(couple, "TonightsQuestion")
    names_first = load_content("en-US").section("names").lines.variants("names_first")
    assert any(text in said.text for text in names_first) and not said.ends_session


@pytest.mark.parametrize(("name", "version"), [("SomethingElse", "1"), ("Hug", "2")])
def test_a_task_we_do_not_know_is_a_plain_launch(couple: Couple, name: str, version: str) -> None:
    couple.meet("Maya", "Sam")
    said = launch_task(couple, name, {}, version=version)
    plain = couple.launch()
    assert said.ends_session == plain.ends_session and not said.is_empty


# -- the timer that hands back --------------------------------------------------------------------------
@pytest.mark.parametrize("surface", ["couple", "web_couple"])
def test_when_the_five_minutes_end_the_ritual_closes_in_their_two_voices(
    surface: str, request: Any, alexa_api: AlexaApiStandIn
) -> None:
    couple: Couple = request.getfixturevalue(surface)
    couple.meet("Maya", "Sam")
    couple.api_endpoint = alexa_api.url
    couple.intent("MagicMinutesIntent", one_shot=True)
    task = alexa_api.received[0].body["triggeringBehavior"]["operation"]["task"]
    said = launch_task(couple.later(minutes=5), "CloseRitual", task["input"])
    assert said.ends_session
    assert one_of(said, MAGIC, "closed") and one_of(said, MAGIC, "closing_goodnight")
    partners = [voice for voice in said.voices if voice is not None]
    assert partners == ["Joanna", "Matthew"], "a thank-you to each, in their own voice"
    # Each voice speaks to its own partner, never one partner's voice to the other.
    assert any("Maya" in text for text in said.by_voice("Joanna")) and any(
        "Sam" in text for text in said.by_voice("Matthew")
    )
    assert not any("Sam" in text for text in said.by_voice("Joanna"))


def test_the_thirty_six_questions_close_after_their_four_minutes(couple: Couple, stored) -> None:
    couple.meet("Maya", "Sam")
    said = launch_task(couple, "CloseRitual", {"ritual": "thirty_six"})
    assert one_of(said, THIRTY_SIX, "closed") and said.ends_session
    assert stored(couple)["in_progress"] is None


@pytest.mark.parametrize("task_input", [{"ritual": "safety"}, {"ritual": 5}, {}, None])
def test_a_closing_task_for_no_ritual_of_ours_is_a_plain_launch(couple: Couple, task_input: Any) -> None:
    couple.meet("Maya", "Sam")
    said = launch_task(couple, "CloseRitual", task_input)
    assert not said.is_empty and not any(line.voice for line in said.lines[:1])


def test_where_alexa_will_not_launch_a_task_the_announcing_timer_stays(couple: Couple) -> None:
    with AlexaApiStandIn(refuse_launch_task=True) as api:
        couple.meet("Maya", "Sam")
        couple.api_endpoint = api.url
        said = couple.intent("MagicMinutesIntent", one_shot=True)
    assert one_of(said, MAGIC, "timer_set"), "the couple still has their timer"
    kinds = [request.body["triggeringBehavior"]["operation"]["type"] for request in api.received]
    assert kinds == ["LAUNCH_TASK", "ANNOUNCE"]
    assert api.received[0].body["timerLabel"] == api.received[1].body["timerLabel"]
    assert api.received[1].body["triggeringBehavior"]["operation"]["textToAnnounce"][0]["text"] in MAGIC.variants(
        "announcement"
    )


def test_without_the_timer_permission_nothing_changes(couple: Couple) -> None:
    """Timers refused (403): Alexa asks for the permission by voice, as before; no second kind of timer is tried."""
    with AlexaApiStandIn(status=403) as api:
        couple.meet("Maya", "Sam")
        couple.api_endpoint = api.url
        said = couple.intent("MagicMinutesIntent", one_shot=True)
    assert len(api.received) == 1
    assert said.response["directives"][0]["type"] == "Connections.SendRequest"


def test_the_closing_task_is_named_alike_where_the_timer_sets_it_and_where_it_is_handled() -> None:
    from skill.alexa import tasks
    from skill.engine import ritual_timer

    assert (tasks.CLOSING_TASK, tasks.CLOSING_TASK_VERSION) == (
        ritual_timer.CLOSING_TASK,
        ritual_timer.CLOSING_TASK_VERSION,
    )


def test_the_resuming_task_is_named_alike_where_the_timer_sets_it_and_where_it_is_handled() -> None:
    from skill.alexa import tasks
    from skill.engine import ritual_timer
    from skill.rituals.check_in import TIMER

    assert (tasks.RESUMING_TASK, tasks.RESUMING_TASK_VERSION) == (
        ritual_timer.RESUMING_TASK,
        ritual_timer.RESUMING_TASK_VERSION,
    )
    assert TIMER.task == (tasks.RESUMING_TASK, tasks.RESUMING_TASK_VERSION) and TIMER.ritual in tasks.RESUMABLE
    enum = json.loads((TASKS / "ResumeRitual.1.json").read_text())["components"]["schemas"]["ResumeRitualInput"]
    assert set(enum["properties"]["ritual"]["enum"]) == set(tasks.RESUMABLE)


@pytest.mark.parametrize("task_input", [{"ritual": "magic_minutes"}, {"ritual": "safety"}, {}, None])
def test_a_resuming_task_for_no_resumable_ritual_is_a_plain_launch(couple: Couple, task_input: Any) -> None:
    couple.meet("Maya", "Sam")
    said = launch_task(couple, "ResumeRitual", task_input)
    assert not said.is_empty and not any(line.voice for line in said.lines[:1])
    assert not one_of(said, MAGIC, "closed"), "resuming never closes another ritual"


@pytest.mark.parametrize("surface", ["couple", "web_couple"])
def test_the_check_in_talks_timer_brings_the_couple_back_to_their_numbers(
    surface: str, request: Any, alexa_api: AlexaApiStandIn
) -> None:
    couple: Couple = request.getfixturevalue(surface)
    couple.meet("Maya", "Sam")
    couple.api_endpoint = alexa_api.url
    couple.intent("CheckInIntent", one_shot=True)
    couple.later(minutes=6).intent("TalkTimerIntent", one_shot=True, minutes="15")
    sent = [r for r in alexa_api.received if r.path == "/v1/alerts/timers"]
    task = sent[0].body["triggeringBehavior"]["operation"]["task"]
    said = launch_task(couple.later(minutes=15), "ResumeRitual", task["input"])
    check_in = load_content("en-US").section("check_in").lines
    assert one_of(said, check_in, "talk_timer_up") and one_of(said, check_in, "rating_first")
    assert not said.ends_session and said.lines[-1].voice == "Joanna", "Maya's number, in her voice"
