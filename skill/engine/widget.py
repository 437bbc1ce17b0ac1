"""What the Echo Show widget shows, decided from the household alone: tonight's question (or "ask me for one"),
how many questions wait in their jar, and the day of the next check-in. Pure: the adapter
(skill/alexa/widget.py) pushes it to the device's data store when it changes.

Every string is finished here, in the couple's language, so the widget's document only places them.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from skill.content import Content
from skill.household import Household

SECTION = "widget"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _question(household: Household, content: Content, today: date) -> str | None:
    state = household.peek_ritual("tonights_question")
    last = state.get("last") if isinstance(state, dict) else None
    if not isinstance(last, dict) or last.get("on") != today.isoformat():
        return None
    from skill.rituals.tonights_question import JAR_PREFIX

    question = str(last.get("question"))
    if question.startswith(JAR_PREFIX):
        from skill.rituals import our_jar

        return our_jar.text_of(household, question[len(JAR_PREFIX) :])
    found = next((q for q in content.section("questions").data["questions"] if q["id"] == question), None)
    if found is None:
        return None
    other = household.names[1] if household.has_names else str(content.section("host").settings["stand_in_names"][1])
    return str(found["text"]).replace("{partner}", other)


def _jar_count(household: Household) -> int:
    if "our_jar" not in household.rituals:
        return 0
    from skill.rituals import our_jar

    return len(our_jar.questions(household))


def _next_check_in(household: Household, today: date) -> int | None:
    """The weekday (0 Monday) of the next check-in: their reminder's day, else a week after the last one."""
    state = household.peek_ritual("check_in")
    if not isinstance(state, dict):
        return None
    reminder = state.get("reminder")
    if isinstance(reminder, dict) and isinstance(reminder.get("day"), int) and 0 <= reminder["day"] <= 6:
        return int(reminder["day"])
    try:
        last = date.fromisoformat(str(state.get("last")))
    except ValueError:
        return None
    return max(last + timedelta(days=7), today).weekday()


def view(household: Household, content: Content, today: date) -> dict[str, Any]:
    """The widget's data, as the data store keeps it (one object)."""
    lines = content.section(SECTION).lines
    question = _question(household, content, today)
    count = _jar_count(household)
    day = _next_check_in(household, today)
    jar_key = "jar_empty" if count == 0 else "jar_one" if count == 1 else "jar_count"
    day_names = content.section(SECTION).settings["weekdays"]
    return {
        "title": lines.variants("title")[0],
        "questionTitle": lines.variants("question_title")[0],
        "question": question or lines.variants("ask_for_one")[0],
        "hasQuestion": question is not None,
        "jarCount": count,
        "jar": lines.variants(jar_key)[0].format(count=count),
        "checkIn": lines.variants("no_check_in")[0] if day is None else lines.variants("next_check_in")[0].format(day=day_names[day]),
    }
