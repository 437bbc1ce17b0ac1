"""Is our ritual working? A monthly review: which rituals the couple used this calendar month, read from what is
already stored (the check-in's weeks, the stress map's ratings, morning coffee's runs, the Sunday share's notes,
the monthly look ahead's days), each through its owner's functions, then three questions in turns: are we doing
it, does it still fit, what changes.

It stores nothing of its own beyond the place while in progress.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from skill.engine.script import Segment, narrate
from skill.engine.trend import week_monday
from skill.engine.turn import Turn
from skill.engine.turn_place import Place
from skill.engine.turn_taking import Step, TurnTaking
from skill.rituals import check_in, monthly, morning_coffee, stress_map, sunday_share

NAME = "ritual_review"


def used_this_month(turn: Turn) -> list[tuple[str, int]]:
    """(ritual, how many times) for each ritual with a dated trace in this calendar month, in menu order."""
    today = turn.local_now.date()

    def this_month(day: str | None) -> bool:
        try:
            seen = date.fromisoformat(str(day)[:10])
        except ValueError:
            return False
        return (seen.year, seen.month) == (today.year, today.month)

    household = turn.household
    mondays = (week_monday(week) for week in check_in.checked_in_weeks(household))
    traces: dict[str, Sequence[str | None]] = {
        "check_in": [monday.isoformat() for monday in mondays if monday is not None],
        "stress_map": sorted({rated.date for rated in stress_map.ratings(household)}),
        "morning_coffee": [run.date for run in morning_coffee.recent_runs(household)],
        "sunday_share": [note.on for note in sunday_share.read(household, turn.now.timestamp()).kept],
        "monthly": list(monthly.read(household).runs),
    }
    used = [(name, sum(1 for day in days if this_month(day))) for name, days in traces.items()]
    return [(name, count) for name, count in used if count]


class RitualReview(TurnTaking[Place]):
    name = NAME
    intents = frozenset({"RitualReviewIntent"})

    def steps(self, turn: Turn, place: Place) -> list[Step]:
        seconds = {key: float(value) for key, value in turn.section.settings["seconds"].items()}
        return [
            Step("doing", 0, seconds["doing"], part=0, cue=True),
            Step("doing", 1, seconds["doing"], part=0, cue=True),
            Step("fit", 1, seconds["fit"], part=1, cue=True),
            Step("fit", 0, seconds["fit"], part=1, cue=True),
            Step("change", None, seconds["change"], part=2),
        ]

    def opening(self, turn: Turn, place: Place) -> list[Segment]:
        """What they used this month, by the names the menu gives them ("our weekly check-in, twice")."""
        used = used_this_month(turn)
        if not used:
            return [narrate(turn.line("used_none"))]
        menu = turn.content.section("narrator").settings.get("menu", {})
        said = []
        for name, count in used:
            words = str(menu.get(name, turn.content.section(name).settings.get("title", name)))
            key = "used_once" if count == 1 else "used_twice" if count == 2 else "used_times"
            said.append(turn.line(key, ritual=words, count=count))
        return [narrate(f"{turn.line('used_intro')} {'; '.join(said)},"), narrate(turn.line("used_more"))]


RITUAL = RitualReview()
