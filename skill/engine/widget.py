"""What the Echo Show widget shows, decided from the household alone: tonight's question (or "ask me for one"),
how many questions wait in their jar, and the day of the next check-in. Pure: the adapter
(skill/alexa/widget.py) pushes it to the device's data store when it changes.

Every string is finished here, in the couple's language, so the widget's document only places them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from skill.content import Content
from skill.household import Household

SECTION = "widget"


def _question(household: Household, content: Content, today: date) -> str | None:
    from skill.rituals import tonights_question

    asked = tonights_question.last_asked(household)
    if asked is None or asked[1] != today.isoformat():
        return None
    question = asked[0]
    if question.startswith(tonights_question.JAR_PREFIX):
        from skill.rituals import our_jar

        return our_jar.text_of(household, question[len(tonights_question.JAR_PREFIX) :])
    found = next((q for q in content.section("questions").data["questions"] if q["id"] == question), None)
    if found is None:
        return None
    other = (
        household.names[1] if household.has_names else str(content.section("narrator").settings["stand_in_names"][1])
    )
    return tonights_question.addressed_to(str(found["text"]), other)


def _jar_count(household: Household) -> int:
    from skill.rituals import our_jar

    return len(our_jar.peek(household).questions)


def _next_check_in(household: Household, today: date) -> int | None:
    from skill.rituals import check_in

    return check_in.next_weekday(household, today)


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
        "checkIn": lines.variants("no_check_in")[0]
        if day is None
        else lines.variants("next_check_in")[0].format(day=day_names[day]),
    }
